"""Locate the pose model file and check that it is the one the project ships."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from assess.errors import InputError

#: Environment variable that points at another MediaPipe pose ``.task`` file.
MODEL_ENV = "ASSESS_POSE_MODEL"
SHIPPED_NAME = "pose_landmarker_full"
#: sha256 of ``assess/models/pose_landmarker_full.task`` as built by ``tools/build_model.py``.
SHIPPED_SHA256 = "5b7ba0bb71c07ef8657ce7f1427655c1d2b74b7fb5c3a9fbca325eb7066245c2"
#: Package data, next to the code in a checkout and in an installed wheel alike.
SHIPPED_PATH = Path(__file__).resolve().parents[1] / "models" / f"{SHIPPED_NAME}.task"


@dataclass(frozen=True, kw_only=True)
class ModelInfo:
    """A pose model file: its path, name and sha256."""

    path: Path
    name: str
    sha256: str

    def to_dict(self) -> dict[str, str]:
        """The ``model`` block of ``report.json``."""
        return {"name": self.name, "sha256": self.sha256}


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def resolve_model(path: Path | None = None) -> ModelInfo:
    """Find the pose model: ``path``, else ``$ASSESS_POSE_MODEL``, else the shipped file.

    The shipped file must match its recorded sha256; a file the user names is taken as it
    is (its hash is reported).

    Raises
    ------
    InputError
        When the file is missing, not a ``.task`` file, or the shipped file was altered.
    """
    chosen = path if path is not None else (Path(p) if (p := os.environ.get(MODEL_ENV)) else None)
    if chosen is not None:
        if not chosen.is_file():
            raise InputError(
                f"pose model {chosen} not found; give the path of a MediaPipe pose .task file "
                f"(or unset {MODEL_ENV} to use the shipped model)"
            )
        if chosen.suffix != ".task":
            raise InputError(f"pose model {chosen} is not a .task file; give a MediaPipe .task file")
        return ModelInfo(path=chosen, name=chosen.stem, sha256=sha256_file(chosen))
    if not SHIPPED_PATH.is_file():
        raise InputError(
            f"the shipped pose model {SHIPPED_PATH} is missing; reinstall assess, or in a checkout "
            "restore it with 'git checkout -- assess/models/' or 'python tools/build_model.py'"
        )
    digest = sha256_file(SHIPPED_PATH)
    if digest != SHIPPED_SHA256:
        raise InputError(
            f"the shipped pose model {SHIPPED_PATH} has been altered (sha256 {digest[:12]}...); reinstall "
            "assess, or in a checkout 'git checkout -- assess/models/' or 'python tools/build_model.py'"
        )
    return ModelInfo(path=SHIPPED_PATH, name=SHIPPED_NAME, sha256=digest)
