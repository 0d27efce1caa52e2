"""``assess batch``: list files and folders, a failing clip among good ones, resume, and Ray.

The model tests run the real command line on two short rendered clips and a text file named
``.mp4``; the Ray test starts its own cluster on loopback (``ray start --head --block``) and
ends it by its process id.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assess.batch.inputs import BatchItem, batch_items, read_list
from assess.batch.records import ClipRow, write_summary
from assess.batch.work import ClipResult, one_line_reason
from assess.errors import InputError
from assess.reporting.json_report import DECIMALS
from assess.service import known_movements
from tests.conftest import REPO

SAMPLES = REPO / "sample_videos"
GOOD = (("posture_side.mp4", "posture"), ("gait_side.mp4", "gait"))
RAY_START_TIMEOUT_S = 60.0
RAY_STOP_TIMEOUT_S = 45.0


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def _assess(*args: str | Path, env: dict[str, str] | None = None, timeout_s: float = 300.0) -> Run:
    proc = subprocess.run(
        [sys.executable, "-m", "assess", *map(str, args)],
        capture_output=True, text=True, timeout=timeout_s, cwd=REPO,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )  # fmt: skip
    return Run(proc.returncode, proc.stdout, proc.stderr)


def _summary(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write_list(folder: Path, lines: list[str]) -> Path:
    path = folder / "clips.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- input: list files and folders (no model) ------------------------------------------------


def test_list_file_skips_comments_and_header_and_resolves_relative_paths(tmp_path: Path) -> None:
    path = _write_list(
        tmp_path,
        ["# intake, 3 clips", "clip,movement,height_cm", "", "a.mp4,posture,172", "sub/b.mov, gait ", "/abs/c.mp4,side_bend,"],
    )
    items = read_list(path, known_movements=known_movements())
    assert items == [
        BatchItem(clip=tmp_path / "a.mp4", movement="posture", height_cm=172.0),
        BatchItem(clip=tmp_path / "sub" / "b.mov", movement="gait"),
        BatchItem(clip=Path("/abs/c.mp4"), movement="side_bend"),
    ]


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("a.mp4", "expected CLIP,MOVEMENT"),
        ("a.mp4,jumping", "unknown movement 'jumping'"),
        ("a.mp4,posture,tall", "height 'tall' is not a number"),
        ("a.mp4,posture,17", "height 17 cm is not a possible standing height"),
        ("a.mp4,posture,170,extra", "expected CLIP,MOVEMENT"),
    ],
)
def test_a_bad_list_line_is_named_with_its_number(tmp_path: Path, line: str, fragment: str) -> None:
    path = _write_list(tmp_path, ["# first", "ok.mp4,posture", line])
    with pytest.raises(InputError) as err:
        read_list(path, known_movements=known_movements())
    assert f"{path} line 3: " in str(err.value)
    assert fragment in str(err.value)


def test_two_clips_writing_one_folder_are_refused(tmp_path: Path) -> None:
    path = _write_list(tmp_path, ["x/walk.mp4,gait", "y/walk.mp4,gait"])
    with pytest.raises(InputError, match="would both write walk_gait/"):
        read_list(path, known_movements=known_movements())


def test_folder_needs_a_movement_and_takes_its_videos_sorted(tmp_path: Path) -> None:
    for name in ("b.MP4", "a.webm", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    with pytest.raises(InputError, match="give --movement M for all its clips, or a list file"):
        batch_items(tmp_path, movement=None, height_cm=None, known_movements=known_movements())
    items = batch_items(tmp_path, movement="rotation", height_cm=180.0, known_movements=known_movements())
    assert [(i.clip.name, i.movement, i.height_cm) for i in items] == [("a.webm", "rotation", 180.0), ("b.MP4", "rotation", 180.0)]


def test_one_line_reason_keeps_input_errors_and_names_other_exceptions() -> None:
    assert one_line_reason(InputError("clip.mp4 is empty; record it again")) == "clip.mp4 is empty; record it again"
    assert one_line_reason(ZeroDivisionError("division by zero\nsecond line")) == "ZeroDivisionError: division by zero"
    assert len(one_line_reason(RuntimeError("x" * 1000))) == 300


def test_summary_has_a_column_per_figure_and_side(tmp_path: Path) -> None:
    rows = [
        ClipRow(item=BatchItem(clip=Path("a.mp4"), movement="side_bend"), status="ok", seconds=3.04,
                figures={"lateral_flexion_rom_left": (24.3, "deg"), "lateral_flexion_rom_right": (22.0, "deg")}),
        ClipRow(item=BatchItem(clip=Path("b.mp4"), movement="gait", height_cm=170.0), status="failed",
                reason="b.mp4 is empty (0 bytes); record or copy the clip again", seconds=0.01),
    ]  # fmt: skip
    write_summary(tmp_path / "summary.csv", rows)
    got = _summary(tmp_path / "summary.csv")
    assert got[0]["lateral_flexion_rom_left [deg]"] == "24.3"
    assert got[0]["lateral_flexion_rom_right [deg]"] == "22"
    assert got[0]["status"] == "ok"
    assert got[0]["seconds"] == "3.0"
    assert got[1]["status"] == "failed"
    assert got[1]["reason"].startswith("b.mp4 is empty")
    assert got[1]["lateral_flexion_rom_left [deg]"] == ""
    assert got[1]["height_cm"] == "170"


def test_bad_batch_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = _write_list(tmp_path, ["a.mp4,posture", "b.mp4,twisting"])
    run = _assess("batch", path, "--out", tmp_path / "out")
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0
    assert f"{path} line 2: unknown movement 'twisting'" in run.stderr
    assert not (tmp_path / "out").exists()


def test_unreachable_ray_address_from_the_environment_is_exit_2(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = _write_list(tmp_path, [f"{SAMPLES / 'posture_side.mp4'},posture"])
    run = _assess("batch", path, "--out", tmp_path / "out", env={"ASSESS_RAY_ADDRESS": f"127.0.0.1:{port}"})
    assert run.returncode == 2, run.stderr
    assert f"no Ray cluster answered at 127.0.0.1:{port}" in run.stderr
    assert run.stderr.strip().count("\n") == 0
    assert not (tmp_path / "out").exists()


class _Ref:
    def __init__(self, value: object = None, error: Exception | None = None) -> None:
        self.value, self.error = value, error


class _Method:
    def __init__(self, fn: Callable[..., _Ref]) -> None:
        self.remote = fn


class _Actor:
    """Stands in for a Ray actor handle; dies on the clips named in ``dies_on``."""

    def __init__(self, name: str, dies_on: tuple[str, ...] = ()) -> None:
        self.name, self.dies_on = name, dies_on
        self.load_model = _Method(lambda: _Ref((name, 0.1, None)))
        self.analyse_on_node = _Method(self._analyse)

    def _analyse(self, item: BatchItem) -> _Ref:
        if item.clip.name in self.dies_on:
            return _Ref(error=RuntimeError("The actor died unexpectedly"))
        return _Ref(ClipResult(assessment=None, reason=f"by {self.name}", seconds=1.0, worker=self.name))


class _Ray:
    def __init__(self) -> None:
        self.killed: list[str] = []

    def wait(self, refs: list[_Ref], *, num_returns: int) -> tuple[list[_Ref], list[_Ref]]:
        return refs[:num_returns], refs[num_returns:]

    def get(self, ref: _Ref) -> object:
        if ref.error is not None:
            raise ref.error
        return ref.value

    def kill(self, actor: _Actor) -> None:
        self.killed.append(actor.name)


def test_a_worker_that_dies_fails_its_clip_and_is_replaced() -> None:
    from assess.batch.cluster import _dispatch

    fake = _Ray()
    loads: dict[object, object] = {}
    made: list[_Actor] = []

    def new_actor() -> _Actor:
        actor = _Actor("b") if made else _Actor("a", dies_on=("2.mp4",))
        made.append(actor)
        loads[actor.load_model.remote()] = actor
        return actor

    ready: list[str] = []
    items = [BatchItem(clip=Path(f"{i}.mp4"), movement="gait") for i in (1, 2, 3)]
    results = dict(_dispatch(fake, items, deque([new_actor()]), new_actor, loads, lambda w, s, f: ready.append(w)))
    assert [results[i].reason for i in range(3)] == [
        "by a",
        "Ray worker lost: RuntimeError: The actor died unexpectedly",
        "by b",
    ]
    assert fake.killed == ["a"]
    assert ready == ["a", "b"]


# --- local batch through the real model ------------------------------------------------------


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A list file: two good rendered clips, then a text file named .mp4."""
    folder = tmp_path_factory.mktemp("clips")
    (folder / "broken.mp4").write_text("this is not a video\n", encoding="utf-8")
    lines = [f"{SAMPLES / name},{movement}" for name, movement in GOOD] + ["broken.mp4,posture"]
    return _write_list(folder, ["# two good clips and a broken one", *lines])


