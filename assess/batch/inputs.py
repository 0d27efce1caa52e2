"""What a batch analyses: a folder of clips of one movement, or a list file of ``CLIP,MOVEMENT`` lines.

A list file is CSV text, one clip a line: ``clip,movement[,height_cm]``. Relative clip paths are
taken from the list file's folder; blank lines and lines starting with ``#`` are skipped, and so
is a first line ``clip,movement[,height_cm]`` (a header). A bad line is bad batch input: one
line naming the file and line number. A clip that is missing or unreadable is not: it fails on
its own, with its reason in the summary, and the batch goes on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assess.errors import InputError

#: File name endings taken as clips when the input is a folder (compared in lower case).
VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".webm", ".mkv")
MIN_HEIGHT_CM, MAX_HEIGHT_CM = 50.0, 250.0
HEADER = ("clip", "movement", "height_cm")


@dataclass(frozen=True, kw_only=True)
class BatchItem:
    """One clip to analyse for one movement.

    Parameters
    ----------
    clip : Path
        The video file (absolute, or relative to the working folder).
    movement : str
        The movement's registry name.
    height_cm : float or None
        The patient's height, for figures in centimetres.
    """

    clip: Path
    movement: str
    height_cm: float | None = None

    @property
    def folder_name(self) -> str:
        """The name of this clip's report folder in the batch's output folder."""
        return f"{self.clip.stem}_{self.movement}"


def check_height(height_cm: float | None, /, *, where: str) -> None:
    """Raise :class:`InputError` when ``height_cm`` is not a possible standing height."""
    if height_cm is not None and not MIN_HEIGHT_CM <= height_cm <= MAX_HEIGHT_CM:
        raise InputError(
            f"{where}: height {height_cm:g} cm is not a possible standing height; give it in "
            f"centimetres ({MIN_HEIGHT_CM:g}-{MAX_HEIGHT_CM:g})"
        )


def _check_movement(movement: str, known: Sequence[str], /, *, where: str) -> None:
    if movement not in known:
        raise InputError(f"{where}: unknown movement {movement!r}; choose one of: {', '.join(known)}")


def _parse_line(fields: list[str], base: Path, known: Sequence[str], *, where: str) -> BatchItem:
    fields = [f.strip() for f in fields]
    if len(fields) not in (2, 3) or not fields[0] or not fields[1]:
        raise InputError(
            f"{where}: expected CLIP,MOVEMENT or CLIP,MOVEMENT,HEIGHT_CM, got {','.join(fields)!r}"
        )
    _check_movement(fields[1], known, where=where)
    height_cm = None
    if len(fields) == 3 and fields[2]:
        try:
            height_cm = float(fields[2])
        except ValueError:
            raise InputError(f"{where}: height {fields[2]!r} is not a number of centimetres") from None
        check_height(height_cm, where=where)
    clip = Path(fields[0]).expanduser()
    return BatchItem(
        clip=clip if clip.is_absolute() else base / clip, movement=fields[1], height_cm=height_cm
    )


def read_list(path: Path, /, *, known_movements: Sequence[str]) -> list[BatchItem]:
    """The clips of a list file, in file order.

    Raises
    ------
    InputError
        When the file cannot be read, a line is malformed, names an unknown movement or an
        impossible height, or no line names a clip.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"list file {path} cannot be read ({type(exc).__name__}); give a CSV text file"
        ) from None
    items: list[BatchItem] = []
    seen_content = False
    for number, fields in _rows(text.splitlines()):
        is_header = tuple(f.strip().lower() for f in fields) in (HEADER[:2], HEADER)
        if is_header and not seen_content:
            seen_content = True
            continue
        seen_content = True
        items.append(_parse_line(fields, path.parent, known_movements, where=f"{path} line {number}"))
    if not items:
        raise InputError(f"list file {path} names no clip; write one CLIP,MOVEMENT line per clip")
    return _unique_folders(items)


def _rows(lines: Iterable[str]) -> Iterable[tuple[int, list[str]]]:
    """(line number, fields) of every line that is not blank or a comment."""
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield number, next(csv.reader([line]))


def folder_items(
    folder: Path, /, *, movement: str | None, height_cm: float | None, known_movements: Sequence[str]
) -> list[BatchItem]:
    """Every clip directly in ``folder`` (sorted by name), all for ``movement``.

    Raises
    ------
    InputError
        When no movement is given, it is unknown, or the folder holds no clip.
    """
    if movement is None:
        raise InputError(
            f"{folder} is a folder: give --movement M for all its clips, or a list file of "
            "CLIP,MOVEMENT lines for mixed movements"
        )
    _check_movement(movement, known_movements, where="--movement")
    check_height(height_cm, where="--height-cm")
    clips = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES)
    if not clips:
        raise InputError(f"{folder} holds no clip ({', '.join(VIDEO_SUFFIXES)}); give a folder of videos")
    return _unique_folders([BatchItem(clip=c, movement=movement, height_cm=height_cm) for c in clips])


def batch_items(
    source: Path,
    /,
    *,
    movement: str | None,
    height_cm: float | None,
    known_movements: Sequence[str],
) -> list[BatchItem]:
    """The clips of a batch: a folder (with ``movement``) or a list file (each line its own)."""
    if source.is_dir():
        return folder_items(source, movement=movement, height_cm=height_cm, known_movements=known_movements)
    if not source.is_file():
        raise InputError(f"{source}: no such file or folder; give a folder of clips or a list file")
    if movement is not None or height_cm is not None:
        raise InputError(
            "--movement and --height-cm apply to a folder of clips; a list file gives them per line "
            "(CLIP,MOVEMENT[,HEIGHT_CM])"
        )
    return read_list(source, known_movements=known_movements)


def _unique_folders(items: list[BatchItem]) -> list[BatchItem]:
    """``items`` unchanged, or an error when two clips would write the same report folder."""
    first: dict[str, BatchItem] = {}
    for item in items:
        other = first.setdefault(item.folder_name, item)
        if other is not item:
            raise InputError(
                f"{other.clip} and {item.clip} would both write {item.folder_name}/; rename one clip "
                "or list the same clip and movement once"
            )
    return items
