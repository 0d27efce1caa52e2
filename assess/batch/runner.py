"""A batch from start to end: skip what is done, analyse the rest here or on Ray, keep the summary.

Locally the clips are analysed one after another in this process (a long clip still uses every
core for its pose model); on a Ray cluster each clip is a task for one of the workers. Either
way this process writes every file, in the order results arrive, and rewrites ``summary.csv``
after each clip.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from assess.batch.inputs import BatchItem
from assess.batch.records import SUMMARY_FILE, ClipRow, done_row, resume_key, save_result, write_summary
from assess.batch.work import ClipResult, ClipWorker
from assess.errors import InputError
from assess.io.model import resolve_model
from assess.pipeline import ProgressFn


class BatchEvents(Protocol):
    """What a batch tells its display as it goes."""

    def worker_ready(self, worker: str, load_s: float | None, failure: str | None, /) -> None:
        """A worker (``host:pid``) loaded its pose model in ``load_s`` seconds, or not (``failure``)."""

    def clip_started(self, item: BatchItem, /) -> ProgressFn | None:
        """A clip starts here; the display may return a frame-progress callback."""

    def clip_done(self, row: ClipRow, done: int, total: int, /) -> None:
        """A clip finished (or was skipped as done): ``done`` of ``total``."""


@dataclass(frozen=True, kw_only=True)
class BatchOutcome:
    """The rows of a batch (input order) and where its summary is."""

    rows: tuple[ClipRow, ...]
    summary: Path

    @property
    def failed(self) -> int:
        """How many clips failed."""
        return sum(not r.ok for r in self.rows)


def run_batch(
    items: Sequence[BatchItem],
    /,
    *,
    out_dir: Path,
    events: BatchEvents,
    model_path: Path | None = None,
    force: bool = False,
    ray_address: str | None = None,
    ray_workers: int | None = None,
) -> BatchOutcome:
    """Analyse every item into ``out_dir``; failures are rows, never exceptions.

    Raises
    ------
    InputError
        Bad batch input: the output folder is a file, the pose model is missing, or the Ray
        cluster does not answer.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir} is a file; give a folder for the batch's reports")
    model_sha256 = resolve_model(model_path).sha256
    if ray_address is None:
        return _run(items, out_dir=out_dir, events=events, model_path=model_path, force=force,
                    model_sha256=model_sha256, ray=None, ray_workers=None)  # fmt: skip
    from assess.batch.cluster import connect

    ray = connect(ray_address)
    try:
        return _run(items, out_dir=out_dir, events=events, model_path=model_path, force=force,
                    model_sha256=model_sha256, ray=ray, ray_workers=ray_workers)  # fmt: skip
    finally:
        ray.shutdown()


def _run(
    items: Sequence[BatchItem],
    /,
    *,
    out_dir: Path,
    events: BatchEvents,
    model_path: Path | None,
    force: bool,
    model_sha256: str,
    ray: Any,
    ray_workers: int | None,
) -> BatchOutcome:
    summary = out_dir / SUMMARY_FILE
    keys = [resume_key(item, model_sha256=model_sha256) for item in items]
    rows: dict[int, ClipRow] = {}
    todo: list[int] = []
    for i, item in enumerate(items):
        row = None if force else done_row(item, out_dir, key=keys[i])
        if row is None:
            todo.append(i)
            continue
        rows[i] = row
        events.clip_done(row, len(rows), len(items))
    out_dir.mkdir(parents=True, exist_ok=True)
    write_summary(summary, [rows[i] for i in sorted(rows)])
    pending = [items[i] for i in todo]
    if ray is None:
        results = _run_here(pending, model_path=model_path, events=events)
    else:
        from assess.batch.cluster import run_on_ray

        results = run_on_ray(
            ray, pending, model_path=model_path, n_workers=ray_workers, on_worker_ready=events.worker_ready
        )
    for j, result in results:
        i = todo[j]
        rows[i] = save_result(items[i], result, out_dir, key=keys[i])
        write_summary(summary, [rows[k] for k in sorted(rows)])
        events.clip_done(rows[i], len(rows), len(items))
    return BatchOutcome(rows=tuple(rows[i] for i in sorted(rows)), summary=summary)


def _run_here(
    items: Sequence[BatchItem], /, *, model_path: Path | None, events: BatchEvents
) -> Iterator[tuple[int, ClipResult]]:
    """Analyse the clips one after another in this process."""
    worker = ClipWorker(model_path=model_path)
    if items:
        events.worker_ready(*worker.load_model())
    for j, item in enumerate(items):
        yield j, worker.analyse(item, progress=events.clip_started(item))
