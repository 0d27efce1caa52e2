from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assess.errors import InputError
from assess.io import model as model_mod
from assess.io.model import MODEL_ENV, SHIPPED_SHA256, resolve_model, sha256_file


def test_shipped_model_matches_its_recorded_hash() -> None:
    info = resolve_model()
    assert info.sha256 == SHIPPED_SHA256
    assert info.name == "pose_landmarker_full"
    import json

    meta = json.loads((model_mod.SHIPPED_PATH.parent / "pose_landmarker_full.json").read_text())
    assert meta["sha256"] == SHIPPED_SHA256


def test_altered_model_is_refused_with_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "pose_landmarker_full.task"
    shutil.copy(model_mod.SHIPPED_PATH, copy)
    with copy.open("r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00\x01\x02")
    monkeypatch.setattr(model_mod, "SHIPPED_PATH", copy)
    with pytest.raises(InputError, match=r"altered.*git checkout"):
        resolve_model()


def test_missing_model_is_refused_with_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_mod, "SHIPPED_PATH", tmp_path / "gone.task")
    with pytest.raises(InputError, match=r"missing.*build_model"):
        resolve_model()


def test_environment_variable_and_explicit_path_choose_another_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "pose_landmarker_lite.task"
    shutil.copy(model_mod.SHIPPED_PATH, other)
    monkeypatch.setenv(MODEL_ENV, str(other))
    info = resolve_model()
    assert info.name == "pose_landmarker_lite"
    assert info.sha256 == sha256_file(other)
    monkeypatch.delenv(MODEL_ENV)
    assert resolve_model(other).path == other
    with pytest.raises(InputError, match="not found"):
        resolve_model(tmp_path)
    wrong = tmp_path / "model.tflite"
    wrong.write_bytes(b"x")
    with pytest.raises(InputError, match=r"not a \.task"):
        resolve_model(wrong)
