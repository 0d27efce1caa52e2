"""Small look-ups shared by the record writers (CSV, FHIR)."""

from __future__ import annotations

from assess.assessment import Assessment
from assess.catalogue import FIGURES
from assess.results import Norm


def norm_of(a: Assessment, name: str, unit: str, /) -> Norm | None:
    """The norm of figure ``name`` for ``a`` (the analysis's, else the catalogue's).

    None when there is none or when it is in another unit than ``unit`` (a pelvis shift given as
    a fraction of the hip width, unit ``1``, is never compared with a range in cm).
    """
    norm = next((n for n in a.norms if n.name == name), None)
    if norm is None and name in FIGURES:
        norm = FIGURES[name].norm
    if norm is None or (norm.unit is not None and norm.unit != unit):
        return None
    return norm
