"""Use cases shared by the command line, the app and batch work.

``assess_clip`` returns an :class:`~assess.assessment.Assessment` and writes nothing; where it
goes is the caller's choice (``save_assessment`` writes a report folder). Nothing is written
until the whole analysis has succeeded, and every file is replaced atomically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from assess.assessment import Assessment
from assess.errors import InputError
from assess.io.cache import CachedLandmarks, load_landmarks, save_landmarks
from assess.io.model import resolve_model
from assess.io.video import probe
from assess.movements.base import AnalysisContext
from assess.pipeline import (
    Extraction,
    ProgressFn,
    extract_landmarks,
    frame_step_for,
    sha256_of,
    tracking_dict,
    tracking_from_dict,
)
from assess.registry import REGISTRY
from assess.reporting.json_report import report_document, write_report
from assess.results import MovementResult
from assess.session import Patient, Session, SessionItem, Visit

LANDMARKS_FILE = "landmarks.npz"
REPORT_FILE = "report.json"


def known_movements() -> list[str]:
    """Movement names the analyzers registry knows, sorted."""
    return sorted(REGISTRY)


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


#: Imported while the pose model runs rather than before it starts (half a second of start-up).
_ANALYSIS_IMPORTS = ("scipy.signal",)


def _import_in_background(names: Sequence[str]) -> None:
    """Import modules the analysis will need in a daemon thread, while the pose workers run."""
    import importlib
    import threading

    def run() -> None:
        try:
            for name in names:
                importlib.import_module(name)
        except BaseException:  # noqa: BLE001 - the analysis imports it again and reports
            pass

    threading.Thread(target=run, name="assess-imports", daemon=True).start()


def run_analysis(extraction: Extraction, movement: str, context: AnalysisContext) -> MovementResult:
    """Run one registered analyzer on an extraction (un-mirroring a mirrored clip first)."""
    if movement not in REGISTRY:
        raise InputError(f"unknown movement {movement!r}; choose one of: {', '.join(known_movements())}")
    series = extraction.series.flipped_horizontally() if context.mirrored else extraction.series
    return REGISTRY[movement]().analyze(series, context)


def assess_clip(
    video: Path,
    *,
    movement: str,
    height_cm: float | None = None,
    model_path: Path | None = None,
    mirrored: bool = False,
    point_px: tuple[float, float] | None = None,
    landmarks_cache: Path | None = None,
    workers: int | None = None,
    progress: ProgressFn | None = None,
) -> Assessment:
    """Analyse one clip for one movement and return the assessment; nothing is written.

    ``landmarks_cache`` names a landmark file of an earlier run to reuse when it was made from
    this very clip and model, with the subject chosen the same way (``point_px``).
    """
    if movement not in REGISTRY:
        raise InputError(f"unknown movement {movement!r}; choose one of: {', '.join(known_movements())}")
    rate_hz = REGISTRY[movement]().model_rate_hz
    extraction = (
        _from_cache(video, landmarks_cache, model_path, point_px, rate_hz) if landmarks_cache else None
    )
    reused = extraction is not None
    if extraction is None:
        _import_in_background(_ANALYSIS_IMPORTS)
        extraction = extract_landmarks(
            video, model_path=model_path, point_px=point_px, workers=workers, target_rate_hz=rate_hz,
            progress=progress,
        )  # fmt: skip
    context = AnalysisContext(height_cm=height_cm, mirrored=mirrored)
    result = run_analysis(extraction, movement, context)
    return Assessment.of(extraction, result, context=context, reused=reused)


def save_assessment(assessment: Assessment, out_dir: Path, /) -> Path:
    """Write ``report.json`` (and ``landmarks.npz`` unless reused) into ``out_dir``; return the report.

    Files are replaced atomically: a report from an earlier run stays whole until the new one is.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir} is a file; give a folder for the report")
    if not assessment.landmarks_reused:
        save_landmarks(out_dir / LANDMARKS_FILE, cached_landmarks(assessment))
    report_path = out_dir / REPORT_FILE
    write_report(report_path, report_document(assessment))
    return report_path


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
) -> tuple[Assessment, Path]:
    """Analyse a clip and save it into ``out_dir`` (reusing that folder's landmarks when they fit)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir} is a file; give a folder for the report")
    assessment = assess_clip(
        video, movement=movement, height_cm=height_cm, model_path=model_path, mirrored=mirrored,
        point_px=point_px, landmarks_cache=out_dir / LANDMARKS_FILE, workers=workers, progress=progress,
    )  # fmt: skip
    return assessment, save_assessment(assessment, out_dir)


def annotation_landmarks(out: Path, /) -> Path:
    """The landmark file an annotated video ``out`` keeps beside it (``NAME.landmarks.npz``)."""
    return out.with_name(f"{out.stem}.landmarks.npz")


def annotate_clip(
    video: Path,
    *,
    movement: str,
    out: Path,
    height_cm: float | None = None,
    model_path: Path | None = None,
    mirrored: bool = False,
    point_px: tuple[float, float] | None = None,
    blur_faces: bool = True,
    workers: int | None = None,
    progress: ProgressFn | None = None,
) -> Path:
    """Analyse a clip and write it annotated to ``out`` (H.264 mp4); return ``out``.

    Landmarks are reused from ``OUT.landmarks.npz`` or, failing that, from an ``analyze`` report
    folder's ``landmarks.npz`` beside ``out``, when made from this very clip, model and subject
    choice; after a model run they are saved to ``OUT.landmarks.npz``. Nothing is written
    unless the whole video is.
    """
    from assess.reporting.video import write_annotated

    if out.suffix.lower() != ".mp4":
        raise InputError(f"-o {out}: the annotated video is an mp4; give a file name ending in .mp4")
    if out.is_dir():
        raise InputError(f"-o {out} is a folder; give a file name ending in .mp4")
    own, folder = annotation_landmarks(out), out.parent / LANDMARKS_FILE
    cache = own if own.is_file() or not folder.is_file() else folder
    assessment = assess_clip(
        video, movement=movement, height_cm=height_cm, model_path=model_path, mirrored=mirrored,
        point_px=point_px, landmarks_cache=cache, workers=workers, progress=progress,
    )  # fmt: skip
    write_annotated(assessment, out, blur_faces=blur_faces, progress=progress)
    if not assessment.landmarks_reused:
        save_landmarks(own, cached_landmarks(assessment))
    return out


def cached_landmarks(source: Extraction | Assessment, /) -> CachedLandmarks:
    """The landmark cache of a clip read (an extraction) or analysed (an assessment)."""
    return CachedLandmarks(
        series=source.series,
        video=source.video.to_dict(),
        video_sha256=source.video_sha256,
        model=source.model.to_dict(),
        tracking=tracking_dict(source.tracking),
        frame_step=source.frame_step,
    )


def session_folder(out_dir: Path, video: Path, movement: str, /) -> Path:
    """The folder of one clip's report in a session's output folder."""
    return out_dir / f"{video.stem}_{movement}"


def assess_session(
    clips: Sequence[tuple[Path, str]],
    *,
    patient: Patient,
    visit: Visit,
    pain_0_10: Mapping[str, int] | None = None,
    out_dir: Path | None = None,
    model_path: Path | None = None,
    workers: int | None = None,
    progress: ProgressFn | None = None,
) -> Session:
    """Analyse every ``(clip, movement)`` of a visit; nothing is written.

    ``pain_0_10`` maps a movement name to the pain the patient reported during it. With
    ``out_dir``, landmarks saved there by an earlier run of the same clip are reused.
    """
    if not clips:
        raise InputError("give at least one CLIP:MOVEMENT")
    pain = dict(pain_0_10 or {})
    unknown = sorted(set(pain) - {m for _, m in clips})
    if unknown:
        raise InputError(f"pain given for {', '.join(unknown)}, which no clip of this session shows")
    items = []
    for video, movement in clips:
        cache = session_folder(out_dir, video, movement) / LANDMARKS_FILE if out_dir is not None else None
        assessment = assess_clip(
            video, movement=movement, height_cm=patient.height_cm, model_path=model_path,
            landmarks_cache=cache, workers=workers, progress=progress,
        )  # fmt: skip
        items.append(SessionItem(assessment=assessment, pain_0_10=pain.get(movement)))
    return Session(patient=patient, visit=visit, items=tuple(items))


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
    save_landmarks(output, cached_landmarks(extraction))
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
    save_landmarks(output, cached_landmarks(extraction))
    return extraction
