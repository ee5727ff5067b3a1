"""Punctuation restoration (textrepair.punct): the shipped model, the invariant, leave-one-out
quality."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textrepair.dropped import punct
from textrepair.lm import Model

ROOT = Path(__file__).resolve().parent.parent
TRAIN = [
    "corpora/draft_province_shishi_yijian.txt",
    "corpora/draft_jining_shishi_fangan.txt",
    "corpora/draft_guizhou_shishi_fangan.txt",
]

# Made-up text (not from any corpus): short clauses with every mark.
TOY = "春天来了，小草绿了，花儿红了。我们去公园、动物园和博物馆；大家都很高兴。"


def _strip(text: str) -> str:
    return "".join(c for c in text if c not in punct.MARKS)


def _toy_model() -> Model:
    return Model(ngram_model=punct.train_model([TOY] * 20, order=6))


def _toy_words() -> tuple[str, list[int]]:
    words = [
        "春天",
        "来",
        "了",
        "小草",
        "绿",
        "了",
        "花儿",
        "红",
        "了",
        "我们",
        "去",
        "公园",
        "动物园",
        "和",
        "博物馆",
        "大家",
        "都",
        "很",
        "高兴",
    ]
    return "".join(words), list(itertools.accumulate(map(len, words)))[:-1]


@pytest.fixture(scope="module")
def shipped() -> Model:
    return punct.load_punct_model()


# --------------------------------------------------------------------------- the shipped model
def test_make_model_rebuilds_the_committed_punct_model(tmp_path: Path) -> None:
    out = tmp_path / "punct.arpa"
    from textrepair.cli import main

    assert (
        main(["train", "--punct", *(str(ROOT / p) for p in TRAIN), "--order", "6", "-o", str(out)])
        == 0
    )
    assert out.read_bytes() == (ROOT / "models" / "punct.arpa").read_bytes()
    assert out.stat().st_size < 4_000_000


def test_makefile_model_target_builds_the_punct_model() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\nmodel:", 1)[1].split("\n\n", 1)[0]
    assert "-m textrepair train --punct $(TRAIN)" in target and "models/punct.arpa" in target


def test_load_punct_model_is_cached(shipped: Model) -> None:
    assert punct.load_punct_model() is shipped
    assert set(punct.MARKS) <= set(shipped.vocab)


# --------------------------------------------------------------------------- training text
def test_punct_text_maps_clause_marks_and_drops_the_rest() -> None:
    assert (
        punct.punct_text("（一）今天开会：讨论“问题”？是的！2025年,好;")
        == "一今天开会，讨论问题。是的。年，好；"
    )
    assert punct.punct_text("好。”（甲负责）") == "好。甲负责"  # strongest of a run; brackets go
    assert punct.punct_text("，。") == ""  # no leading mark
    assert punct.punct_units("一、总则\n第一段，完了。\n\n第二段。") == [
        "一、总则第一段，完了。第二段。"
    ]
    assert punct.punct_units("abc 123") == []


# --------------------------------------------------------------------------- decoding
def test_round_trip_on_made_up_text() -> None:
    han, bounds = _toy_words()
    out, marks = punct.punctuate(han, bounds, _toy_model())
    assert out == TOY
    assert len(marks) == len(bounds)


def test_marks_only_at_boundaries_and_han_unchanged(shipped: Model) -> None:
    han, bounds = _toy_words()
    out, marks = punct.punctuate(han, bounds, shipped)
    assert _strip(out) == han
    assert out.endswith("。")
    pos = 0
    for ch in out[:-1]:
        if ch in punct.MARKS:
            assert pos in bounds
        else:
            pos += 1
    assert [m for m in marks if m] == [c for c in out[:-1] if c in punct.MARKS]


def test_a_high_penalty_inserts_nothing_but_the_final_mark(shipped: Model) -> None:
    han, bounds = _toy_words()
    out, marks = punct.punctuate(han, bounds, shipped, penalty={m: 50.0 for m in punct.MARKS})
    assert out == han + "。" and not any(marks)


def test_edge_cases(shipped: Model) -> None:
    assert punct.punctuate("", [], shipped) == ("", [])
    assert punct.punctuate("", [0, 3], shipped) == ("", [])
    assert punct.punctuate("发展", [], shipped) == ("发展。", [])
    assert punct.punctuate("发展", [0, 2, 5, -1], shipped) == (
        "发展。",
        [],
    )  # out of range: ignored
    out, marks = punct.punctuate("发展改革", [2, 2], shipped)  # duplicates collapse
    assert _strip(out) == "发展改革" and len(marks) == 1
    assert punct.punctuate_restored("", []) == ""
    assert punct.punctuate_restored("  ", []) == "  "
    assert punct.punctuate_restored("发展", [], shipped) == "发展。"
    assert punct.punctuate_restored("发展", [], punct.PUNCT_MODEL).endswith("。")


def test_long_text_is_decoded_in_chunks_and_keeps_its_han(shipped: Model) -> None:
    han, bounds = _toy_words()
    n = 3 * punct.CHUNK // len(bounds) + 2
    long = han * n
    all_bounds = [k * len(han) + b for k in range(n) for b in [0, *bounds]]
    out, marks = punct.punctuate(long, all_bounds, shipped)
    assert _strip(out) == long
    assert len(marks) == len(all_bounds) - 1
    many = punct.punctuate_many([(long, all_bounds), ("", []), (han, bounds)], shipped)
    assert many[0] == (out, marks) and many[1] == ("", [])
    assert many[2] == punct.punctuate(han, bounds, shipped)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(
        alphabet=st.sampled_from("的医疗卫生服务体系建设发展中心县乡村一二三xA 9"), max_size=120
    ),
    data=st.data(),
)
def test_property_only_marks_are_added(shipped: Model, text: str, data: st.DataObject) -> None:
    bounds = data.draw(st.lists(st.integers(-3, len(text) + 3), max_size=60))
    out, marks = punct.punctuate(text, bounds, shipped)
    assert _strip(out) == _strip(text)
    inner = sorted({b for b in bounds if 0 < b < len(text)})
    assert len(marks) == len(inner)
    rebuilt = "".join(
        p + m
        for p, m in zip([text[a:b] for a, b in zip([0, *inner], [*inner, len(text)])], [*marks, ""])
    )
    assert out in (rebuilt, rebuilt + "。")


# --------------------------------------------------------------------------- integration helper
def test_word_ends_from_restorer_pieces() -> None:
    from textrepair.dropped.restorer import word_ends

    # fillers[0] forms[0] fillers[1] forms[1] fillers[2]
    assert word_ends(["", "的", ""], ["发展", "中心"]) == [2, 3]
    assert word_ends(["和", "", "是"], ["发展", "中心"]) == [1, 3, 5]
    assert word_ends([""], []) == []
    assert word_ends(["", ""], ["发展"]) == []


# --------------------------------------------------------------------------- quality
def _benchmark():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "punct_accuracy", ROOT / "benchmarks" / "punct_accuracy.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["punct_accuracy"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_leave_one_draft_out_quality() -> None:
    bench = _benchmark()
    folds = bench.fold_models([0, 1, 2])
    total = bench.evaluate(folds, punct.PENALTY)
    p, r, f = bench.prf(*total["exact"])
    any_p, _, any_f = bench.prf(*total["any"])
    # measured with the shipped penalties: exact P 0.824 / F1 0.569, any-mark P 0.972 / F1 0.671
    assert p >= 0.78 and f >= 0.54, (p, r, f)
    assert any_p >= 0.95 and any_f >= 0.64, (any_p, any_f)
    # and far above the baselines
    n, table = bench.train_stats(folds[0][2])
    han, ends, gold, _ = bench.truth(folds[0][3])
    assert bench.prf(*bench.counts(gold, bench.word_table(han, ends, table))["exact"])[2] < f


def test_word_ends_from_the_restorers_lattice() -> None:
    from textrepair import api, noise

    words = ["发展", "的", "医疗", "服务", "和", "体系", "建设"]
    line = noise.drop_words(words, {"的", "和"})
    (result,) = api.dropped_restorer(api.load_model(), ["的", "和"]).restore_lines([line])
    restored, ends = result.text, result.word_ends
    assert ends == sorted(set(ends)) and all(0 < e < len(restored) for e in ends)
    assert len(ends) >= 4  # after each of the five surviving words but the last (and any filler)
    out = punct.punctuate_restored(restored, ends)
    assert _strip(out) == restored and out.endswith("。")


def test_repair_with_punct_adds_only_marks_and_edits_stay_exact() -> None:
    from collections import Counter

    from textrepair import api, noise
    from textrepair.corpus import files_with_role, read_text
    from textrepair.edits import apply_edits
    from textrepair.normalize import han_only

    clean = read_text(files_with_role("train")[1])
    drop_set = [c for c, _ in Counter(han_only(clean)).most_common(30)]
    damaged = "\n".join(noise.drop(p, drop_set) for p in clean.split("\n")[5:25] if p.strip())
    plain = api.repair(damaged, "dropped", drop_set=drop_set)
    marked = api.repair(damaged, "dropped", drop_set=drop_set, punct=True)
    assert _strip(marked.text) == plain.text
    assert apply_edits(damaged, marked.edits) == marked.text
    assert any(e.reason == "punctuation" for e in marked.edits)
    assert all(line.endswith("。") for line in marked.text.split("\n") if line)
