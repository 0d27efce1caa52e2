"""Every analyzer parameter is documented, with its unit in its name where it has one."""

from __future__ import annotations

import dataclasses

import pytest

from assess.conditioning import Conditioning
from assess.registry import REGISTRY

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


def _readme_rows() -> list[list[str]]:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    return [[c.strip() for c in line.strip().strip("|").split("|")] for line in text.splitlines() if line.startswith("|")]


@pytest.mark.parametrize("name", sorted(__import__("assess.catalogue", fromlist=["FIGURES"]).FIGURES))
def test_every_catalogue_figure_is_in_a_readme_table_with_its_unit(name: str) -> None:
    from assess.catalogue import FIGURES

    rows = [r for r in _readme_rows() if any(f"`{name}`" in cell for cell in r)]
    assert rows, f"{name} is in the catalogue but in no README figure table"
    unit = FIGURES[name].unit
    assert any(any(cell == unit or cell.startswith(f"{unit},") or cell.startswith(f"{unit} ") for cell in r) for r in rows), (
        f"{name}: the README table does not give its unit {unit!r}: {rows}"
    )


def test_every_figure_name_in_the_readme_tables_is_in_the_catalogue() -> None:
    import re

    from assess.catalogue import FIGURES

    names = {m for r in _readme_rows() for cell in r[:3] for m in re.findall(r"`([a-z_]+)`", cell)}
    movements = set(REGISTRY)
    assert names - movements <= set(FIGURES), names - movements - set(FIGURES)
