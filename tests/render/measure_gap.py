"""Measure the gap between rendered truth and the real pose model (not a test; a report).

Run from the project root:  python tests/render/measure_gap.py [--out DIR] [--quick]
It renders clips, runs MediaPipe PoseLandmarker (VIDEO mode, one pose) from
assess/models/pose_landmarker_full.task and prints a markdown table of truth vs measured.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import av
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assess_render import RenderTruth, render_clip  # noqa: E402

MODEL = ROOT / "assess" / "models" / "pose_landmarker_full.task"


def run_model(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Landmarks (n, 33, 3: x px, y px, visibility), world z (n, 33) and a detected mask (n,)."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(MODEL)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    rows, world, ok = [], [], []
    with av.open(str(path)) as c, vision.PoseLandmarker.create_from_options(opts) as lm:
        for frame in c.decode(video=0):
            rgb = frame.to_ndarray(format="rgb24")
            rot = frame.rotation
            if rot:
                rgb = np.ascontiguousarray(np.rot90(rgb, k=rot // 90))
            h, w = rgb.shape[:2]
            ts = round(float(frame.time) * 1000)
            res = lm.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), ts)
            if res.pose_landmarks:
                rows.append([[p.x * w, p.y * h, p.visibility] for p in res.pose_landmarks[0]])
                world.append([[p.x, p.y, p.z] for p in res.pose_world_landmarks[0]])
                ok.append(True)
            else:
                rows.append(np.full((33, 3), np.nan).tolist())
                world.append(np.full((33, 3), np.nan).tolist())
                ok.append(False)
    return np.array(rows), np.array(world), np.array(ok)


def image_trunk_deg(lm: np.ndarray) -> np.ndarray:
    """Hip centre -> shoulder centre angle from the image vertical, + clockwise (top to image-right)."""
    hc = (lm[:, 23, :2] + lm[:, 24, :2]) / 2
    sc = (lm[:, 11, :2] + lm[:, 12, :2]) / 2
    v = sc - hc
    return np.degrees(np.arctan2(v[:, 0], -v[:, 1]))


def truth_image_trunk(tr: RenderTruth) -> np.ndarray:
    k = tr.keypoints_px
    hc = (k[23] + k[24]) / 2
    sc = (k[11] + k[12]) / 2
    v = sc - hc
    return np.degrees(np.arctan2(v[:, 0], -v[:, 1]))


def at(t: np.ndarray, series: np.ndarray, t0: float, half_s: float = 0.25) -> float:
    sel = (t >= t0 - half_s) & (t <= t0 + half_s)
    return float(np.nanmedian(series[sel]))


def world_rotation_deg(world: np.ndarray) -> np.ndarray:
    """Shoulder-line yaw minus hip-line yaw from MediaPipe world landmarks (x right, z depth)."""

    def yaw(a: int, b: int) -> np.ndarray:
        v = world[:, b] - world[:, a]
        return np.degrees(np.arctan2(v[:, 2], v[:, 0]))

    d = yaw(11, 12) - yaw(23, 24)
    return (d + 180.0) % 360.0 - 180.0


def measure_rom(
    tr: RenderTruth, lm: np.ndarray, ok: np.ndarray, world: np.ndarray | None = None
) -> list[dict[str, Any]]:
    """Per repetition: truth peak, model peak (baseline-subtracted, sign made anatomical)."""
    t = tr.time_s
    ang = image_trunk_deg(lm)
    ideal = truth_image_trunk(tr)
    base = float(np.nanmedian(ang[t < 1.0]))
    ibase = float(np.nanmedian(ideal[t < 1.0]))
    # Image sign -> anatomical sign.
    if tr.view == "side":
        sign = -1.0 if tr.facing == "left" else 1.0  # forward lean moves the shoulders toward the facing side
    elif tr.view == "front":
        sign = (
            -1.0 if not tr.mirrored else 1.0
        )  # bend to the patient's right = image-left when facing the camera
    else:
        sign = 1.0 if not tr.mirrored else -1.0
    out = []
    for r in tr.repetitions:
        if r.measure == "trunk_rotation_deg":
            sw = np.linalg.norm(lm[:, 11, :2] - lm[:, 12, :2], axis=1)
            hw = np.linalg.norm(lm[:, 23, :2] - lm[:, 24, :2], axis=1)
            sw0, hw0 = np.nanmedian(sw[t < 1.0]), np.nanmedian(hw[t < 1.0])
            sh_yaw = np.degrees(np.arccos(np.clip(sw / sw0, -1, 1)))
            hip_yaw = np.degrees(np.arccos(np.clip(hw / hw0, -1, 1)))
            est = at(t, sh_yaw - hip_yaw, r.peak_s)
            wz = math.nan
            if world is not None:
                wr = world_rotation_deg(world)
                wz = at(t, wr, r.peak_s) - float(np.nanmedian(wr[t < 1.0]))
            out.append(
                {
                    "side": r.side,
                    "truth": r.peak_value,
                    "model": est,
                    "world_yaw": wz,
                    "ideal2d": math.nan,
                    "cue": "2D width",
                }
            )
            continue
        m = sign * (at(t, ang, r.peak_s) - base)
        i2 = sign * (at(t, ideal, r.peak_s) - ibase)
        if tr.movement == "extension":
            m, i2 = -m, -i2
        if r.side == "left":
            m, i2 = -m, -i2
        out.append({"side": r.side, "truth": r.peak_value, "model": m, "ideal2d": i2, "cue": "trunk line"})
    return out


def zeni_events(tr: RenderTruth, lm: np.ndarray) -> dict[str, list[float]]:
    """Heel strikes (forward-most heel relative to the pelvis) from landmarks, per side."""
    from scipy.signal import find_peaks

    t = tr.time_s
    direction = -1.0 if tr.facing == "left" else 1.0
    pel = (lm[:, 23, 0] + lm[:, 24, 0]) / 2
    out = {}
    for side, heel in (("left", 29), ("right", 30)):
        rel = direction * (lm[:, heel, 0] - pel)
        rel = np.where(np.isnan(rel), np.nanmin(rel), rel)
        peaks, _ = find_peaks(rel, distance=max(3, int(0.5 * tr.fps)), prominence=10)
        out[side] = [float(t[p]) for p in peaks]
    return out


def gait_report(tr: RenderTruth, lm: np.ndarray) -> dict[str, Any]:
    errs = {}
    for idx, name in (
        (27, "ankle L"),
        (28, "ankle R"),
        (29, "heel L"),
        (30, "heel R"),
        (31, "toe L"),
        (32, "toe R"),
    ):
        d = np.linalg.norm(lm[:, idx, :2] - tr.keypoints_px[idx], axis=1)
        errs[name] = float(np.nanmedian(d))
    height_px = float(
        np.nanmedian(tr.keypoints_px[29][:, 1] - (tr.keypoints_px[11][:, 1] + tr.keypoints_px[12][:, 1]) / 2)
    )
    out: dict[str, Any] = {"median_error_px": errs, "shoulder_to_heel_px": height_px}
    if tr.view == "side":
        det = zeni_events(tr, lm)
        diffs = []
        for side in ("left", "right"):
            truth_hs = [e.time_s for e in tr.gait_events if e.side == side and e.kind == "heel_strike"]
            for th in truth_hs:
                if det[side]:
                    near = min(det[side], key=lambda x: abs(x - th))
                    if abs(near - th) < 0.3:
                        diffs.append(near - th)
        out["heel_strike_dt_s"] = diffs
        out["n_truth_hs"] = sum(1 for e in tr.gait_events if e.kind == "heel_strike")
    return out


CONFIGS: list[dict[str, Any]] = [
    {"movement": "forward_bend", "view": "side", "peaks_deg": (30.0, 60.0, 90.0)},
    {"movement": "forward_bend", "view": "side", "facing": "right", "peaks_deg": (30.0, 60.0, 90.0)},
    {"movement": "forward_bend", "view": "side", "roll_deg": 10.0, "peaks_deg": (30.0, 60.0, 90.0)},
    {"movement": "extension", "view": "side", "peaks_deg": (15.0, 30.0)},
    {"movement": "side_bend", "view": "front", "peaks_deg": (10.0, -10.0, 20.0, -20.0, 30.0, -30.0)},
    {
        "movement": "side_bend",
        "view": "front",
        "roll_deg": 10.0,
        "peaks_deg": (10.0, -10.0, 20.0, -20.0, 30.0, -30.0),
    },
    {"movement": "side_bend", "view": "back", "peaks_deg": (10.0, -10.0, 20.0, -20.0, 30.0, -30.0)},
    {"movement": "side_bend", "view": "front", "mirrored": True, "peaks_deg": (20.0, -20.0)},
    {"movement": "rotation", "view": "front", "peaks_deg": (20.0, -20.0, 40.0, -40.0)},
    {"movement": "rotation", "view": "side", "peaks_deg": (20.0, -20.0, 40.0, -40.0)},
    {
        "movement": "forward_bend",
        "view": "side",
        "size_px": (480, 854),
        "portrait_rotation_tag": True,
        "peaks_deg": (30.0, 60.0, 90.0),
    },
    {
        "movement": "forward_bend",
        "view": "side",
        "fps": 24.0,
        "frame_time_jitter_s": 0.01,
        "peaks_deg": (60.0,),
    },
    {"movement": "gait", "view": "side"},
    {"movement": "gait", "view": "side", "fps": 60.0},
    {"movement": "gait", "view": "side", "fps": 24.0, "asymmetry": 0.2, "cadence_steps_per_min": 100.0},
    {"movement": "gait", "view": "side", "pan": True, "duration_s": 6.0},
    {"movement": "gait", "view": "front", "duration_s": 5.0},
    {"movement": "gait", "view": "back", "duration_s": 5.0},
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path("/tmp/render_gap"))
    ap.add_argument("--only", type=int, nargs="*")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for i, cfg in enumerate(CONFIGS):
        if args.only and i not in args.only:
            continue
        name = f"{i:02d}_{cfg['movement']}_{cfg['view']}"
        path = args.out / f"{name}.mp4"
        tr = render_clip(out_path=path, keypoints_in_json=True, **cfg)
        lm, _world, ok = run_model(path)
        rec: dict[str, Any] = {
            "name": name,
            "config": {k: v for k, v in cfg.items()},
            "detected": float(ok.mean()),
        }
        if cfg["movement"] == "gait":
            rec["gait"] = gait_report(tr, lm)
        else:
            rec["reps"] = measure_rom(tr, lm, ok, _world)
            ideal = truth_image_trunk(tr)
            rec["visibility_mean"] = float(np.nanmean(lm[:, [11, 12, 23, 24], 2]))
            _ = ideal
        results.append(rec)
        print(json.dumps(rec, default=float), flush=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1, default=float))


if __name__ == "__main__":
    main()
