"""The EHR record (FHIR R4 collection Bundle): structure through fhir.resources, codes and units here.

``fhir.resources`` validates structure only (it accepts any unit text and any code), so every
code system, code, UCUM unit, side and invariant is checked by these tests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from assess.catalogue import CODE_SYSTEM, FIGURES, SNOMED_LUMBAR_REGION
from assess.reporting.fhir import fhir_bundle, write_fhir
from assess.reporting.json_report import rounded
from assess.types import UCUM_UNITS, Side
from tests.reporting.sessions import ODD_WARNING, PATIENT_NAME, VISIT_DATE, assessments, session

UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DAR = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
#: SNOMED CT Laterality (attribute) and the qualifier values Left / Right.
LATERALITY = "272741003"
SNOMED_SIDES = {"7771000": "left", "24028007": "right"}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
#: Trunk range-of-motion figures: lumbar region as body site.
SPINE_ROM = {
    "trunk_flexion_rom",
    "trunk_extension_rom",
    "lateral_flexion_rom",
    "lateral_flexion_asymmetry",
    "trunk_rotation_rom",
}


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return fhir_bundle(session(), pdf=PDF)


def _resources(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == kind]


def _figure_observations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in _resources(doc, "Observation") if o["code"]["coding"][0]["system"] == CODE_SYSTEM]


def _side(obs: dict[str, Any]) -> str | None:
    """The side from codes only: the component coded SNOMED Laterality, its SNOMED value."""
    found = [
        c
        for c in obs.get("component", [])
        if any(k["system"] == SNOMED and k["code"] == LATERALITY for k in c["code"]["coding"])
    ]
    if not found:
        return None
    (component,) = found
    codings = component["valueCodeableConcept"]["coding"]
    (snomed,) = [SNOMED_SIDES[k["code"]] for k in codings if k["system"] == SNOMED]
    (local,) = [k["code"] for k in codings if k["system"] == "urn:assess:side"]
    assert snomed == local, codings
    return snomed


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "reference" and isinstance(v, str):
                yield v
            else:
                yield from _references(v)
    elif isinstance(value, list):
        for v in value:
            yield from _references(v)


def test_reparses_as_an_r4b_collection_bundle_with_one_patient(bundle: dict[str, Any]) -> None:
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    assert bundle["resourceType"] == "Bundle"
    (patient,) = _resources(bundle, "Patient")
    assert patient["identifier"] == [{"system": "urn:assess:patient", "value": "P-0042"}]
    assert patient["name"] == [{"text": PATIENT_NAME}]
    assert patient["birthDate"] == "1971"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert set(kinds) == {"Patient", "Observation", "DocumentReference"}


def test_name_and_birth_date_only_when_given() -> None:
    doc = fhir_bundle(session(name=None, birth_year=None))
    (patient,) = _resources(doc, "Patient")
    assert "name" not in patient
    assert "birthDate" not in patient
    assert _resources(doc, "DocumentReference") == [], "no PDF given, no document"
    for e in doc["entry"]:
        if e["resource"]["resourceType"] != "Patient":
            assert PATIENT_NAME.split()[1] not in json.dumps(e), "the name is on the Patient only"


def test_every_reference_resolves_to_a_full_url_in_the_bundle(bundle: dict[str, Any]) -> None:
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))
    for url in urls:
        assert url.startswith("urn:uuid:")
        uuid.UUID(url.removeprefix("urn:uuid:"))
    refs = list(_references(bundle))
    assert refs, "observations refer to the patient"
    assert set(refs) <= set(urls), set(refs) - set(urls)
    (patient_url,) = [e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    for e in bundle["entry"]:
        if e["resource"]["resourceType"] != "Patient":
            assert e["resource"]["subject"] == {"reference": patient_url}


def test_one_observation_per_measurement_and_per_figure_withheld(bundle: dict[str, Any]) -> None:
    observations = _figure_observations(bundle)
    assert len(observations) == sum(len(a.measurements) + len(a.omissions) for a in assessments())


def test_codes_and_units_match_the_catalogue(bundle: dict[str, Any]) -> None:
    for obs in _figure_observations(bundle):
        assert obs["status"] == "final"
        assert obs["category"] == [{"coding": [{"system": CATEGORY, "code": "exam", "display": "Exam"}]}]
        (coding,) = obs["code"]["coding"]
        assert coding["system"] == CODE_SYSTEM == "urn:assess:figure"
        figure = FIGURES[coding["code"]]
        assert coding["display"] == figure.display
        assert obs["code"]["text"].startswith(figure.display)
        assert obs["effectiveDateTime"] == VISIT_DATE.isoformat()
        if "valueQuantity" in obs:
            q = obs["valueQuantity"]
            assert q["system"] == UCUM
            assert q["code"] in UCUM_UNITS
            assert q["code"] == q["unit"]
            assert q["code"] == figure.unit or (figure.name == "pelvis_shift" and q["code"] == "1")
        if figure.name in SPINE_ROM:
            code, display = SNOMED_LUMBAR_REGION
            assert obs["bodySite"] == {"coding": [{"system": SNOMED, "code": code, "display": display}]}
            assert code == "1141985005"
        else:
            assert "bodySite" not in obs, figure.name
        assert obs["method"]["text"].startswith("MediaPipe pose_landmarker_full, single video camera, ")


def test_values_are_the_rounded_measurements_and_sides_are_coded(bundle: dict[str, Any]) -> None:
    got = {
        (o["code"]["coding"][0]["code"], _side(o)): o["valueQuantity"]["value"]
        for o in _figure_observations(bundle)
        if "valueQuantity" in o
    }
    expected = {
        (m.name, m.side.value if m.side else None): rounded(m.value, m.unit)
        for a in assessments()
        for m in a.measurements
    }
    assert got == expected
    zeros = [v for v in got.values() if v == 0]
    assert zeros, "the synthetic visit has figures that round to zero"
    assert all(math.copysign(1.0, v) > 0 for v in zeros), "no negative zero in the record"
    sides = {(name, side) for name, side in got if side is not None}
    assert {("lateral_flexion_rom", "left"), ("lateral_flexion_rom", "right")} <= sides
    assert {("step_length", "left"), ("step_length", "right")} <= sides
    # The synthetic side bend went 25 deg to the right and 20 deg to the left.
    assert got[("lateral_flexion_rom", "right")] == pytest.approx(25.0, abs=1.0)
    assert got[("lateral_flexion_rom", "left")] == pytest.approx(20.0, abs=1.0)
    for obs in _figure_observations(bundle):
        figure = FIGURES[obs["code"]["coding"][0]["code"]]
        if not figure.sided:
            assert _side(obs) is None, figure.name
        elif "valueQuantity" in obs:
            assert _side(obs) in {"left", "right"}


def test_reference_ranges_have_the_norm_and_name_the_source(bundle: dict[str, Any]) -> None:
    seen = set()
    for obs in _figure_observations(bundle):
        figure = FIGURES[obs["code"]["coding"][0]["code"]]
        norm = figure.norm
        if norm is None or (norm.low is None and norm.high is None):
            assert "referenceRange" not in obs, figure.name
            continue
        (rr,) = obs["referenceRange"]
        assert norm.source in rr["text"]
        for key, value in (("low", norm.low), ("high", norm.high)):
            if value is None:
                assert key not in rr
            else:
                assert rr[key] == {"value": value, "unit": figure.unit, "system": UCUM, "code": figure.unit}
        seen.add(figure.name)
    assert {"lateral_flexion_rom", "trunk_flexion_rom", "cadence", "gait_speed", "trunk_rotation_rom"} <= seen


def test_figures_not_measured_have_a_data_absent_reason_and_a_note(bundle: dict[str, Any]) -> None:
    reasons = {
        (o.name, o.side.value if o.side else None): o.reason for a in assessments() for o in a.omissions
    }
    assert ("fingertip_floor_distance", None) in reasons
    found = {}
    for obs in _figure_observations(bundle):
        value_keys = [k for k in obs if k.startswith("value")]
        # obs-6: a value or a reason for its absence, never both.
        assert (len(value_keys) == 1) != ("dataAbsentReason" in obs), obs["code"]
        if "dataAbsentReason" not in obs:
            continue
        dar = obs["dataAbsentReason"]
        assert dar["coding"] == [{"system": DAR, "code": "not-performed", "display": "Not Performed"}]
        key = (obs["code"]["coding"][0]["code"], _side(obs))
        assert dar["text"] == reasons[key]
        assert any(reasons[key] in n["text"] for n in obs["note"])
        found[key] = dar["text"]
    assert found.keys() == reasons.keys()
    assert "height" in found[("fingertip_floor_distance", None)]


def test_warnings_are_notes(bundle: dict[str, Any]) -> None:
    for obs in _figure_observations(bundle):
        if obs["code"]["coding"][0]["code"] == "lateral_flexion_rom":
            assert any(ODD_WARNING in n["text"] for n in obs["note"])
    gait = assessments()[3]
    (cadence,) = [o for o in _figure_observations(bundle) if o["code"]["coding"][0]["code"] == "cadence"]
    notes = [n["text"] for n in cadence["note"]]
    assert all(any(w in n for n in notes) for w in gait.warnings)


def test_method_names_the_view_and_its_angle(bundle: dict[str, Any]) -> None:
    (obs,) = [
        o for o in _figure_observations(bundle) if o["code"]["coding"][0]["code"] == "trunk_flexion_rom"
    ]
    assert obs["method"]["text"] == (
        "MediaPipe pose_landmarker_full, single video camera, side view (view angle +90 deg)"
    )


def test_pain_is_loinc_72514_3_with_its_movement_coded(bundle: dict[str, Any]) -> None:
    pains = [o for o in _resources(bundle, "Observation") if o["code"]["coding"][0]["system"] == LOINC]
    got = {}
    for obs in pains:
        assert obs["code"]["coding"][0]["code"] == "72514-3"
        assert obs["status"] == "final"
        assert isinstance(obs["valueInteger"], int)
        (component,) = obs["component"]
        assert component["code"]["coding"][0] == {
            "system": "urn:assess:context",
            "code": "movement",
            "display": "Movement during which it was reported",
        }
        (movement,) = component["valueCodeableConcept"]["coding"]
        assert movement["system"] == "urn:assess:movement"
        got[movement["code"]] = obs["valueInteger"]
    assert got == {"side_bend": 3, "forward_bend": 6, "gait": 2}


def test_the_document_reference_carries_the_pdf(bundle: dict[str, Any]) -> None:
    (doc,) = _resources(bundle, "DocumentReference")
    assert doc["status"] == "current"
    assert doc["type"]["text"] == "Movement assessment intake summary"
    (content,) = doc["content"]
    attachment = content["attachment"]
    assert attachment["contentType"] == "application/pdf"
    assert base64.b64decode(attachment["data"], validate=True) == PDF
    assert attachment["size"] == len(PDF)
    assert base64.b64decode(attachment["hash"]) == hashlib.sha1(PDF).digest()


def test_written_file_is_the_bundle_and_exports_are_repeatable(
    tmp_path: Path, bundle: dict[str, Any]
) -> None:
    path = write_fhir(session(), tmp_path / "record" / "bundle.json", pdf=PDF)
    assert json.loads(path.read_text(encoding="utf-8")) == bundle
    assert fhir_bundle(session(), pdf=PDF) == bundle, "the same visit gives the same identifiers"
    assert sorted(p.name for p in path.parent.iterdir()) == ["bundle.json"]


def test_sides_never_read_from_text(bundle: dict[str, Any]) -> None:
    """Blank every text and display: the sides must still come out the same."""

    def blank(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ("" if k in {"text", "display"} else blank(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [blank(v) for v in value]
        return value

    stripped = blank(bundle)
    before = sorted((o["code"]["coding"][0]["code"], str(_side(o))) for o in _figure_observations(bundle))
    after = sorted((o["code"]["coding"][0]["code"], str(_side(o))) for o in _figure_observations(stripped))
    assert before == after
    assert sum(s != "None" for _, s in after) >= 10
    assert Side.LEFT.value in {s for _, s in after}
