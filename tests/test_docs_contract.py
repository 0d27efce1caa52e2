"""Every analyzer parameter is documented, with its unit in its name where it has one."""

from __future__ import annotations

import dataclasses

import pytest

from assess.conditioning import Conditioning
from assess.movements import REGISTRY

UNIT_WORDS = ("_s", "_hz", "_deg", "_cm", "_m", "_px", "_per_s", "_fraction", "_pct")


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_analyzer_parameter_is_documented(name: str) -> None:
    cls = REGISTRY[name]
    assert dataclasses.is_dataclass(cls), f"{name}: analyzers are frozen dataclasses"
    doc = cls.__doc__ or ""
    missing = [f.name for f in dataclasses.fields(cls) if f.name not in doc]
    assert not missing, f"{name}: parameters not in the docstring: {missing}"


def test_conditioning_parameters_are_documented_with_units() -> None:
    doc = Conditioning.__doc__ or ""
    for f in dataclasses.fields(Conditioning):
        assert f.name in doc
        if isinstance(f.default, float) and f.name not in ("min_visibility", "outlier_sigmas"):
            assert f.name.endswith(UNIT_WORDS), f"{f.name} has no unit in its name"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_analyzers_are_frozen(name: str) -> None:
    analyzer = REGISTRY[name]()
    fields = dataclasses.fields(analyzer)  # type: ignore[arg-type]
    if fields:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(analyzer, fields[0].name, None)
