"""A visit as a FHIR R4 ``collection`` Bundle for the patient's electronic health record.

The resources are built as FHIR JSON and validated by constructing the ``fhir.resources.R4B``
models (R4B is R4 for Patient, Observation, DocumentReference and Bundle). Those models check
structure only (field names, types, cardinality), not codes, units or invariants such as obs-6:
the tests check those.

What the Bundle holds
---------------------
- **Patient**: ``identifier`` = the pseudonymous id under the local system
  :data:`PATIENT_SYSTEM`; ``name`` (as text) and ``birthDate`` (the year alone, a FHIR partial
  date ``YYYY``) only when the session has them.
- **One Observation per figure and side** measured: status ``final``, category ``exam``, ``code``
  = the figure in the local system :data:`assess.catalogue.CODE_SYSTEM` (code = figure name,
  display = catalogue display; no LOINC term exists for lumbar range of motion in degrees),
  ``effectiveDateTime`` = the visit date, ``valueQuantity`` rounded by unit with the UCUM code
  (``deg``, ``cm``, ``m``, ``s``, ``/min``, ``m/s``, ``%``, ``1``), ``bodySite`` (SNOMED CT
  1141985005, lumbar region) for the trunk range-of-motion figures, ``method.text`` naming the
  model and the camera view, ``referenceRange`` (low/high in the figure's unit, ``text`` naming
  the source) where the catalogue has a normal range, and every warning of the clip as a
  ``note``.
- **One Observation per figure withheld**: the same code, no value, ``dataAbsentReason``
  ``not-performed`` (system :data:`DATA_ABSENT_REASON_SYSTEM`) whose ``text`` is the reason,
  and the reason again as a ``note``. FHIR says an absent value is told by ``dataAbsentReason``
  (never by a made-up value or a cancelled status): the analysis ran, and the figure's own
  procedure could not be done on this clip (no height given, the wrong camera view, too few
  steady steps). The status stays ``final``: that result will not change.
- **Pain** (when reported for a clip): an Observation with LOINC 72514-3 "Pain severity - 0-10
  verbal numeric rating [Score] - Reported", category ``survey``, ``valueInteger`` 0-10, the
  movement as a coded ``component`` (:data:`CONTEXT_SYSTEM` ``movement`` -> a code in
  :data:`MOVEMENT_SYSTEM`) and in a ``note``.
- **DocumentReference** (when PDF bytes are given): status ``current``, type text "Movement
  assessment intake summary", one attachment ``application/pdf`` with the bytes in base64, their
  size and SHA-1 hash.

Every ``fullUrl`` is a ``urn:uuid:`` made from the visit's content (UUID version 5), so the same
visit exported twice gives the same identifiers; every reference points at one of them.

The side (left/right)
---------------------
A sided figure gives one Observation per side, and the side is a coded ``component``: code
SNOMED CT 272741003 "Laterality", value SNOMED CT 7771000 "Left" or 24028007 "Right" with the
same side in the local system :data:`SIDE_SYSTEM` (``left``/``right``). A receiving system reads
the side from codes, never from text; ``code.text`` repeats it for people ("Trunk side bend,
left").

Why not laterality on ``bodySite``: the side here is the patient's side *of the figure*, which
is not always the side of a body structure: a side bend to the left is a direction of motion of
the lumbar spine (a midline structure, whose ``bodySite`` stays "lumbar region"); a left step
length belongs to the left foot; a shoulder tilt's side is the lower shoulder. A bodySite
qualifier would say "left lumbar region", which is wrong, and SNOMED post-coordination is not
read by most EHRs. Why not one code per side (``lateral_flexion_rom_left``): both sides of one
figure share one code, so a chart trends them as one measure and filters by the component.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any, Final

from fhir.resources.R4B.bundle import Bundle

from assess.assessment import Assessment
from assess.catalogue import CODE_SYSTEM, FIGURES
from assess.io.atomic import atomic_text
from assess.reporting.common import norm_of
from assess.reporting.json_report import rounded
from assess.results import Norm
from assess.session import Session, SessionItem
from assess.types import Side, View

UCUM_SYSTEM: Final = "http://unitsofmeasure.org"
SNOMED_SYSTEM: Final = "http://snomed.info/sct"
LOINC_SYSTEM: Final = "http://loinc.org"
OBSERVATION_CATEGORY_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT_REASON_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
#: Local system of the pseudonymous patient id.
PATIENT_SYSTEM: Final = "urn:assess:patient"
#: Local system of the patient's anatomical side (codes ``left``, ``right``).
SIDE_SYSTEM: Final = "urn:assess:side"
#: Local system of the movements (codes = registry names: ``side_bend``, ``gait``, ...).
MOVEMENT_SYSTEM: Final = "urn:assess:movement"
#: Local system of component codes that give an observation's context (code ``movement``).
CONTEXT_SYSTEM: Final = "urn:assess:context"
#: SNOMED CT "Laterality (attribute)": the component code of the side.
SNOMED_LATERALITY: Final = ("272741003", "Laterality")
#: SNOMED CT qualifier values of the sides.
SNOMED_SIDE: Final = {Side.LEFT: ("7771000", "Left"), Side.RIGHT: ("24028007", "Right")}
#: LOINC code and display of the 0-10 pain score.
LOINC_PAIN: Final = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
#: dataAbsentReason of a figure the analysis withheld.
NOT_PERFORMED: Final = ("not-performed", "Not Performed")
DOCUMENT_TYPE_TEXT: Final = "Movement assessment intake summary"
#: Namespace of the bundle's UUID-5 identifiers.
_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:assess:fhir")


def _url(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '|'.join(str(p) for p in parts))}"


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def _quantity(value: float, unit: str) -> dict[str, Any]:
    r = rounded(value, unit)
    # + 0.0 turns a rounded -0.0 into 0.0.
    return {"value": None if r is None else r + 0.0, "unit": unit, "system": UCUM_SYSTEM, "code": unit}


def _side_component(side: Side) -> dict[str, Any]:
    code, display = SNOMED_SIDE[side]
    return {
        "code": {"coding": [_coding(SNOMED_SYSTEM, *SNOMED_LATERALITY)], "text": "Side"},
        "valueCodeableConcept": {
            "coding": [_coding(SNOMED_SYSTEM, code, display), _coding(SIDE_SYSTEM, side.value, display)],
            "text": side.value,
        },
    }


def _movement_words(movement: str) -> str:
    return movement.replace("_", " ")


def _method_text(a: Assessment, view: View | None) -> str:
    est = a.view
    where = "view not estimated"
    if est is not None and (view is None or view is est.view):
        where = f"{est.label} view (view angle {est.angle_deg:+.0f} deg)"
    elif view is not None:
        where = f"{view.value} view"
    return f"MediaPipe {a.model.name}, single video camera, {where}"


def _reference_range(norm: Norm, unit: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if norm.low is not None:
        out["low"] = _quantity(norm.low, unit)
    if norm.high is not None:
        out["high"] = _quantity(norm.high, unit)
    out["text"] = f"Source: {norm.source}" + (f"; {norm.note}" if norm.note else "")
    return out


def _notes(
    item: SessionItem, *, reason: str | None, norm: Norm | None, unit: str, spread: float | None
) -> list[str]:
    notes = []
    if reason is not None:
        notes.append(f"Not measured: {reason}")
    if spread is not None:
        notes.append(f"Spread over repetitions (max - min): {rounded(spread, unit)} {unit}")
    if norm is not None and norm.mdc is not None:
        notes.append(f"Minimal detectable change: {norm.mdc:g} {unit} ({norm.mdc_source})")
    notes += [f"Warning: {w}" for w in item.assessment.warnings]
    if item.notes:
        notes.append(f"Note on this clip: {item.notes}")
    return notes


def _figure_observation(
    session: Session,
    item: SessionItem,
    patient_url: str,
    *,
    name: str,
    side: Side | None,
    unit: str,
    value: float | None,
    view: View | None,
    spread: float | None,
    reason: str | None,
) -> dict[str, Any]:
    """One figure (measured when ``reason`` is None, else withheld for ``reason``)."""
    a = item.assessment
    entry = FIGURES.get(name)
    display = entry.display if entry else name
    norm = norm_of(a, name, unit)
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [_coding(OBSERVATION_CATEGORY_SYSTEM, "exam", "Exam")]}],
        "code": {
            "coding": [_coding(CODE_SYSTEM, entry.code if entry else name, display)],
            "text": f"{display}, {side.value}" if side else display,
        },
        "subject": {"reference": patient_url},
        "effectiveDateTime": session.visit.date.isoformat(),
    }
    if reason is None and value is not None:
        obs["valueQuantity"] = _quantity(value, unit)
    else:
        obs["dataAbsentReason"] = {
            "coding": [_coding(DATA_ABSENT_REASON_SYSTEM, *NOT_PERFORMED)],
            "text": reason or "not measured",
        }
    if entry is not None and entry.body_site is not None:
        obs["bodySite"] = {"coding": [_coding(SNOMED_SYSTEM, *entry.body_site)]}
    obs["method"] = {"text": _method_text(a, view)}
    if norm is not None and (norm.low is not None or norm.high is not None):
        obs["referenceRange"] = [_reference_range(norm, unit)]
    if side is not None:
        obs["component"] = [_side_component(side)]
    notes = _notes(item, reason=reason, norm=norm, unit=unit, spread=spread)
    if notes:
        obs["note"] = [{"text": t} for t in notes]
    return obs


def _pain_observation(session: Session, item: SessionItem, patient_url: str, pain: int) -> dict[str, Any]:
    movement = item.assessment.movement
    words = _movement_words(movement)
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [_coding(OBSERVATION_CATEGORY_SYSTEM, "survey", "Survey")]}],
        "code": {"coding": [_coding(LOINC_SYSTEM, *LOINC_PAIN)], "text": f"Pain during the {words} (0-10)"},
        "subject": {"reference": patient_url},
        "effectiveDateTime": session.visit.date.isoformat(),
        "valueInteger": pain,
        "component": [
            {
                "code": {
                    "coding": [_coding(CONTEXT_SYSTEM, "movement", "Movement during which it was reported")],
                    "text": "Movement",
                },
                "valueCodeableConcept": {
                    "coding": [_coding(MOVEMENT_SYSTEM, movement, words.capitalize())],
                    "text": words,
                },
            }
        ],
        "note": [{"text": f"Reported during the {words}"}],
    }


def _patient(session: Session) -> dict[str, Any]:
    p = session.patient
    out: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": PATIENT_SYSTEM, "value": p.patient_id}],
    }
    if p.name:
        out["name"] = [{"text": p.name}]
    if p.birth_year is not None:
        out["birthDate"] = f"{p.birth_year:04d}"
    return out


def _document(patient_url: str, pdf: bytes) -> dict[str, Any]:
    return {
        "resourceType": "DocumentReference",
        "status": "current",
        "docStatus": "final",
        "type": {"text": DOCUMENT_TYPE_TEXT},
        "subject": {"reference": patient_url},
        "description": DOCUMENT_TYPE_TEXT,
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(pdf).decode("ascii"),
                    "size": len(pdf),
                    "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),
                    "title": "Movement assessment intake summary (PDF)",
                }
            }
        ],
    }


def _item_resources(
    session: Session, index: int, item: SessionItem, patient_url: str
) -> list[tuple[str, dict[str, Any]]]:
    a = item.assessment
    key = (session.patient.patient_id, session.visit.date.isoformat(), index, a.video_sha256, a.movement)
    out = []
    for m in a.measurements:
        obs = _figure_observation(
            session,
            item,
            patient_url,
            name=m.name,
            side=m.side,
            unit=m.unit,
            value=m.value,
            view=m.view,
            spread=m.spread,
            reason=None,
        )
        out.append((_url(*key, "figure", m.name, m.side), obs))
    for o in a.omissions:
        entry = FIGURES.get(o.name)
        obs = _figure_observation(
            session,
            item,
            patient_url,
            name=o.name,
            side=o.side,
            unit=entry.unit if entry else "1",
            value=None,
            view=None,
            spread=None,
            reason=o.reason,
        )
        out.append((_url(*key, "figure", o.name, o.side), obs))
    if item.pain_0_10 is not None:
        out.append((_url(*key, "pain"), _pain_observation(session, item, patient_url, item.pain_0_10)))
    return out


def fhir_bundle(session: Session, /, *, pdf: bytes | None = None) -> dict[str, Any]:
    """The visit as a FHIR R4 ``collection`` Bundle (JSON as a dict), validated against R4B.

    ``pdf``: the intake summary's bytes, attached as a DocumentReference when given.
    Raises ``ValueError`` (pydantic's ValidationError) if a resource does not fit FHIR.
    """
    patient_url = _url("patient", session.patient.patient_id)
    resources: list[tuple[str, dict[str, Any]]] = [(patient_url, _patient(session))]
    for index, item in enumerate(session.items):
        resources += _item_resources(session, index, item, patient_url)
    if pdf is not None:
        digest = hashlib.sha256(pdf).hexdigest()
        resources.append(
            (
                _url(session.patient.patient_id, session.visit.date.isoformat(), "pdf", digest),
                _document(patient_url, pdf),
            )
        )
    # Constructing the R4B Bundle validates every resource in it (unknown fields, types, cardinality).
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in resources],
        }
    )
    document: dict[str, Any] = json.loads(bundle.model_dump_json())
    return document


def write_fhir(session: Session, path: Path, /, *, pdf: bytes | None = None) -> Path:
    """Write the visit's FHIR Bundle (JSON) to ``path`` atomically; returns ``path``."""
    path = Path(path)
    document = fhir_bundle(session, pdf=pdf)
    with atomic_text(path) as fh:
        json.dump(document, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    return path


__all__ = ["fhir_bundle", "write_fhir"]
