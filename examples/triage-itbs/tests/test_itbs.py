"""Tests of the ITBS plugin, using the fixtures triage gives pytest."""

from collections.abc import Callable

import pytest
import triage_itbs

from triage_core import Engine, ReportValidationError
from triage_core.testing import assert_conformant, assert_triage

TYPICAL = {
    "pain": {
        "locations": ["knee_outer"],
        "side": "left",
        "onset": "gradual",
        "when": ["during_run"],
        "worse_with_activity": True,
        "predictable_onset_in_run": True,
        "tender_area": "pinpoint",
    },
    "extensions": {"itbs": {"worse_downhill": True, "cambered_roads": True}},
}


@pytest.fixture
def engine(make_triage_engine: Callable[..., Engine]) -> Engine:
    return make_triage_engine(triage_itbs)


def test_a_typical_case_ranks_first(engine: Engine) -> None:
    result = engine.triage(TYPICAL)
    assert_triage(result, top=["iliotibial_band_syndrome"], level="self_care")
    itbs = result.conditions[0]
    assert itbs.likelihood == "high"
    assert {item.id for item in itbs.recommendations} >= {"hip_abductor_strength", "switch_road_side"}


def test_a_sudden_twist_points_elsewhere(engine: Engine) -> None:
    twisted = {"pain": {"locations": ["knee_outer"], "onset": "sudden"}, "signs": {"recent_trauma": True}}
    itbs = engine.triage(twisted).condition("iliotibial_band_syndrome")
    assert itbs is None or itbs.likelihood == "low"


def test_the_extension_fields_are_validated(engine: Engine) -> None:
    with pytest.raises(ReportValidationError) as caught:
        engine.triage({"extensions": {"itbs": {"worse_downhil": True}}})
    assert "extensions.itbs.worse_downhil" in caught.value.errors


def test_it_is_conformant(engine: Engine) -> None:
    assert_conformant(engine, "triage_itbs")
