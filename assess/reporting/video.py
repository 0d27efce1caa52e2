"""The annotated video: the clip with the followed subject's skeleton, the live angle and counts.

Frames are decoded, drawn on and encoded one at a time (memory stays flat), as H.264 in an mp4
(yuv420p, even size, index first) that browsers play, written to a temporary file that replaces
the target only when whole. Faces are blurred unless the caller asks otherwise.

What is written on a frame comes from :func:`annotation_text`, from the same assessment the
figures come from: the drawn counter is the analysis's count.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Final

import av
import numpy as np
from numpy.typing import NDArray

from assess.assessment import Assessment
from assess.catalogue import FIGURES
from assess.errors import InputError
from assess.io.atomic import atomic_path
from assess.io.video import RgbFrame, iter_frames
from assess.landmarks import INDEX, LandmarkSeries
from assess.reporting.drawing import (
    LEFT_COLOUR,
    RIGHT_COLOUR,
    blur_face,
    draw_label,
    draw_skeleton,
    label_height_px,
)
from assess.results import Signal
from assess.types import Side

FloatArray = NDArray[np.float64]
ProgressFn = Callable[[int, int], None]

#: How each movement's main angle is named on the picture, and whether its sign is a side (+ right).
SIGNAL_LABELS: Final[dict[str, tuple[str, bool]]] = {
    "lateral_flexion": ("Side bend", True),
    "trunk_rotation": ("Twist", True),
    "trunk_flexion": ("Forward bend", False),
    "trunk_extension": ("Backward bend", False),
}
#: A heel strike is shown for this long after it happens (s).
HEEL_FLASH_S: Final = 0.3
#: Encoder settings: libx264 quality (lower is better) and speed.
X264_OPTIONS: Final = {"crf": "20", "preset": "veryfast"}
#: Output time base: 1/90000 s, the MPEG clock, fine enough for any frame timing.
TIME_BASE: Final = Fraction(1, 90000)
#: Frame rate assumed for the encoder's settings when the clip's is unknown (timing comes from pts).
FALLBACK_FPS: Final = 30.0
#: Text size relative to the frame height (Hershey scale per pixel of height), with a floor.
TEXT_SCALE_PER_PX: Final = 0.9 / 720
MIN_TEXT_SCALE: Final = 0.45


def _nearest(times_s: FloatArray, t: float, /, *, tolerance_s: float) -> int | None:
    """Index of the sample nearest ``t`` when it is within ``tolerance_s``, else None."""
    if times_s.size == 0:
        return None
    i = int(np.searchsorted(times_s, t))
    best = min((j for j in (i - 1, i) if 0 <= j < times_s.size), key=lambda j: abs(times_s[j] - t))
    return best if abs(times_s[best] - t) <= tolerance_s else None


def _tolerance_s(times_s: FloatArray) -> float:
    """Half a frame interval (the median one): a frame and a sample closer than this are the same."""
    if times_s.size < 2:
        return 1e-3
    return float(np.median(np.diff(times_s))) / 2


def _value_at(signal: Signal, t: float, /) -> float:
    i = _nearest(signal.time_s, t, tolerance_s=_tolerance_s(signal.time_s))
    return math.nan if i is None else float(signal.values[i])


def _angle_text(signal: Signal, t: float, /) -> str:
    label, sided = SIGNAL_LABELS.get(signal.name, (signal.name.replace("_", " ").capitalize(), False))
    value = _value_at(signal, t)
    if not math.isfinite(value):
        return f"{label} --"
    if not sided:
        return f"{label} {value:.0f} {signal.unit}"
    side = "" if round(abs(value)) == 0 else f" ({Side.RIGHT.value if value > 0 else Side.LEFT.value})"
    return f"{label} {abs(value):.0f} {signal.unit}{side}"


def _repetition_text(assessment: Assessment, t: float, /) -> str:
    reps = sorted(assessment.repetitions, key=lambda r: r.peak_s)
    done = [r for r in reps if r.peak_s <= t]
    text = f"rep {len(done)}/{len(reps)}"
    if done:
        last = done[-1]
        side = f" ({last.side.value})" if last.side is not None else ""
        text += f"  last peak {last.peak_value:.0f} {last.unit}{side}"
    return text


def _gait_text(assessment: Assessment, t: float, /) -> list[str]:
    strikes = [e for e in assessment.gait_events if e.kind == "heel_strike"]
    done = [e for e in strikes if e.time_s <= t]
    lines = [f"step {len(done)}/{len(strikes)}"]
    flashing = [e for e in done if t - e.time_s < HEEL_FLASH_S]
    if flashing:
        lines.append(f"heel strike ({flashing[-1].side.value})")
    return lines


def _posture_text(assessment: Assessment, /) -> list[str]:
    lines = []
    for m in assessment.measurements:
        entry = FIGURES.get(m.name)
        name = entry.display if entry is not None else m.name.replace("_", " ")
        side = f" ({m.side.value} lower)" if m.side is not None else ""
        lines.append(f"{name} {m.value:.0f} {m.unit}{side}")
    return lines or ["Standing posture: no figure measured"]


def annotation_text(assessment: Assessment, time_s: float, /) -> list[str]:
    """The lines written on the frame shown at ``time_s``, from the assessment drawn from.

    Spine movements: the main angle at that time (its side for side bends and twists) and the
    repetitions completed so far ("rep 2/3": a repetition counts once its peak time has passed)
    with the peak of the last one. Gait: heel strikes so far ("step 5/12"), and the strike for a
    moment after it happens. Posture: the measured figures.
    """
    if assessment.movement == "gait":
        return _gait_text(assessment, time_s)
    if assessment.movement == "posture" or not assessment.signals:
        return _posture_text(assessment)
    return [_angle_text(assessment.signals[0], time_s), _repetition_text(assessment, time_s)]


def drawing_series(assessment: Assessment, /) -> LandmarkSeries:
    """The subject's landmarks where they are in the picture, labelled by anatomical side.

    The assessment keeps the landmarks in the clip's own image; only the analysis un-mirrors a
    mirrored clip. There the model's "left" is the patient's right: labels are exchanged (the
    positions stay on the body in the picture) so the colours name the patient's sides.
    """
    series = assessment.series
    return series.swap_left_right() if assessment.context.mirrored else series


def _flashing_heels(assessment: Assessment, t: float, /) -> list[Side]:
    if assessment.movement != "gait":
        return []
    return [
        e.side for e in assessment.gait_events
        if e.kind == "heel_strike" and 0 <= t - e.time_s < HEEL_FLASH_S
    ]  # fmt: skip


def _draw_heel(rgb: RgbFrame, landmarks_px: FloatArray, side: Side, /) -> RgbFrame:
    import cv2

    xy = landmarks_px[INDEX[f"{side.value}_heel"], :2]
    if not np.isfinite(xy).all():
        return rgb
    out = rgb.copy()
    radius = max(8, round(min(rgb.shape[:2]) / 30))
    colour = LEFT_COLOUR if side is Side.LEFT else RIGHT_COLOUR
    cv2.circle(out, (round(xy[0]), round(xy[1])), radius, colour, max(2, radius // 4), cv2.LINE_AA)
    return out


def annotate_frame(
    rgb: RgbFrame,
    assessment: Assessment,
    series: LandmarkSeries,
    index: int | None,
    time_s: float,
    /,
    *,
    blur_faces: bool = True,
) -> RgbFrame:
    """One frame drawn on: face blurred, skeleton, heel strikes, text and a colour legend.

    ``index`` is the frame's row in ``series`` (None when the frame has none).
    """
    out = rgb
    if index is not None:
        px, vis = series.image_px[index], series.visibility[index]
        if blur_faces:
            out = blur_face(out, px, vis)
        out = draw_skeleton(out, px, vis)
        for side in _flashing_heels(assessment, time_s):
            out = _draw_heel(out, px, side)
    h = out.shape[0]
    scale = max(MIN_TEXT_SCALE, h * TEXT_SCALE_PER_PX)
    step = label_height_px(scale) + 2
    margin = max(4, round(h / 80))
    for i, line in enumerate(annotation_text(assessment, time_s)):
        out = draw_label(out, line, origin=(margin, margin + i * step), scale=scale)
    legend = scale * 0.8
    y = h - margin - label_height_px(legend)
    out = draw_label(out, "left", origin=(margin, y), scale=legend, colour=LEFT_COLOUR)
    return draw_label(
        out, "right", origin=(margin + round(90 * legend), y), scale=legend, colour=RIGHT_COLOUR
    )


def _even(rgb: RgbFrame, /) -> RgbFrame:
    """Pad a frame with black to even width and height (yuv420p needs both even)."""
    h, w = rgb.shape[:2]
    if h % 2 == 0 and w % 2 == 0:
        return rgb
    return np.pad(rgb, ((0, h % 2), (0, w % 2), (0, 0)))


def write_annotated(
    assessment: Assessment,
    out_path: Path,
    /,
    *,
    blur_faces: bool = True,
    progress: ProgressFn | None = None,
) -> Path:
    """Write the clip with the subject's skeleton, live angle and counts drawn on, as H.264 mp4.

    Frames keep their real times (variable frame rates stay so). The file appears at
    ``out_path`` only when whole; an earlier file there stays until then.

    Raises
    ------
    InputError
        When ``out_path`` does not end in ``.mp4`` or the clip cannot be read.
    """
    if out_path.suffix.lower() != ".mp4":
        raise InputError(f"{out_path}: the annotated video is an mp4; give a name ending in .mp4")
    series = drawing_series(assessment)
    tolerance_s = _tolerance_s(series.time_s)
    fps = assessment.video.fps if math.isfinite(assessment.video.fps) else FALLBACK_FPS
    total = assessment.video.n_frames
    with atomic_path(out_path) as tmp:
        with av.open(str(tmp), "w", format="mp4", options={"movflags": "faststart"}) as container:
            stream: av.VideoStream | None = None
            t0, last_pts = 0.0, -1
            for n, frame in enumerate(iter_frames(Path(assessment.video.path))):
                index = _nearest(series.time_s, frame.time_s, tolerance_s=tolerance_s)
                rgb = _even(annotate_frame(frame.rgb, assessment, series, index, frame.time_s,
                                           blur_faces=blur_faces))  # fmt: skip
                if stream is None:
                    stream = _open_stream(container, rgb, fps=fps)
                    t0 = frame.time_s
                pts = max(round((frame.time_s - t0) / TIME_BASE), last_pts + 1)
                last_pts = pts
                vf = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                vf.pts, vf.time_base = pts, TIME_BASE
                container.mux(stream.encode(vf))
                if progress is not None:
                    progress(n + 1, max(total, n + 1))
            if stream is None:
                raise InputError(f"{assessment.video.path}: no frame could be decoded to annotate")
            container.mux(stream.encode(None))
    return out_path


def _open_stream(container: av.container.OutputContainer, rgb: RgbFrame, /, *, fps: float) -> av.VideoStream:
    stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
    stream.width, stream.height = int(rgb.shape[1]), int(rgb.shape[0])
    stream.pix_fmt = "yuv420p"
    stream.time_base = TIME_BASE
    stream.codec_context.time_base = TIME_BASE
    stream.options = dict(X264_OPTIONS)
    return stream