@pytest.fixture(scope="module")
def local_run(clips: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path, list[dict[str, str]]]:
    out = tmp_path_factory.mktemp("local") / "out"
    run = _assess("batch", clips, "--out", out)
    return run, out, _summary(out / "summary.csv")


@pytest.mark.model
def test_local_batch_analyses_the_good_clips_and_reports_the_broken_one(
    local_run: tuple[Run, Path, list[dict[str, str]]],
) -> None:
    run, out, rows = local_run
    assert run.returncode == 1, run.stderr
    assert [(Path(r["clip"]).name, r["movement"], r["status"]) for r in rows] == [
        ("posture_side.mp4", "posture", "ok"),
        ("gait_side.mp4", "gait", "ok"),
        ("broken.mp4", "posture", "failed"),
    ]
    for name, movement in GOOD:
        report = json.loads((out / f"{Path(name).stem}_{movement}" / "report.json").read_text())
        assert report["movement"] == movement
        assert report["measurements"]
    assert rows[0]["trunk_lean [deg]"] != ""
    assert rows[1]["cadence [/min]"] != ""
    assert rows[2]["reason"].endswith("is not a video that can be read (InvalidDataError); export it as mp4, mov, avi, webm or mkv")
    assert "\n" not in rows[2]["reason"]
    assert not (out / "broken_posture").exists()
    assert "(1 of 3 failed)" in run.stdout
    assert re.search(r"\[3/3\] .*: failed \(worker [^)]+\): .*broken\.mp4 is not a video", run.stderr)


