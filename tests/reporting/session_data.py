"""A whole intake session built from synthetic skeletons (no pose model), with clips to match.

Each clip is drawn from its own landmark series (a plain figure with a textured face), so the
PDF's still frames come from real video files whose pixels fit the landmarks exactly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import cv2
import numpy as np

from assess.assessment import Assessment
from assess.io.model import ModelInfo
from assess.io.video import VideoInfo
from assess.landmarks import INDEX, LandmarkSeries
from assess.movements.base import AnalysisContext
from assess.movements.spine import ForwardBend, Rotation, SideBend
from assess.pipeline import Extraction
from assess.registry import REGISTRY
from assess.session import Patient, Session, SessionItem, Visit
from assess.tracking import TrackingReport
from tests.conftest import write_clip
from tests.gait.walker import record, side_camera, straight_walk
from tests.spine.synthetic import Camera, Pose, movement, series

HEIGHT_CM = 175.0
_LIMBS = (
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"), ("right_shoulder", "right_elbow"),
    ("right_elbow", "right_wrist"), ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"), ("left_shoulder", "right_shoulder"),
    ("left_hip", "right_hip"), ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
)  # fmt: skip


def frames_of(s: LandmarkSeries) -> list[np.ndarray]:
    """A plain figure drawn where the landmarks are, with a checkered 'face' on the head."""
    w, h = s.frame_size_px
    out = []
    for i in range(s.n_frames):
        img = np.full((h, w, 3), (196, 204, 188), np.uint8)
        pts = s.image_px[i, :, :2]
        for a, b in _LIMBS:
            p, q = pts[INDEX[a]], pts[INDEX[b]]
            if np.isfinite(p).all() and np.isfinite(q).all():
                cv2.line(img, (int(p[0]), int(p[1])), (int(q[0]), int(q[1])), (90, 80, 120), 9, cv2.LINE_AA)
        nose = pts[INDEX["nose"]]
        if np.isfinite(nose).all():
            c = (int(nose[0]), int(nose[1]))
            cv2.circle(img, c, 18, (230, 190, 160), -1)
            for dx in range(-12, 13, 6):  # a high-contrast pattern the blur must remove
                for dy in range(-12, 13, 6):
                    if (dx + dy) % 12 == 0:
                        cv2.rectangle(
                            img, (c[0] + dx, c[1] + dy), (c[0] + dx + 3, c[1] + dy + 3), (0, 0, 0), -1
                        )
        out.append(img)
    return out


def extraction(s: LandmarkSeries, path: Path | str) -> Extraction:
    n = len(s.time_s)
    duration_s = float(s.time_s[-1] - s.time_s[0])
    video = VideoInfo(
        path=str(path), fps=(n - 1) / duration_s, n_frames=n, duration_s=duration_s,
        width_px=int(s.frame_size_px[0]), height_px=int(s.frame_size_px[1]), rotation_deg=0,
    )  # fmt: skip
    model = ModelInfo(
        path=Path("pose_landmarker_full.task"), name="pose_landmarker_full", sha256="5b7b" + "0" * 60
    )
    tracking = TrackingReport(max_people_seen=1, subject_frames=n, rejected_frames=0)
    return Extraction(
        series=s, video=video, video_sha256="1" * 64, model=model, tracking=tracking, warnings=()
    )


def clips() -> dict[str, tuple[LandmarkSeries, object, AnalysisContext]]:
    ctx = AnalysisContext(height_cm=HEIGHT_CM)
    standing = series([Pose()] * 120, Camera(view="side", facing="left"))
    return {
        "posture": (standing, REGISTRY["posture"](), ctx),
        "forward_bend": (
            movement("flexion_deg", (45.0, 70.0), Camera(view="side", facing="left")),
            ForwardBend(),
            ctx,
        ),
        "extension": (
            movement("flexion_deg", (-18.0, -24.0), Camera(view="side", facing="right")),
            REGISTRY["extension"](),
            ctx,
        ),
        "side_bend": (movement("lateral_deg", (25.0, -20.0), Camera(view="front")), SideBend(), ctx),
        "rotation": (
            movement("twist_deg", (35.0, -30.0), Camera(view="front"), hands_forward=True),
            Rotation(depth_ratio=0.0),
            ctx,
        ),
        "gait": (
            record(straight_walk(n_steps=8), side_camera(), fps=30, noise_px=1.0).series,
            REGISTRY["gait"](),
            ctx,
        ),
    }


PAIN = {"posture": None, "forward_bend": 6, "extension": 3, "side_bend": 2, "rotation": 4, "gait": 1}


def build_session(
    folder: Path, *, movements: tuple[str, ...] | None = None, with_video: bool = True
) -> Session:
    """A session of synthetic clips (written into ``folder`` when ``with_video``)."""
    items = []
    for name, (s, analyzer, ctx) in clips().items():
        if movements is not None and name not in movements:
            continue
        path = folder / f"{name}.mp4"
        if with_video and name not in ("gait", "posture"):
            write_clip(path, frames_of(s), fps=s.sample_rate_hz)
        result = analyzer.analyze(s, ctx)  # type: ignore[attr-defined]
        a = Assessment.of(extraction(s, path), result, context=ctx)
        items.append(
            SessionItem(
                assessment=a,
                pain_0_10=PAIN[name],
                notes="pain at end range, low back left" if name == "forward_bend" else None,
            )
        )
    return Session(
        patient=Patient(patient_id="P-0042", name="Jane Example", birth_year=1971, height_cm=HEIGHT_CM),
        visit=Visit(
            date=dt.date(2025, 3, 4), therapist="A. Therapist, PT", notes="first visit; low back pain 6 weeks"
        ),
        items=tuple(items),
    )
