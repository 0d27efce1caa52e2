"""Gait from ordinary video: passes, foot-side repair, heel strikes and toe offs, figures.

Modules, in pipeline order: :mod:`~assess.gait.passes` (passes of one view and direction,
turns), :mod:`~assess.gait.labels` (left/right repair by foot crossings),
:mod:`~assess.gait.prepare` (spikes, conditioning, camera motion), :mod:`~assess.gait.sagittal`
and :mod:`~assess.gait.frontal` (events per view, via :mod:`~assess.gait.events` and
:mod:`~assess.gait.thresholds`), :mod:`~assess.gait.analysis` (one pass end to end),
:mod:`~assess.gait.metrics` and :mod:`~assess.gait.figures` (steps and figures), and
:mod:`~assess.gait.analyzer` (the :class:`Gait` analyzer). :mod:`~assess.gait.smoothing` holds
moving-window helpers.
"""

from assess.gait.analyzer import Gait

__all__ = ["Gait"]
