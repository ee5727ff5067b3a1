"""Collating a dropped copy and an OCR'd reprint: what each contributes, provenance, refusal.

The witnesses are made by the project's simulators from a training draft (so the shipped
model knows its wording), never from the national text.
"""

from __future__ import annotations

import json
import random
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textrepair
from textrepair import noise
from textrepair.cli import main
from textrepair.corpus import files_with_role, read_text
from textrepair.errors import InputError
from textrepair.normalize import HAN, han_only
from textrepair.usage import most_frequent_chars

DROP_SET = most_frequent_chars(60)


@pytest.fixture(scope="module")
def held_out_model(tmp_path_factory: pytest.TempPathFactory) -> textrepair.Model:
    """The drafts' model without the draft the witnesses are made of (as `textrepair train`
    makes it: ARPA, word counts, units)."""
    out = tmp_path_factory.mktemp("model") / "m.arpa"
    others = [str(p) for p in files_with_role("train")[1:]]
    assert main(["train", *others, "--order", "6", "-o", str(out)]) == 0
    return textrepair.load_model(out)


@pytest.fixture(scope="module")
def clean() -> str:
    lines = [ln for ln in read_text(files_with_role("train")[0]).splitlines() if han_only(ln)]
    return "\n".join(lines[:40])


def witnesses(clean: str, seed: int = 1, lose: float = 0.1) -> tuple[str, str]:
    dropped = "\n".join(noise.drop(line, DROP_SET) for line in clean.splitlines())
    ocr, _ = noise.ocr(clean, rate=0.03, rng=random.Random(seed), lose_lines=lose)
    return dropped, ocr


def quiet_collate(*args, **kwargs) -> textrepair.Collation:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return textrepair.collate(*args, **kwargs)


def kept_of(dropped: str) -> str:
    return "".join(c for c in dropped if HAN.fullmatch(c))


def test_the_collation_beats_each_witness_and_knows_every_source(
    clean: str, held_out_model: textrepair.Model
) -> None:
    from rapidfuzz.distance import Levenshtein

    dropped, ocr = witnesses(clean)
    result = quiet_collate([dropped, ocr], held_out_model, kinds=["dropped", "ocr"])
    truth = han_only(clean)

    def cer(text: str) -> float:
        return Levenshtein.distance(truth, han_only(text)) / len(truth)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alone = min(
            cer(textrepair.restore(dropped, "dropped", held_out_model, punct=True)),
            cer(textrepair.restore(ocr, "ocr", held_out_model)),
        )
    assert cer(result.text) < alone / 3
    assert len(result.sources) == len(result.text)
    for ch, src in zip(result.text, result.sources):
        if src.how == "kept":
            assert src.witness == 0 and dropped[src.offset] == ch
        elif src.how == "read":
            assert src.witness == 1 and 0 <= src.offset <= len(ocr)
    whys = {d.why for d in result.disagreements}
    assert "lost in the reprint: the dropped copy fills" in whys  # lines were lost
    assert "，" in result.text and "。" in result.text  # the reprint's punctuation


@pytest.mark.parametrize("crlf", [(True, True), (False, True), (True, False)])
def test_crlf_witnesses_collate_as_with_lf_and_keep_their_line_ends(
    clean: str, held_out_model: textrepair.Model, crlf: tuple[bool, bool]
) -> None:
    """Either witness with CRLF line ends: the collation of their LF forms, written with CRLF
    (no bare \r inside a line), every source's offset in the witness as given."""
    dropped, ocr = witnesses(clean)
    given = [w.replace("\n", "\r\n") if c else w for w, c in zip((dropped, ocr), crlf)]
    lf = quiet_collate([dropped, ocr], held_out_model, kinds=["dropped", "ocr"])
    result = quiet_collate(given, held_out_model, kinds=["dropped", "ocr"])
    assert result.text == lf.text.replace("\n", "\r\n")
    assert "\r" not in result.text.replace("\r\n", "")
    assert len(result.sources) == len(result.text)
    for ch, src in zip(result.text, result.sources):
        if src.how == "kept":
            assert given[0][src.offset] == ch
        if ch == "\r" and src.how in ("kept", "read") and crlf[src.witness]:
            assert given[src.witness][src.offset : src.offset + 2] == "\r\n"
    assert [d.why for d in result.disagreements] == [d.why for d in lf.disagreements]
    for d in result.disagreements:
        assert result.text[d.offset : d.offset + len(d.taken)] == d.taken


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000), lose=st.sampled_from([0.0, 0.1, 0.3]))
def test_kept_characters_of_the_dropped_copy_are_never_changed(
    clean: str, seed: int, lose: float
) -> None:
    dropped, ocr = witnesses(clean, seed, lose)
    result = quiet_collate([ocr, dropped])  # either order, kinds detected
    assert result.kinds == ["ocr", "dropped"]
    kept = [(ch, s.offset) for ch, s in zip(result.text, result.sources) if s.how == "kept"]
    assert "".join(ch for ch, _ in kept) == kept_of(dropped)
    assert [off for _, off in kept] == sorted(off for _, off in kept)


