"""Regenerate the spine golden files: rendered clips -> the real pose model -> landmarks + truth.

    python tests/golden/regenerate.py                    # list the clips and whether each file exists
    python tests/golden/regenerate.py --update-golden    # render, run the model, (over)write all
    python tests/golden/regenerate.py --update-golden fb_side sb_front   # only these

The tests never create these files: a missing golden file fails its test. Review the diff of
the numbers the tests print before committing regenerated files.

Each ``tests/golden/spine/<name>.npz`` holds the model's landmarks, quantised (image 1/20 px,
world 0.1 mm, visibility 0.001; far below the model's own noise) and a JSON ``truth`` block:
the render configuration and, per true repetition, the truth values the analyzers are held to.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import av
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "golden" / "spine"

from assess.landmarks import LandmarkSeries  # noqa: E402

# Short, low-resolution clips (the model's input is 256 px anyway); timings in seconds.
_FAST = {"quiet_s": 1.5, "ramp_s": 1.2, "hold_s": 0.8, "rest_s": 0.6, "end_s": 1.0}
CLIPS: dict[str, dict[str, Any]] = {
    "fb_side_left": {"movement": "forward_bend", "view": "side", "facing": "left", "peaks_deg": (40.0, 65.0, 85.0)},
    "fb_side_right": {"movement": "forward_bend", "view": "side", "facing": "right", "peaks_deg": (50.0, 80.0)},
    "fb_roll_pos": {
        "movement": "forward_bend", "view": "side", "facing": "right", "peaks_deg": (50.0, 80.0), "roll_deg": 10.0,
    },
    "fb_roll_neg": {
        "movement": "forward_bend", "view": "side", "facing": "right", "peaks_deg": (50.0, 80.0), "roll_deg": -10.0,
    },
    "fb_mid_start": {
        "movement": "forward_bend", "view": "side", "facing": "left", "peaks_deg": (60.0, 60.0),
        "start_offset_s": 3.0,
    },
    "ext_side": {"movement": "extension", "view": "side", "facing": "left", "peaks_deg": (15.0, 25.0, 30.0)},
    "ext_level": {"movement": "extension", "view": "side", "facing": "right", "peaks_deg": (20.0, 30.0)},
    "ext_roll": {"movement": "extension", "view": "side", "facing": "right", "peaks_deg": (20.0, 30.0), "roll_deg": -10.0},
    "sb_front": {"movement": "side_bend", "view": "front", "peaks_deg": (20.0, -20.0, 30.0, -30.0)},
    "sb_level": {"movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0)},
    "sb_roll_pos": {"movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0), "roll_deg": 10.0},
    "sb_roll_neg": {"movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0), "roll_deg": -10.0},
    "sb_back": {"movement": "side_bend", "view": "back", "peaks_deg": (25.0, -20.0)},
    "sb_mirrored": {"movement": "side_bend", "view": "front", "peaks_deg": (30.0, -20.0), "mirrored": True},
    "sb_swing": {"movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0, 25.0), "through_upright": True},
    "sb_portrait60": {
        "movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0), "fps": 60.0, "size_px": (270, 480),
        "portrait_rotation_tag": True,
    },
    "rot_front": {"movement": "rotation", "view": "front", "peaks_deg": (20.0, -20.0, 40.0, -40.0)},
    "rot_back": {"movement": "rotation", "view": "back", "peaks_deg": (30.0, -30.0)},
    "rot_pelvis": {"movement": "rotation", "view": "front", "peaks_deg": (35.0, -35.0), "pelvis_share": 0.5},
}  # fmt: skip
#: A messy clip: a side-bend clip cut to a close-up for its middle repetition, ending on title frames.
MESSY = "sb_messy"
MESSY_CONFIG: dict[str, Any] = {"movement": "side_bend", "view": "front", "peaks_deg": (25.0, -25.0, 25.0)}


def _truth_block(tr: Any) -> dict[str, Any]:
    """What the tests compare against, per repetition (truth values relative to neutral)."""
    a = tr.angles
    t = tr.time_s
    # Neutral: the most upright frame (a clip may start mid-movement).
    k0 = int(
        np.argmin(
            np.abs(a["trunk_sagittal_deg"]) + np.abs(a["trunk_frontal_deg"]) + np.abs(a["trunk_rotation_deg"])
        )
    )
    reps = []
    for r in tr.repetitions:
        sel = (t >= r.start_s) & (t <= r.end_s)
        i = int(np.argmin(np.abs(t - r.peak_s)))
        sign = 1.0 if r.side != "left" else -1.0
        hip = 0.5 * (a["hip_flexion_left_deg"] + a["hip_flexion_right_deg"])
        knee = np.maximum(a["knee_flexion_left_deg"], a["knee_flexion_right_deg"])
        extra = {
            "hip_flexion_peak": float(np.max(hip[sel]) - hip[k0]),
            "knee_flexion_peak": float(np.max(knee[sel]) - knee[k0]),
            "fingertip_floor_distance": float(np.min(a["fingertip_floor_cm"][sel])),
            "pelvis_rotation_peak": float(np.max(sign * a["pelvis_rotation_deg"][sel])),
            "pelvis_shift": float(-sign * a["pelvis_shift_cm"][i]),
        }
        if r.side is not None:
            extra["fingertip_drop"] = float(np.max(a[f"fingertip_drop_{r.side}_cm"][sel]))
        reps.append({**r.to_dict(), "figures": extra})
    return {
        "movement": tr.movement, "view": tr.view, "facing": tr.facing, "mirrored": tr.mirrored,
        "roll_deg": tr.roll_deg, "fps": tr.fps, "height_m": tr.height_m, "n_frames": len(t),
        "repetitions": reps,
    }  # fmt: skip


def save_golden(path: Path, series: LandmarkSeries, truth: dict[str, Any]) -> None:
    """Write a golden file (quantised landmarks + truth JSON)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        time_s=series.time_s,
        image_q=np.round(np.nan_to_num(series.image_px, nan=-1e6) * 20).astype(np.int32),
        world_q=np.round(np.nan_to_num(series.world_m, nan=-1e3) * 1e4).astype(np.int32),
        vis_q=np.round(series.visibility * 1000).astype(np.int16),
        frame_size_px=np.array(series.frame_size_px, dtype=np.int32),
        truth=np.frombuffer(json.dumps(truth).encode(), dtype=np.uint8),
    )


