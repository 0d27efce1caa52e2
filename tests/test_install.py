"""A built wheel, installed outside the checkout, analyses a bundled sample with its shipped model.

The wheel is built from a copy of the sources the wheel needs (so a stale ``build/`` folder in
the checkout can't leak into it), with ``--no-build-isolation`` and ``--no-deps``: no network.
It is installed with ``--no-deps`` into a fresh virtual environment that sees the project's
already installed dependencies through a ``.pth`` line (a ``.pth`` line adds a folder to
``sys.path`` without running that folder's own ``.pth`` files, so the editable ``assess`` of the
checkout stays invisible). ``assess analyze`` then runs from a folder outside the checkout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.install
TIMEOUT_S = 300


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip wheel --no-deps`` of a clean copy of the package sources."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "assess", src / "assess", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp / "dist"
    pip_wheel = ("-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w")
    _run(sys.executable, *pip_wheel, out, src, cwd=tmp)
    (built,) = out.glob("assess-*.whl")
    return built


def test_wheel_carries_the_model_and_no_test_tooling(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        lines = zf.read(metadata).decode().splitlines()
    requires = [line for line in lines if line.startswith("Requires-Dist:")]
    assert "assess/models/pose_landmarker_full.task" in names
    assert "assess/models/pose_landmarker_full.json" in names
    assert "assess/io/model.py" in names
    assert not [n for n in names if n.startswith(("assess/render/", "assess_render/", "tests/"))]
    runtime = [r for r in requires if "extra ==" not in r]
    assert "Requires-Dist: mediapipe" in " ".join(runtime)
    assert not [r for r in runtime if "matplotlib" in r], runtime


def test_installed_wheel_analyses_a_sample_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel, cwd=tmp_path)
    # The project's installed dependencies, seen by the new environment (no download).
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run(python, "-c", purelib, cwd=tmp_path).stdout.strip())
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_assess_test_deps.pth").write_text("".join(f"{d}\n" for d in sorted(deps)))

    work = tmp_path / "elsewhere"
    work.mkdir()
    clip = shutil.copy(REPO / "sample_videos" / "forward_bend_side.mp4", work / "clip.mp4")
    where = _run(python, "-c", "import assess.io.model as m; print(m.SHIPPED_PATH)", cwd=work).stdout.strip()
    assert Path(where).is_relative_to(site), f"assess was imported from {where}, not the installed wheel"

    _run(venv / "bin" / "assess", "analyze", clip, "--movement", "forward_bend", "--out", "out", cwd=work)
    report = json.loads((work / "out" / "report.json").read_text())
    assert report["model"]["name"] == "pose_landmarker_full"
    figures = {m["name"]: m["value"] for m in report["measurements"]}
    # The rendered sample bends its trunk 70 deg (its .truth.json); the model reads 71.5.
    assert 55.0 < figures["trunk_flexion_rom"] < 90.0, figures