def test_a_glyph_error_outside_the_drop_set_is_corrected_by_the_dropped_copy(clean: str) -> None:
    dropped, _ = witnesses(clean)
    line = clean.splitlines()[3]
    k = next(i for i, c in enumerate(line) if i > 8 and HAN.fullmatch(c) and c not in DROP_SET)
    wrong = "龘" if line[k] != "龘" else "齉"  # no engine would be this wrong, none would fix it
    ocr = "\n".join(clean.splitlines()[:3] + [line[:k] + wrong + line[k + 1 :]])
    ocr += "\n" + "\n".join(clean.splitlines()[4:])
    result = quiet_collate([dropped, ocr], kinds=["dropped", "ocr"])
    assert wrong not in result.text
    assert han_only(line) in han_only(result.text)  # the line as it was


def test_witnesses_of_different_documents_are_refused(clean: str) -> None:
    other = "\n".join(
        ln for ln in read_text(files_with_role("train")[2]).splitlines()[:60] if han_only(ln)
    )
    dropped, _ = witnesses(clean)
    _, ocr = witnesses(other)
    with pytest.raises(InputError, match="not one document"):
        quiet_collate([dropped, ocr], kinds=["dropped", "ocr"])
    with pytest.raises(InputError, match="a dropped copy and an OCR"):
        quiet_collate([dropped, dropped], kinds=["dropped", "dropped"])
    with pytest.raises(InputError, match="two witnesses"):
        quiet_collate([dropped])


