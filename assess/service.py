"""Use cases shared by the command line, the app and batch work.

Each function takes paths and options, runs the pipeline and returns where it wrote. Nothing is
written until the whole analysis has succeeded, and every file is replaced atomically.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assess.errors import InputError
from assess.io.cache import CachedLandmarks, load_landmarks, save_landmarks
from assess.io.model import resolve_model
from assess.io.video import probe
from assess.movements import REGISTRY, AnalysisContext, MovementResult
from assess.pipeline import (
    Extraction,
    ProgressFn,
    analysis_rate_hz,
    extract_landmarks,
    frame_step_for,
    sha256_of,
    tracking_dict,
    tracking_from_dict,
)
from assess.reporting.json_report import build_report, write_report

LANDMARKS_FILE = "landmarks.npz"
REPORT_FILE = "report.json"


def known_movements() -> list[str]:
    """Movement names the analyzers registry knows, sorted."""
    return sorted(REGISTRY)


def _cached(extraction: Extraction) -> CachedLandmarks:
    return CachedLandmarks(
        series=extraction.series,
        video=extraction.video.to_dict(),
        video_sha256=extraction.video_sha256,
        model=extraction.model.to_dict(),
        tracking=tracking_dict(extraction.tracking),
        frame_step=extraction.frame_step,
    )


def _from_cache(
    video: Path,
    cache: Path,
    model_path: Path | None,
    point_px: tuple[float, float] | None,
    target_rate_hz: float | None = None,
) -> Extraction | None:
    """The cached extraction when it was made from this very clip, model and subject choice."""
    if not cache.is_file():
        return None
    try:
        cached = load_landmarks(cache)
    except InputError:
        return None
    model = resolve_model(model_path)
    if cached.model.get("sha256") != model.sha256 or cached.video_sha256 != sha256_of(video):
        return None
    t = cached.tracking
    wanted = None if point_px is None else [float(point_px[0]), float(point_px[1])]
    if t.get("point_px") != wanted:
        return None
    info = probe(video)
    if not cached.serves(frame_step=frame_step_for(info.fps, target_rate_hz)):
        return None  # a sparse series never stands in for an analysis that needs more frames
    tracking = tracking_from_dict(dict(t), point_px=point_px)
    if cached.frame_step == 1:
        info = replace(info, n_frames=cached.series.n_frames)
    return Extraction(
        series=cached.series,
        video=info,
        video_sha256=cached.video_sha256,
        model=model,
        tracking=tracking,
        warnings=tracking.warnings,
        frame_step=cached.frame_step,
    )


def run_analysis(extraction: Extraction, movement: str, context: AnalysisContext) -> MovementResult:
    """Run one registered analyzer on an extraction (un-mirroring a mirrored clip first)."""
    if movement not in REGISTRY:
        raise InputError(f"unknown movement {movement!r}; choose one of: {', '.join(known_movements())}")
    series = extraction.series.flipped_horizontally() if context.mirrored else extraction.series
    return REGISTRY[movement]().analyze(series, context)


def analyze_clip(
    video: Path,
    *,
    movement: str,
    out_dir: Path,
    height_cm: float | None = None,
    model_path: Path | None = None,
    mirrored: bool = False,
    point_px: tuple[float, float] | None = None,
    workers: int | None = None,
    progress: ProgressFn | None = None,
) -> Path:
    """Analyse a clip; write ``report.json`` and ``landmarks.npz`` into ``out_dir``.

    The landmarks of a previous run in the same folder are reused when the clip and the model
    are the same (checked by sha256) and the subject was chosen the same way (``point_px``), so
    a second movement or new settings cost no pose run.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir} is a file; give a folder for the report")
    cache = out_dir / LANDMARKS_FILE
    rate_hz = analysis_rate_hz(movement)
    extraction = _from_cache(video, cache, model_path, point_px, rate_hz)
    reused = extraction is not None
    if extraction is None:
        extraction = extract_landmarks(
            video,
            model_path=model_path,
            point_px=point_px,
            workers=workers,
            target_rate_hz=rate_hz,
            progress=progress,
        )
    context = AnalysisContext(height_cm=height_cm, mirrored=mirrored)
    result = run_analysis(extraction, movement, context)
    report = build_report(extraction, result)
    report["landmarks_reused"] = reused
    report["mirrored"] = mirrored
    if not reused:
        save_landmarks(cache, _cached(extraction))
    report_path = out_dir / REPORT_FILE
    write_report(report_path, report)
    return report_path


def save_clip_landmarks(
    video: Path,
    output: Path,
    *,
    model_path: Path | None = None,
    point_px: tuple[float, float] | None = None,
    workers: int | None = None,
    progress: ProgressFn | None = None,
) -> Extraction:
    """Extract a clip's landmarks and save them to ``output`` (``.npz``)."""
    if output.exists() and output.is_dir():
        raise InputError(f"--output {output} is a folder; give a file name ending in .npz")
    extraction = extract_landmarks(
        video, model_path=model_path, point_px=point_px, workers=workers, progress=progress
    )
    save_landmarks(output, _cached(extraction))
    return extraction


def record_webcam(
    index: int,
    output: Path,
    *,
    seconds: float,
    model_path: Path | None = None,
) -> Extraction:
    """Record a webcam live for ``seconds`` and save the followed subject's landmarks."""
    from assess.io.video import iter_webcam
    from assess.live import LiveSession

    model = resolve_model(model_path)
    with LiveSession(model) as session:
        for frame in iter_webcam(index):
            session.push(frame)
            if frame.time_s >= seconds:
                break
        extraction = session.extraction(source=f"webcam:{index}")
    save_landmarks(output, _cached(extraction))
    return extraction
