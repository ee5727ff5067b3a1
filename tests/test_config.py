"""One config object per restorer: OcrConfig and DroppedConfig reach the repair, and misplaced
options warn."""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from pathlib import Path

import pytest

import textrepair
from textrepair import noise
from textrepair.corpus import files_with_role, read_text
from textrepair.dropped.config import DroppedConfig
from textrepair.ocr.config import OcrConfig
from textrepair.ocr.repair import make_corrector

ROOT = Path(__file__).resolve().parent.parent
REPRINT = (ROOT / "corpora" / "national_yijian_ocr_reprint.txt").read_text(encoding="utf-8")
#: a stretch of a training draft, damaged in the dropped format (one space inside a word, three
#: between)
DROPPED = "   ".join(["全 面 推 进", "健 康 中 国", "建 设"] * 3)


def glyph_edits(result: textrepair.Repair) -> list[textrepair.Edit]:
    return [e for e in result.edits if e.reason == "glyph"]


def test_configs_are_frozen_and_hashable() -> None:
    for config in (OcrConfig(), DroppedConfig()):
        with pytest.raises(dataclasses.FrozenInstanceError):
            config.beam = 3  # type: ignore[misc]
        assert hash(config) == hash(type(config)())


def test_the_corrector_reads_its_settings_from_the_config() -> None:
    model = textrepair.load_model()
    cautious = dataclasses.replace(OcrConfig(), min_confidence=0.999)
    assert make_corrector(model, config=cautious).config is cautious
    assert make_corrector(model).config == OcrConfig()
    assert make_corrector(model, config=cautious) is make_corrector(
        model, config=cautious
    )  # cached per config


def test_an_ocr_config_changes_the_ocr_repair() -> None:
    default = glyph_edits(textrepair.repair(REPRINT, kind="ocr"))
    assert default
    assert textrepair.repair(REPRINT, kind="ocr", config=OcrConfig()) == textrepair.repair(
        REPRINT, kind="ocr"
    )
    never = glyph_edits(
        textrepair.repair(REPRINT, kind="ocr", config=OcrConfig(min_confidence=1.01))
    )
    assert never == []
    no_candidates = textrepair.repair(REPRINT, kind="ocr", config=OcrConfig(log_error_rate=-99.0))
    assert glyph_edits(no_candidates) == []


def test_a_dropped_config_changes_the_dropped_repair() -> None:
    drop_set = ["的", "和", "在", "是", "理", "管"]
    lines = [
        line for line in read_text(files_with_role("train")[0]).splitlines() if len(line) > 80
    ][:3]
    damaged = "\n".join(noise.drop(line, drop_set) for line in lines)

    def inserted(config: DroppedConfig | None) -> int:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = textrepair.repair(damaged, kind="dropped", drop_set=drop_set, config=config)
        return sum(len(e.new) for e in result.edits if e.reason == "insertion")

    default = inserted(None)
    assert default > 0 and inserted(DroppedConfig()) == default
    # a penalty per inserted character leaves only the insertions the format forces (vanished words)
    assert inserted(DroppedConfig(insert_bonus=-20.0)) < default
    assert textrepair.repair("", kind="dropped", config=DroppedConfig()).text == ""


@pytest.mark.parametrize(
    "kind, options, named",
    [
        ("ocr", {"punct": True}, "punct"),
        ("ocr", {"drop_set": ["的"]}, "drop_set"),
        ("ocr", {"config": DroppedConfig()}, "config"),
        ("dropped", {"channel": "tesseract"}, "channel"),
        ("dropped", {"config": OcrConfig()}, "config"),
        ("clean", {"punct": True}, "punct"),
        ("clean", {"config": OcrConfig()}, "config"),
    ],
)
def test_an_option_that_does_nothing_for_the_kind_warns(
    kind: str, options: dict, named: str
) -> None:
    text = "通过巡回指导推进工作。" if kind == "ocr" else DROPPED
    with pytest.warns(UserWarning, match=f"{named} does nothing for {kind} text"):
        textrepair.repair(text, kind=kind, **options)  # type: ignore[arg-type]


def test_text_detected_clean_gets_no_warning_for_the_options_given() -> None:
    """Options meant for the kind a text might have (a batch's --channel) are no mistake on a
    text that turns out clean."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert textrepair.repair("Subject: hello", punct=True, channel="none").kind == "clean"


def test_a_config_that_is_no_config_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="DroppedConfig or an OcrConfig, not dict"):
        textrepair.repair("通过巡回指导推进工作。", kind="ocr", config={"a": 1})  # type: ignore[arg-type]


def test_restore_has_the_same_explicit_signature_as_repair() -> None:
    restore, repair = inspect.signature(textrepair.restore), inspect.signature(textrepair.repair)
    assert list(restore.parameters) == list(repair.parameters)
    assert all(
        p.kind is inspect.Parameter.KEYWORD_ONLY
        for n, p in restore.parameters.items()
        if n not in ("text", "kind", "model")
    )
    with pytest.raises(TypeError):
        textrepair.restore("文本", None, None, ["的"])  # type: ignore[misc]