def test_the_command_writes_text_or_json_with_every_source(
    clean: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dropped, ocr = witnesses(clean)
    a, b = tmp_path / "mined.txt", tmp_path / "scan.txt"
    a.write_text(dropped, encoding="utf-8")
    b.write_text(ocr, encoding="utf-8")
    out = tmp_path / "doc.txt"
    assert main(["collate", str(a), str(b), "-o", str(out), "--explain"]) == 0
    err = capsys.readouterr().err
    assert "disagreements settled" in err and "lost in the reprint" in err
    assert main(["collate", str(a), str(b), "--format", "json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["text"] == out.read_text(encoding="utf-8")
    assert len(got["sources"]) == len(got["text"]) and got["kinds"] == ["dropped", "ocr"]
    assert main(["collate", str(a), str(b), "-o", str(a)]) == 1  # never its input
    assert a.read_text(encoding="utf-8") == dropped


def test_two_reprints_are_collated_each_filling_what_the_other_lost(
    clean: str, held_out_model: textrepair.Model
) -> None:
    from rapidfuzz.distance import Levenshtein

    first, _ = noise.ocr(clean, rate=0.03, rng=random.Random(1), lose_lines=0.1)
    second, _ = noise.ocr(clean, rate=0.03, rng=random.Random(2), lose_lines=0.1)
    result = quiet_collate([first, second], held_out_model)
    assert result.kinds == ["ocr", "ocr"]
    truth = han_only(clean)

    def cer(text: str) -> float:
        return Levenshtein.distance(truth, han_only(text)) / len(truth)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alone = min(cer(textrepair.restore(w, "ocr", held_out_model)) for w in (first, second))
    assert cer(result.text) < alone / 2
    assert {s.witness for s in result.sources} == {0, 1}  # each filled some of the other's losses
    assert len(result.sources) == len(result.text)
    other = "\n".join(
        ln for ln in read_text(files_with_role("train")[2]).splitlines()[:60] if han_only(ln)
    )
    stranger, _ = noise.ocr(other, rate=0.03, rng=random.Random(3))
    with pytest.raises(InputError, match="not one document"):
        quiet_collate([first, stranger], kinds=["ocr", "ocr"])


def test_a_worse_reprints_inventions_and_a_passage_it_read_elsewhere_are_left_out(
    clean: str, held_out_model: textrepair.Model
) -> None:
    """A reprint with many misreadings (its rate learnt from where the two disagree), a
    character it invented and a line it read at another place, collated with a clean one: the
    invention is out, the line is written once, where the clean reprint has it."""
    lines = clean.splitlines()
    assert len(lines) >= 30
    noisy, _ = noise.ocr("\n".join(lines), rate=0.05, rng=random.Random(4))
    worse = noisy.splitlines()
    moved = worse.pop(8)
    worse.insert(25, moved)  # a line read out of order
    k = len(worse[4]) // 2
    worse[4] = worse[4][:k] + "丁" + worse[4][k:]  # a character the engine invented
    result = quiet_collate(["\n".join(worse), clean], held_out_model, kinds=["ocr", "ocr"])
    truth, got = han_only(clean), han_only(result.text)
    assert got.count(han_only(lines[8])[:12]) == truth.count(han_only(lines[8])[:12]) == 1
    assert got.find(han_only(lines[8])[:12]) == truth.find(han_only(lines[8])[:12])
    assert got.count("丁") == truth.count("丁")
    whys = {d.why for d in result.disagreements}
    assert "a passage one reprint has elsewhere: once, where the likelier reprint has it" in whys
    from rapidfuzz.distance import Levenshtein

    assert Levenshtein.distance(truth, got) <= len(truth) // 200


def test_paragraphs_in_another_order_are_collated_without_duplicates(clean: str) -> None:
    """Before: a reprint with two blocks of paragraphs swapped came out with both blocks twice
    (the reprint's copy kept as its own content, the dropped copy's restored again)."""
    from rapidfuzz.distance import Levenshtein

    lines = clean.splitlines()
    dropped = "\n".join(noise.drop(line, DROP_SET) for line in lines)
    moved = lines[:5] + lines[12:20] + lines[5:12] + lines[20:]
    ocr, _ = noise.ocr("\n".join(moved), rate=0.03, rng=random.Random(1))
    result = quiet_collate([dropped, ocr], kinds=["dropped", "ocr"])
    truth = han_only(clean)
    assert abs(len(han_only(result.text)) - len(truth)) < 0.01 * len(truth)
    assert Levenshtein.distance(truth, han_only(result.text)) < 0.01 * len(truth)


def test_kinds_that_contradict_the_dropped_format_are_refused(clean: str) -> None:
    dropped, ocr = witnesses(clean)
    for kinds in (["ocr", "dropped"], ["ocr", "ocr"], ["dropped", "dropped"]):
        with pytest.raises(InputError, match="dropped format"):
            quiet_collate([dropped, ocr], kinds=kinds)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("天地玄黄宇宙洪荒", "", "天地玄黄宇宙洪荒"),
        ("", "天地玄黄宇宙洪荒", "天地玄黄宇宙洪荒"),
        ("，。", "天地玄黄", "天地玄黄"),
    ],
)
def test_a_reprint_with_no_han_characters_leaves_the_other_whole(
    first: str, second: str, expected: str
) -> None:
    result = quiet_collate([first, second], kinds=["ocr", "ocr"])
    assert han_only(result.text) == expected
    assert len(result.sources) == len(result.text)


def test_a_character_only_the_second_reprint_has_joins_the_word_before_the_mark() -> None:
    """Where the LM takes the second reprint's extra character, it goes after the Han character
    before it, not after the first reprint's punctuation."""
    from textrepair.collate import _collate_reprints, _Judge
    from textrepair.types import Repair

    class Longer:  # an LM that prefers the longer reading
        order = 3

        def score(self, rows, bos=True, eos=True):  # type: ignore[no-untyped-def]
            import numpy as np

            return np.array([float(len(r)) for r in rows])

    a, b = "天地玄，宇宙洪荒。", "天地玄黄，宇宙洪荒。"
    result = _collate_reprints((a, Repair(a, "ocr")), (b, Repair(b, "ocr")), _Judge(Longer()))
    assert result.text == "天地玄黄，宇宙洪荒。"
    end_a, end_b = "辰宿列。", "辰宿列张。"
    result = _collate_reprints(
        (end_a, Repair(end_a, "ocr")), (end_b, Repair(end_b, "ocr")), _Judge(Longer())
    )
    assert result.text == "辰宿列张。"
