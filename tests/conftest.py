from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
FOOTAGE = REPO.parent / "shared" / "footage"
GOLDEN = REPO / "tests" / "golden"


def footage(name: str) -> Path:
    """A real clip from ../shared/footage, or skip the test with the reason."""
    path = FOOTAGE / name
    if not path.exists():
        pytest.skip(f"real footage {path} is not on this machine")
    return path


def write_clip(
    path: Path,
    frames: Sequence[np.ndarray],
    *,
    fps: float = 30.0,
    times_s: Sequence[float] | None = None,
    rotation_deg: int = 0,
    codec: str = "libx264",
    b_frames: int | None = None,
    index_first: bool = False,
    key_every: int | None = None,
) -> Path:
    """Write RGB frames (H.264 by default); explicit ``times_s`` give a variable frame rate.

    ``b_frames`` sets the encoder's B-frame count (None: its default); ``index_first`` puts an
    mp4's index (moov) before the media data, as a streamed or "fast start" file has it;
    ``key_every`` makes every that many frames a key frame and no others.
    """
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w", options={"movflags": "faststart"} if index_first else {}) as out:
        tb = Fraction(1, 1000)
        stream = out.add_stream(codec, rate=Fraction(fps).limit_denominator(1000))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = tb
        stream.codec_context.time_base = tb
        options = {}
        if b_frames is not None:
            options["bf"] = str(b_frames)
        if key_every is not None:
            options.update(g=str(key_every), keyint_min=str(key_every), sc_threshold="0")
        stream.options = options
        if rotation_deg:
            stream.set_display_rotation(rotation_deg)
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            t = times_s[i] if times_s is not None else i / fps
            frame.pts = round(t * 1000)
            frame.time_base = tb
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def marker_frames(n: int, *, width: int = 160, height: int = 96) -> list[np.ndarray]:
    """Frames with a bright block in the top-left corner and a frame counter stripe."""
    frames = []
    for i in range(n):
        img = np.full((height, width, 3), 40, np.uint8)
        img[:16, :24] = (250, 250, 250)
        img[-8:, : int((i + 1) * width / n)] = (0, 200, 0)
        frames.append(img)
    return frames