@pytest.mark.model
def test_a_second_run_skips_done_clips_and_force_runs_them_again(
    clips: Path, local_run: tuple[Run, Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    _, out, _ = local_run
    report = out / "posture_side_posture" / "report.json"
    before = report.stat().st_mtime_ns
    again = _assess("batch", clips, "--out", out)
    assert again.returncode == 1
    assert again.stderr.count("skipped (done)") == 2
    assert report.stat().st_mtime_ns == before
    rows = _summary(out / "summary.csv")
    assert [r["resumed"] for r in rows] == ["yes", "yes", "no"]
    assert [r["status"] for r in rows] == ["ok", "ok", "failed"]

    # The same clip from a folder, without and with --force.
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(SAMPLES / "posture_side.mp4", folder / "posture_side.mp4")
    skipped = _assess("batch", folder, "--movement", "posture", "--out", out)
    assert skipped.returncode == 0
    assert "skipped (done)" in skipped.stderr
    assert report.stat().st_mtime_ns == before
    forced = _assess("batch", folder, "--movement", "posture", "--out", out, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "[1/1] posture_side.mp4 posture: ok (" in forced.stderr
    assert report.stat().st_mtime_ns > before
    assert [r["resumed"] for r in _summary(out / "summary.csv")] == ["no"]


@pytest.mark.model
def test_an_interrupted_batch_keeps_the_clips_done_and_resumes_after_them(tmp_path: Path) -> None:
    path = _write_list(tmp_path, [f"{SAMPLES / name},{movement}" for name, movement in GOOD])
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "assess", "batch", str(path), "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:  # interrupt as soon as the first clip is done
        lines.append(line)
        if line.startswith("[1/2]"):
            proc.send_signal(signal.SIGINT)
            break
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, "".join(lines) + rest
    assert "interrupted; the clips done are in" in rest
    assert [(Path(r["clip"]).name, r["status"]) for r in _summary(out / "summary.csv")] == [("posture_side.mp4", "ok")]
    again = _assess("batch", path, "--out", out)
    assert again.returncode == 0, again.stderr
    assert "[1/2] posture_side.mp4 posture: skipped (done)" in again.stderr
    assert "[2/2] gait_side.mp4 gait: ok (" in again.stderr
    assert [r["status"] for r in _summary(out / "summary.csv")] == ["ok", "ok"]


# --- the same batch on a local Ray cluster ---------------------------------------------------


def _free_port() -> int:
    """A free TCP port on loopback outside Ray's default worker port range (10002-19999)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if not 10002 <= port <= 19999:
            return port
    raise RuntimeError("no free port outside Ray's worker range")


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    """A Ray head with 2 CPUs on 127.0.0.1, started here and ended by its process id."""
    ray_cli = Path(sys.executable).with_name("ray")
    assert ray_cli.exists(), f"{ray_cli} missing: install the test extra (it includes ray)"
    port = _free_port()
    temp_dir = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's socket paths must fit
    log = Path(temp_dir) / "head.log"
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    with log.open("w") as fh:
        head = subprocess.Popen(
            [str(ray_cli), "start", "--head", "--port", str(port), "--node-ip-address", "127.0.0.1",
             "--num-cpus", "2", "--object-store-memory", str(200 * 2**20), "--include-dashboard=false",
             "--disable-usage-stats",
             "--temp-dir", temp_dir, "--block"],
            stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + RAY_START_TIMEOUT_S
        while "Ray runtime started" not in log.read_text():
            assert head.poll() is None, f"ray start failed:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"ray start took over {RAY_START_TIMEOUT_S} s"
            time.sleep(0.5)
        yield f"127.0.0.1:{port}"
    finally:
        head.send_signal(signal.SIGTERM)  # --block: the head drains and stops its own processes
        try:
            head.wait(timeout=RAY_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)  # the group of the process started here
            head.wait()
        shutil.rmtree(temp_dir, ignore_errors=True)


def _close(a: str, b: str, unit: str) -> bool:
    if a == "" or b == "":
        return a == b
    return abs(float(a) - float(b)) <= 10 ** -DECIMALS.get(unit, 2) + 1e-9


@pytest.mark.model
@pytest.mark.ray
def test_ray_batch_gives_the_local_results_with_one_model_load_per_worker(
    ray_cluster: str, clips: Path, local_run: tuple[Run, Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    _, _, local_rows = local_run
    out = tmp_path / "out"
    run = _assess("batch", clips, "--out", out, "--ray", ray_cluster, timeout_s=120.0)
    assert run.returncode == 1, run.stderr
    rows = _summary(out / "summary.csv")
    assert [(r["clip"], r["movement"], r["status"], r["reason"]) for r in rows] == [
        (r["clip"], r["movement"], r["status"], r["reason"]) for r in local_rows
    ]
    figure_columns = [c for c in local_rows[0] if c.endswith("]")]
    assert figure_columns == [c for c in rows[0] if c.endswith("]")]
    for got, want in zip(rows, local_rows, strict=True):
        for column in figure_columns:
            unit = column[column.rindex("[") + 1 : -1]
            assert _close(got[column], want[column], unit), (got["clip"], column, got[column], want[column])
    for name, movement in GOOD:
        assert (out / f"{Path(name).stem}_{movement}" / "report.json").is_file()
    # Two workers, each loading the model once, took the three clips between them.
    loaded = re.findall(r"worker (\S+): pose model loaded", run.stderr)
    assert len(loaded) == 2, run.stderr
    assert len(set(loaded)) == 2, run.stderr
    used = re.findall(r"\(\S+ s, worker (\S+)\)|failed \(worker (\S+)\)", run.stderr)
    workers = [a or b for a, b in used]
    assert len(workers) == 3, run.stderr
    assert set(workers) <= set(loaded), run.stderr
