"""A batch on the terminal: a line per clip as it finishes, a progress bar, and the summary table."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from assess.batch.inputs import BatchItem
from assess.batch.records import ClipRow
from assess.pipeline import ProgressFn

#: Figures shown per clip in the printed table (all of them are in summary.csv).
MAX_FIGURES_SHOWN = 6


class BatchDisplay:
    """Progress of a batch on ``console`` (stderr): bars only on a terminal, lines always."""

    def __init__(self, console: Console, /, *, total: int) -> None:
        self._console = console
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._clips: TaskID = self._progress.add_task("clips", total=total)
        self._frames: TaskID | None = None

    def __enter__(self) -> BatchDisplay:
        self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._progress.stop()

    def _line(self, text: str) -> None:
        self._progress.console.print(text, highlight=False, markup=False, soft_wrap=True)

    def worker_ready(self, worker: str, load_s: float | None, failure: str | None, /) -> None:
        """Say that a worker has its pose model (or why it has none)."""
        if failure is not None:
            self._line(f"worker {worker}: pose model not loaded: {failure}")
        else:
            self._line(f"worker {worker}: pose model loaded ({load_s or 0.0:.1f} s)")

    def clip_started(self, item: BatchItem, /) -> ProgressFn | None:
        """Show the frames of the clip being analysed here."""
        if self._frames is not None:
            self._progress.remove_task(self._frames)
        task = self._progress.add_task(f"{item.clip.name} ({item.movement})", total=None)
        self._frames = task

        def update(done: int, total: int) -> None:
            self._progress.update(task, completed=done, total=total)

        return update

    def clip_done(self, row: ClipRow, done: int, total: int, /) -> None:
        """One line per clip: ok with its time, skipped (done), or failed with the reason."""
        if row.resumed:
            status = "skipped (done)"
        elif row.ok:
            status = f"ok ({row.seconds or 0.0:.1f} s, worker {row.worker})"
        else:
            status = f"failed (worker {row.worker}): {row.reason}"
        self._line(f"[{done}/{total}] {row.item.clip.name} {row.item.movement}: {status}")
        self._progress.update(self._clips, completed=done)


def print_summary(rows: Sequence[ClipRow], /, *, console: Console) -> None:
    """The batch as a table: each clip, its status, and its main figures or why it failed."""
    table = Table(title="batch", title_justify="left")
    table.add_column("clip", no_wrap=True)
    table.add_column("movement", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("s", justify="right", no_wrap=True)
    table.add_column("figures, or why it failed", overflow="fold")
    for row in rows:
        shown = [
            f"{column} {'' if value is None else f'{value:g}'} {unit}"
            for column, (value, unit) in list(row.figures.items())[:MAX_FIGURES_SHOWN]
        ]
        if len(row.figures) > MAX_FIGURES_SHOWN:
            shown.append(f"... ({len(row.figures)} in summary.csv)")
        status = "ok (done)" if row.resumed else row.status
        seconds = "" if row.seconds is None else f"{row.seconds:.1f}"
        detail = ", ".join(shown) if row.ok else row.reason
        table.add_row(row.item.clip.name, row.item.movement, status, seconds, detail)
    console.print(table, soft_wrap=False)
