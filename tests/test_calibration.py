"""The calibration of glyph corrections on general text (textrepair.ocr.calibration)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from textrepair import api
from textrepair.errors import ModelError
from textrepair.ocr.calibration import (
    CALIBRATION_PATH,
    FEATURES,
    Calibration,
    features,
    load_calibration,
    read_calibrations,
)
from textrepair.ocr.repair import document_domain_weight, make_corrector

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "corpora" / "real_ocr"


def test_features_are_in_the_declared_order() -> None:
    x = features("三", "一", 1.5, frozenset("一"), frozenset("三一"), {"三": 99, "一": 9})
    assert len(x) == len(FEATURES)
    named = dict(zip(FEATURES, x))
    assert named["bias"] == 1.0 and named["margin"] == 1.5
    assert (named["old_in_domain"], named["new_in_domain"], named["old_in_general"]) == (
        0.0,
        1.0,
        1.0,
    )
    assert named["old_usage"] == pytest.approx(2.0) and named["new_usage"] == pytest.approx(1.0)
    assert named["numerals"] == 1.0
    assert (
        dict(zip(FEATURES, features("末", "人", 0.0, frozenset(), frozenset(), {})))["numerals"]
        == 0.0
    )


def test_probability_is_the_logistic_of_the_weighted_features() -> None:
    cal = Calibration((0.0, 1.0) + (0.0,) * (len(FEATURES) - 2))
    assert cal.probability([1.0, 0.0] + [0.0] * (len(FEATURES) - 2)) == pytest.approx(0.5)
    assert cal.probability([1.0, 2.0] + [0.0] * (len(FEATURES) - 2)) == pytest.approx(
        1 / (1 + 2.718281828**-2)
    )
    assert cal.probability([1.0, 1e6] + [0.0] * (len(FEATURES) - 2)) == 1.0  # no overflow


def test_a_calibration_round_trips_through_its_file(tmp_path: Path) -> None:
    cal = Calibration(tuple(float(i) for i in range(len(FEATURES))), "somewhere", 7)
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"none": cal.to_dict()}), encoding="utf-8")
    assert read_calibrations(path) == {"none": cal}


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "not a calibration file"),
        ("{}", "no calibration"),
        (
            json.dumps({"none": {"features": ["bias"], "weights": [1.0]}}),
            "not over this version's features",
        ),
        (json.dumps({"none": {"features": list(FEATURES), "weights": [1.0]}}), "1 weights for"),
    ],
)
def test_a_malformed_calibration_is_one_line_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match=message) as err:
        read_calibrations(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_the_shipped_calibrations_are_for_both_channel_settings() -> None:
    assert CALIBRATION_PATH.exists(), (
        "models/calibration.json is built by `make calibration` and committed"
    )
    for setting in ("none", "learnt"):
        cal = load_calibration(setting)
        assert cal is not None and cal.examples >= 100
        weights = dict(zip(FEATURES, cal.weights))
        assert weights["margin"] > 0  # a larger margin is more often right


def test_domain_weight_separates_policy_text_from_a_newspaper_page() -> None:
    model = api.load_model()
    reprint = (ROOT / "corpora" / "national_yijian_ocr_reprint.txt").read_text(encoding="utf-8")
    page = (REAL / "general" / "pd19000.truth.txt").read_text(encoding="utf-8")
    assert document_domain_weight(reprint, model) > 0.8
    assert document_domain_weight(page, model) < 0.2


@pytest.mark.slow
def test_calibration_removes_false_corrections_on_held_out_general_text() -> None:
    """On a clean held-out newspaper page, the calibrated corrector changes far fewer right
    characters."""
    model = api.load_model()
    corrector = make_corrector(model)
    assert corrector.calibration is not None
    uncalibrated = dataclasses.replace(corrector, calibration=None)
    changed = calibrated = 0
    for path in sorted((REAL / "general").glob("*.truth.txt")):
        text = path.read_text(encoding="utf-8")
        assert corrector.reads_general(text)
        changed += len(uncalibrated.correct(text))
        calibrated += len(corrector.correct(text))
    assert changed >= 10 and calibrated * 2 <= changed, (changed, calibrated)


def test_policy_text_is_judged_by_the_margin_alone() -> None:
    model = api.load_model()
    corrector = make_corrector(model)
    reprint = (ROOT / "corpora" / "national_yijian_ocr_reprint.txt").read_text(encoding="utf-8")
    assert not corrector.reads_general(reprint)
    margin_only = [
        e
        for e, _ in corrector.proposals(reprint)
        if e.confidence >= corrector.config.min_confidence
    ]
    assert corrector.correct(reprint) == margin_only
