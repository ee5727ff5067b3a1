"""The long-match index against brute-force counting, and the scorer that mixes it in."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textrepair.lm import Model, estimate
from textrepair.lm.longmatch import (
    GapIndex,
    LongMatch,
    MatchIndex,
    read_units,
    units_path_for,
    write_units,
)
from textrepair.lm.scorer import BEGIN, CHAR, END, Forest, State

ALPHABET = "甲乙丙丁戊"


def brute(units: list[str], row: str, at: int, max_context: int) -> tuple[int, int, int]:
    """Longest context of row[:at] followed by something in a unit, its count, and how often
    row[at] followed it."""
    best = (0, 0, 0)
    for k in range(1, min(at, max_context) + 1):
        ctx = row[at - k : at]
        followers = [u[i + k] for u in units for i in range(len(u) - k) if u[i : i + k] == ctx]
        if not followers:
            break
        best = (k, len(followers), followers.count(row[at]))
    return best


@settings(max_examples=60, deadline=None)
@given(
    units=st.lists(st.text(ALPHABET, min_size=1, max_size=30), min_size=1, max_size=5),
    rows=st.lists(st.text(ALPHABET + "x", min_size=1, max_size=20), min_size=1, max_size=4),
    max_context=st.integers(1, 8),
    min_context=st.integers(1, 4),
)
def test_lookup_agrees_with_brute_force(units, rows, max_context, min_context):
    index = MatchIndex(units, max_context)
    starts = [len(r) // 2 for r in rows]
    k, ctx, full = index.lookup(rows, starts, min_context)
    expected = [
        found if found[0] >= min_context else (0, 0, 0)
        for r, s in zip(rows, starts)
        for i in range(s, len(r))
        for found in [brute(units, r, i, max_context)]
    ]
    assert list(zip(k.tolist(), ctx.tolist(), full.tolist())) == expected


@settings(max_examples=60, deadline=None)
@given(
    units=st.lists(st.text(ALPHABET, min_size=0, max_size=30), min_size=0, max_size=5),
    row=st.text(ALPHABET + "x", min_size=0, max_size=20),
    context=st.integers(1, 3),
)
def test_gap_index_agrees_with_brute_force(units, row, context):
    def between(i: int) -> str:
        if i < context or i + context >= len(row):
            return ""
        left, right = row[i - context : i], row[i + 1 : i + 1 + context]
        found = {
            u[j]
            for u in units
            for j in range(context, len(u) - context)
            if u[j - context : j] == left and u[j + 1 : j + 1 + context] == right
        }
        return "".join(sorted(found))

    got = GapIndex(units, context).middles(row)
    assert ["".join(sorted(m)) for m in got] == [between(i) for i in range(len(row))]


UNITS = ["加强组织领导健全工作机制", "完善保障措施健全工作体系", "加强队伍建设完善考核评价"]


@pytest.fixture(scope="module")
def base() -> Model:
    return Model(ngram_model=estimate(UNITS, 3))


def test_weight_zero_scores_as_the_base(base):
    lm = LongMatch(base, MatchIndex(UNITS, 10), 0.0, 3)
    texts = ["加强组织领导健全工作机制", "完善考核评价", "未见过的字"]
    np.testing.assert_allclose(lm.score(texts), base.score(texts))


def test_continuations_sum_to_the_whole_text(base):
    """score_continuations over a state that carries more than the base's context gives what
    scoring the whole text gives (the base sees its own window, the index the long one)."""
    lm = LongMatch(base, MatchIndex(UNITS, 10), 0.5, 3)
    text = "加强组织领导健全工作体系"
    for cut in range(1, len(text)):
        state = lm.begin_state().extend(text[:cut], lm.order)
        whole = lm.score_one(text, eos=False) - lm.score_one(text[:cut], eos=False)
        part = lm.score_continuations([state], [text[cut:]])[0]
        assert part == pytest.approx(whole, abs=1e-9)


def test_a_verbatim_passage_is_preferred_where_the_ngram_model_cannot_tell(base):
    """After 健全工作 the trigram model splits between 机制 and 体系; the passage before it says
    which one the training text continued with."""
    lm = LongMatch(base, MatchIndex(UNITS, 10), 0.5, 3)
    state = State("加强组织领导健全工作", False)
    good, bad = lm.score_continuations([state, state], ["机制", "体系"])
    b_good, b_bad = base.score_continuations([State("工作", False)] * 2, ["机制", "体系"])
    assert good - bad > b_good - b_bad + 0.2


def test_units_file_round_trip(tmp_path):
    path = units_path_for(tmp_path / "m.arpa")
    assert path.name == "m.units.txt"
    write_units(UNITS, path)
    assert read_units(path) == UNITS
    with pytest.raises(ValueError):
        write_units(["a\nb"], path)


def test_a_saved_gap_index_loads_and_answers_alike(tmp_path):
    units = ["甲乙丙丁戊己", "子甲乙午丁戊"]
    index = GapIndex(units, 2)
    index.save(tmp_path / "p.npz")
    loaded = GapIndex.load(tmp_path / "p.npz")
    row = "己甲乙未丁戊己"
    assert loaded.context == 2
    assert loaded.middles(row) == index.middles(row)
    assert sorted(loaded.middles(row)[3]) == ["丙", "午"]


def test_a_file_that_is_no_gap_index_is_a_model_error(tmp_path):
    from textrepair.errors import ModelError

    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not an npz")
    with pytest.raises(ModelError, match="bad.npz"):
        GapIndex.load(bad)
    np.savez(tmp_path / "other.npz", keys=np.zeros(2, np.uint64))
    with pytest.raises(ModelError, match="other.npz"):
        GapIndex.load(tmp_path / "other.npz")
    GapIndex(["甲乙丙丁戊己", "子甲乙午丁戊"], 2).save(tmp_path / "good.npz")
    with np.load(tmp_path / "good.npz") as z:
        parts = dict(z)
    for name, broken in [
        ("keys", parts["keys"][::-1]),  # unsorted: lookups would miss
        ("context", np.int64(0)),
        ("mids", parts["mids"] + 99),  # past the alphabet
    ]:
        np.savez(tmp_path / "broken.npz", **{**parts, name: broken})
        with pytest.raises(ModelError, match="broken.npz"):
            GapIndex.load(tmp_path / "broken.npz")


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_compiled_lookup_equals_the_numpy_lookup_on_any_forest(data: st.DataObject) -> None:
    units = data.draw(st.lists(st.text(ALPHABET, min_size=1, max_size=30), min_size=1, max_size=4))
    index = MatchIndex(units, data.draw(st.integers(1, 8)))
    n = data.draw(st.integers(0, 30))
    parent = [data.draw(st.integers(-1, i - 1)) for i in range(n)]
    mark = [data.draw(st.sampled_from([CHAR, CHAR, CHAR, BEGIN, END])) for _ in range(n)]
    text = [data.draw(st.sampled_from(ALPHABET + "x")) for _ in range(n)]
    forest = Forest(
        np.array([ord(c) for c in text], dtype=np.uint32),
        np.array(mark, dtype=np.int8),
        np.array(parent, dtype=np.int64),
        np.ones(n, dtype=bool),
    )
    at = np.array(sorted(set(data.draw(st.lists(st.integers(0, max(n - 1, 0)))))) if n else [])
    at = at.astype(np.int64)
    min_context = data.draw(st.integers(1, 9))
    compiled = index.lookup_nodes(forest, at, min_context)
    index.compiled = False
    reference = index.lookup_nodes(forest, at, min_context)
    for a, b in zip(compiled, reference):
        assert np.array_equal(a, b)


def test_compiled_lookup_equals_the_numpy_lookup_on_the_drafts() -> None:
    """Tables of tens of thousands of windows (where the compiled search guesses a key's place
    from its value before it bisects): every node of rows cut from the drafts, some with a
    character changed, looked up alike."""
    import random

    from textrepair.corpus import files_with_role, units_from_files

    units = list(units_from_files(files_with_role("train")))
    index = MatchIndex(units, 16)
    assert min(len(keys) for keys, _ in index._contexts[1:]) > 500
    rng = random.Random(7)
    rows = []
    for _ in range(300):
        u = rng.choice([u for u in units if len(u) > 12])
        a = rng.randrange(len(u) - 12)
        row = list(u[a : a + rng.randint(6, 40)])
        if rng.random() < 0.5:
            row[rng.randrange(len(row))] = rng.choice("的国家x")
        rows.append("".join(row))
    forest, _, _ = Forest.of_rows(rows, [False] * len(rows), False)
    at = np.arange(len(forest.cp), dtype=np.int64)
    compiled = index.lookup_nodes(forest, at, 1)
    assert compiled[0].max() >= 12  # long matches were found, not only misses
    index.compiled = False
    reference = index.lookup_nodes(forest, at, 1)
    for a, b in zip(compiled, reference):
        assert np.array_equal(a, b)
