"""assess: how a person with low back pain moves, measured from ordinary video, offline."""

__version__ = "0.1.0"
