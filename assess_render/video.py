"""Write rendered frames to an H.264 mp4 with PyAV."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray

#: Time base of variable-frame-rate clips (the usual mp4 video clock).
VFR_TIME_BASE = Fraction(1, 90000)


def write_video(
    frames: Iterable[NDArray[np.uint8]],
    path: Path,
    *,
    fps: float,
    time_s: NDArray[np.float64] | None = None,
    display_rotation_deg: int = 0,
    crf: int = 23,
    preset: str = "medium",
) -> int:
    """Encode RGB frames as H.264 (yuv420p) in an mp4.

    Parameters
    ----------
    frames : iterable of ndarray
        (height, width, 3) uint8 RGB frames, all the same even size.
    path : Path
        Output file; its folder must exist.
    fps : float
        Nominal frame rate. With ``time_s`` None, frames are spaced exactly ``1 / fps``.
    time_s : ndarray or None
        Explicit per-frame presentation times in seconds (a variable frame rate clip);
        must increase strictly.
    display_rotation_deg : int
        Counter-clockwise rotation a player applies to the stored picture (the value PyAV's
        ``VideoFrame.rotation`` reads back); a phone held upright stores its portrait
        picture turned 90 deg counter-clockwise with ``-90`` here.
    crf : int
        x264 constant rate factor (lower = better, larger).
    preset : str
        x264 speed preset.

    Returns
    -------
    int
        Number of frames written.
    """
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps!r}")
    if display_rotation_deg % 90:
        raise ValueError(f"display_rotation_deg must be a multiple of 90, got {display_rotation_deg!r}")
    rate = Fraction(fps).limit_denominator(1001)
    n = 0
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": preset}
        stream.codec_context.time_base = VFR_TIME_BASE if time_s is not None else 1 / rate
        if display_rotation_deg:
            stream.set_display_rotation(display_rotation_deg)
        last_pts = -1
        for frame_rgb in frames:
            if n == 0:
                h, w = frame_rgb.shape[:2]
                if h % 2 or w % 2:
                    raise ValueError(f"frame size must be even for yuv420p, got {w}x{h}")
                stream.width, stream.height = w, h
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame_rgb), format="rgb24")
            if time_s is not None:
                pts = round(float(time_s[n]) / VFR_TIME_BASE)
                if pts <= last_pts:
                    raise ValueError(f"time_s must increase strictly; frame {n} at {float(time_s[n])!r} s")
                frame.pts = pts
                frame.time_base = VFR_TIME_BASE
                last_pts = pts
            else:
                frame.pts = n
                frame.time_base = 1 / rate
            for packet in stream.encode(frame):
                container.mux(packet)
            n += 1
        for packet in stream.encode():
            container.mux(packet)
    return n