def load_golden(path: Path) -> tuple[LandmarkSeries, dict[str, Any]]:
    """Read a golden file back (missing landmarks come back as NaN)."""
    with np.load(path) as d:
        image = d["image_q"].astype(float) / 20
        world = d["world_q"].astype(float) / 1e4
        image[image < -1e4] = np.nan
        world[world < -1e2] = np.nan
        series = LandmarkSeries(
            time_s=d["time_s"],
            image_px=image,
            world_m=world,
            visibility=d["vis_q"].astype(float) / 1000,
            frame_size_px=(int(d["frame_size_px"][0]), int(d["frame_size_px"][1])),
        )
        truth = json.loads(bytes(d["truth"]).decode())
    return series, truth


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def _messy_clip(tmp: Path) -> tuple[Path, Any]:
    """Render the messy clip: wide shot, a close-up cut for the middle repetition, title frames."""
    import cv2

    from assess_render import render_clip
    from tests.conftest import write_clip

    cfg = {**MESSY_CONFIG, **_FAST, "size_px": (320, 240), "keypoints_in_json": False}
    wide = render_clip(out_path=tmp / "wide.mp4", **cfg)
    a = _frames(tmp / "wide.mp4")
    # The close-up: the upper body zoomed to fill the frame (knees and feet out of view).
    b = [
        np.ascontiguousarray(cv2.resize(f[20:152, 72:248], (320, 240), interpolation=cv2.INTER_CUBIC))
        for f in a
    ]
    reps = wide.repetitions
    cut_in = int(0.5 * (reps[0].end_s + reps[1].start_s) * wide.fps)
    cut_out = int(0.5 * (reps[1].end_s + reps[2].start_s) * wide.fps)
    title = np.full_like(a[0], 20)
    title[100:140, 60:260] = 230  # a white caption bar, nobody in view
    frames = a[:cut_in] + b[cut_in:cut_out] + a[cut_out:] + [title] * int(1.5 * wide.fps)
    path = write_clip(tmp / "messy.mp4", frames, fps=wide.fps)
    return path, wide


def regenerate(names: list[str]) -> None:
    from assess.pipeline import extract_landmarks
    from assess_render import render_clip

    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        for name in names:
            if name == MESSY:
                clip, tr = _messy_clip(tmp)
                config = {
                    **MESSY_CONFIG,
                    "edit": "close-up cut for the middle repetition, 1.5 s title frames",
                }
            else:
                config = {"size_px": (320, 240), **_FAST, **CLIPS[name]}
                clip = tmp / f"{name}.mp4"
                tr = render_clip(out_path=clip, **config)
            ex = extract_landmarks(clip, workers=1, max_people=1)
            truth = {"config": json.loads(json.dumps(config)), **_truth_block(tr)}
            save_golden(OUT / f"{name}.npz", ex.series, truth)
            print(f"{name}: {ex.series.n_frames} frames, coverage {ex.series.coverage:.2f}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="clips to regenerate (default: all)")
    ap.add_argument("--update-golden", action="store_true", help="render, run the model and overwrite")
    args = ap.parse_args()
    every = [*CLIPS, MESSY]
    names = args.names or every
    unknown = sorted(set(names) - set(every))
    if unknown:
        ap.error(f"unknown clip(s) {unknown}; choose from {every}")
    if not args.update_golden:
        for n in names:
            print(f"{n}: {'present' if (OUT / f'{n}.npz').exists() else 'MISSING'}")
        print("pass --update-golden to (re)generate")
        return 0
    regenerate(names)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
