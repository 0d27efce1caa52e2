"""``assess patient ...`` and ``assess visit ...`` on both databases, and the records' privacy."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assess.cli import app
from assess.errors import InputError
from assess.records import open_database, save_session
from assess.records.db import DATABASE_FILE, DATABASE_URL_ENV, resolve_url
from tests.records.sessions import session

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def _refused(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert isinstance(result.exception, InputError), (result.output, result.exception)
    return str(result.exception)


def test_patient_and_visit_commands(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # rich tables one line per row
    db = ("--db", database_url)
    assert "added patient P-7" in _ok("patient", "add", "P-7", "--height-cm", "172", *db)
    assert "already exists" in _refused("patient", "add", "P-7", *db)
    assert "must be 1-64 letters" in _refused("patient", "add", "Jane Doe", *db)
    out = _ok("visit", "add", "P-7", "--date", "2026-01-05", "--therapist", "Kim", *db)
    visit_id = int(out.split()[2])
    assert "YYYY-MM-DD" in _refused("visit", "add", "P-7", "--date", "5.1.2026", *db)
    assert "2026-01-05" in _ok("visit", "list", "P-7", *db)
    listing = _ok("patient", "list", *db)
    assert "P-7" in listing
    assert "│ 1 " in listing  # one visit
    with open_database(database_url) as records:
        for day, peak in ((dt.date(2026, 1, 19), 55.0), (dt.date(2026, 2, 2), 56.0)):
            save_session(records, session("P-7", day, (peak,)))
        save_session(records, session("P-7", dt.date(2026, 1, 5), (40.0,)), visit_id=visit_id)
    shown = _ok("visit", "show", str(visit_id), *db)
    assert "trunk_flexion_rom" in shown
    assert "40.0" in shown
    assert "forward_bend" in _ok("patient", "show", "P-7", *db)

    progress = _ok("patient", "progress", "P-7", "--out", str(tmp_path / "charts"), *db)
    rom_row = next(line for line in progress.splitlines() if "Trunk inclination" in line)
    assert "+16 real" in rom_row  # 40 -> 56 from intake
    assert "+1 within MDC" in rom_row  # 55 -> 56 from the last visit
    hip_row = next(line for line in progress.splitlines() if "Hip flexion" in line)
    assert "none known" in hip_row
    assert "no MDC" in hip_row
    assert (tmp_path / "charts" / "trunk_flexion_rom.png").is_file()

    archive = tmp_path / "p7.zip"
    _ok("patient", "export", "P-7", "-o", str(archive), *db)
    assert "--rename" in _refused("patient", "import", str(archive), *db)
    assert "imported patient P-8" in _ok("patient", "import", str(archive), "--rename", "P-8", *db)
    assert "--yes" in _refused("patient", "delete", "P-7", *db)
    assert "deleted patient P-7 (3 visits)" in _ok("patient", "delete", "P-7", "--yes", *db)
    assert "no patient 'P-7'" in _refused("patient", "show", "P-7", *db)
    assert "P-8" in _ok("patient", "list", *db)


def test_errors_name_the_pseudonym_only(tmp_path: Path) -> None:
    """Through the real command line: one line on stderr, exit 2, no identifying field."""
    db = str(tmp_path / "r.sqlite3")
    env = {**os.environ, "COLUMNS": "200"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "assess", *args, "--db", db], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip

    assert (
        run("patient", "add", "P-9", "--name", "Quentin Unlikelyname", "--birth-year", "1961").returncode == 0
    )
    again = run("patient", "add", "P-9", "--name", "Quentin Unlikelyname")
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1
    assert "P-9" in again.stderr
    assert "Quentin" not in again.stderr


def test_data_folder_and_files_are_the_owners_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = resolve_url()
    assert url.database == str(tmp_path / "data" / "assess" / DATABASE_FILE)
    with open_database() as db:
        save_session(db, session("P-1", dt.date(2026, 1, 5)), create_patient=True)
        assert db.path is not None
        folder = db.path.parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        files = sorted(folder.iterdir())
        assert db.path in files
        assert any(f.name.endswith("-wal") for f in files)  # WAL mode, while open
        for f in files:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name


def test_database_from_option_environment_or_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, str(tmp_path / "env.sqlite3"))
    assert resolve_url().database == str(tmp_path / "env.sqlite3")
    assert resolve_url(str(tmp_path / "opt.sqlite3")).database == str(tmp_path / "opt.sqlite3")
    assert resolve_url("postgresql://u@h/records").drivername == "postgresql+psycopg"
    with pytest.raises(InputError, match="not supported"):
        resolve_url("mysql://u@h/records")
    with pytest.raises(InputError, match="cannot open the records database") as err:
        open_database("postgresql://nobody:secret-pw@127.0.0.1:1/none")
    assert "secret-pw" not in str(err.value)
