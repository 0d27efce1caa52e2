"""The app's session state, the backend it talks to, and uploads saved to a private folder."""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import streamlit as st

from assess.app.backend import Backend, LocalBackend
from assess.assessment import Assessment
from assess.suggest import Suggestion

#: File types the uploaders accept (what PyAV decodes).
VIDEO_TYPES: Final = ("mp4", "mov", "avi", "webm", "mkv", "m4v")
#: Largest clip accepted, MB (also ``server.maxUploadSize`` in .streamlit/config.toml).
MAX_UPLOAD_MB: Final = 500
BACKEND_KEY: Final = "backend"


@dataclass
class Clip:
    """One uploaded clip of the visit and what was found in it."""

    clip_id: str
    name: str
    path: Path
    suggestion: Suggestion | None = None
    movement: str | None = None  # as confirmed (or changed) by the therapist
    pain: str | int = "not asked"
    notes: str = ""
    results: dict[tuple[str, float | None, bool], Assessment] = field(default_factory=dict)
    error: str | None = None


@st.cache_resource(show_spinner=False)
def _local_backend() -> LocalBackend:
    """One backend per server process: its landmark cache outlives every rerun and session."""
    return LocalBackend()


def backend() -> Backend:
    """The injected backend (tests set ``st.session_state['backend']``), else the local one."""
    injected = st.session_state.get(BACKEND_KEY)
    return injected if injected is not None else _local_backend()


def upload_dir() -> Path:
    """A private temporary folder for this browser session's uploads."""
    if "upload_dir" not in st.session_state:
        folder = tempfile.mkdtemp(prefix="assess-app-")
        # Patient video does not outlive the server: the folder goes when the server stops.
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        st.session_state["upload_dir"] = folder
    return Path(st.session_state["upload_dir"])


def check_upload(name: str, size_bytes: int) -> str | None:
    """Why an upload is refused (plain words), or None when it is fine."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in VIDEO_TYPES:
        return (
            f"{name}: a .{suffix or '?'} file is not a video this app reads; "
            f"give a {', '.join('.' + t for t in VIDEO_TYPES)} clip"
        )
    if size_bytes > MAX_UPLOAD_MB * 1024 * 1024:
        mb = size_bytes / 2**20
        return f"{name} is {mb:.0f} MB, more than {MAX_UPLOAD_MB} MB: trim the clip and try again"
    if size_bytes == 0:
        return f"{name} is empty: record it again"
    return None


def save_upload(name: str, data: bytes) -> Path:
    """Write an uploaded clip under its sha256 (the same clip twice is one file)."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    suffix = Path(name).suffix.lower()
    path = upload_dir() / f"{digest}{suffix}"
    if not path.is_file():
        path.write_bytes(data)
    return path


def clips() -> dict[str, Clip]:
    """The visit's clips by id, in upload order."""
    found: dict[str, Clip] = st.session_state.setdefault("clips", {})
    return found


def keep(key: str, value: Any) -> None:
    """Give a widget its remembered value (Streamlit drops a widget's state on pages not showing it)."""
    if key not in st.session_state:
        st.session_state[key] = value


def get(key: str, default: Any = None) -> Any:
    """A session-state value."""
    return st.session_state.get(key, default)


def pick_patient(label: str, /, *, key: str) -> str | None:
    """A select box of the patients on record (the current one first chosen); None when there are none."""
    ids = [p.patient_id for p in backend().patients()]
    if not ids:
        return None
    current = get("patient_id")
    return str(st.selectbox(label, ids, index=ids.index(current) if current in ids else 0, key=key))
