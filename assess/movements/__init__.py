"""Movement analyzers of standing posture and spinal range of motion (gait is :mod:`assess.gait`).

The registry of every movement is :mod:`assess.registry`; results are :mod:`assess.results`.
"""
