"""Normal values shown beside each figure, with their source (sources disagree: all are named).

The published ranges are for *lumbar* motion measured with inclinometers; a camera measures the
whole trunk line, which in a forward bend also contains hip flexion. The ``note`` of each entry
says how far the comparison holds. ``low``/``high`` come from the primary source (Magee 2014);
``other_sources`` lists the others. Change over time in one patient (against the minimal
detectable change, ``mdc``) is worth more than any comparison with a norm.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PRIMARY = "Magee 2014, Orthopedic Physical Assessment (lumbar spine, active movements)"

_NORMS: dict[str, dict[str, Any]] = {
    "trunk_flexion_rom": {
        "low": 40.0,
        "high": 60.0,
        "unit": "deg",
        "source": PRIMARY,
        "other_sources": [
            "AMA Guides (edition not verified): 60 deg",
            "Troke 2005 (n=405, age 16-90): about 72 deg at 16-24 years falling to 40 deg at 80-90",
        ],
        "mdc": "about 13 deg for dual-inclinometer flexion (SEM 4.6 deg, Saur 1996)",
        "note": (
            "norms are lumbar flexion; trunk inclination also contains hip flexion and is normally larger"
        ),
    },
    "trunk_extension_rom": {
        "low": 20.0,
        "high": 35.0,
        "unit": "deg",
        "source": PRIMARY,
        "other_sources": [
            "AMA Guides (edition not verified): 25 deg",
            "Troke 2005: about 29 deg at 16-24 years falling to 6 deg at 80-90",
        ],
        "mdc": "about 6 deg for dual-inclinometer extension (SEM 2.3 deg, Saur 1996)",
        "note": (
            "norms are lumbar extension; the camera measures backward inclination of the whole trunk line"
        ),
    },
    "lateral_flexion_rom": {
        "low": 20.0,
        "high": 30.0,
        "unit": "deg",
        "source": PRIMARY,
        "other_sources": [
            "AMA Guides (edition not verified): 25 deg",
            "Troke 2005: about 29 deg at 16-24 years falling to 15 deg at 80-90",
        ],
        "note": (
            "the camera's trunk line (hip centre to shoulder centre) read about 20% smaller peaks than "
            "marker motion capture in a published comparison"
        ),
    },
    "trunk_rotation_rom": {
        "low": 10.0,
        "high": 35.0,
        "unit": "deg",
        "source": PRIMARY,
        "other_sources": ["Troke 2005: about 7 deg (lumbar only)"],
        "note": "single-camera rotation is an estimate; see the warning for its measured error",
    },
    "fingertip_floor_distance": {
        "low": None,
        "high": None,
        "unit": "cm",
        "source": "no verified normal range; reliability ICC 0.99 (Perret 2001)",
        "mdc": "4.5 cm (Ekedahl 2012)",
        "note": "smaller is more flexible; 0 means the fingertips reach the floor",
    },
}
_NONE = "no published normal range for this camera measure"
_EXTRA_NOTES = {
    "hip_flexion_peak": "largest increase of the trunk-thigh angle from neutral standing",
    "knee_flexion_peak": "the standard test keeps the knees straight: about 0 deg; bending is a compensation",
    "lateral_flexion_asymmetry": "right minus left; 0 is symmetric",
    "fingertip_drop": "how far the fingertip slides down from neutral on the bending side",
    "pelvis_shift": "sideways shift of the hips away from the bending side",
    "pelvis_rotation_peak": "the pelvis should stay square: turning it is a compensation",
}


def norms_for(names: Iterable[str], /) -> dict[str, dict[str, Any]]:
    """The ``norms`` block for the figures ``names`` (every name gets an entry)."""
    out: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(names):
        if name in _NORMS:
            out[name] = {k: (list(v) if isinstance(v, list) else v) for k, v in _NORMS[name].items()}
        else:
            out[name] = {"low": None, "high": None, "source": _NONE, "note": _EXTRA_NOTES.get(name, "")}
    return out
