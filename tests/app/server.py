"""Start the app with ``streamlit run`` for a browser test, on 127.0.0.1 (or inside a network namespace)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
#: Keep the browser off every network but the app's: no background, component or sync traffic.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]  # fmt: skip
START_TIMEOUT_S = 60.0


def missing(reason: str) -> None:
    """Skip a browser test for a missing prerequisite, or fail it where CI requires browser tests."""
    import pytest

    if os.environ.get("ASSESS_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (ASSESS_REQUIRE_BROWSER is set: .ci/run installs what browser tests need)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def streamlit_server(
    *,
    address: str = "127.0.0.1",
    port: int | None = None,
    data_dir: Path,
    log: Path,
    tmp_dir: Path | None = None,
) -> Iterator[str]:
    """Run the app; yield its URL; stop it (its own process group only) on exit."""
    port = port or free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(REPO / "streamlit_app.py"),
        "--server.address", address, "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = {
        **os.environ, "ASSESS_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO),
        # The app's patient records: a SQLite file of the test's own.
        "ASSESS_DATABASE_URL": str(data_dir / "records.sqlite3"),
    }  # fmt: skip
    if tmp_dir is not None:
        env["TMPDIR"] = str(tmp_dir)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://{address}:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    ok = r.status == 200
            except OSError:
                ok = False
            if ok:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"streamlit did not answer within {START_TIMEOUT_S:.0f} s: {log.read_text()[-2000:]}"
                )
            time.sleep(0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
