"""The segmenter's cut as evidence for dropped text (textrepair.dropped.segmentation)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from textrepair import api, noise
from textrepair.dropped.config import DroppedConfig
from textrepair.dropped.segmentation import DictionaryCut, jieba_cut, summarise
from textrepair.lm.scorer import Model
from textrepair.normalize import han_only

GENERAL = Path(__file__).resolve().parent.parent / "corpora" / "real_ocr" / "general"


@pytest.fixture(scope="module")
def model() -> Model:
    return api.load_model()


#: a dictionary of made-up words: "bc" is frequent, "ab" less so, "abcd" rare
TOY = {"a": 50, "b": 50, "c": 2, "d": 2, "ab": 30, "bc": 300, "abcd": 1, "cd": 40}


def test_the_cut_takes_the_most_probable_path_of_dictionary_words() -> None:
    cut = DictionaryCut(TOY)
    assert cut.cut("abc") == ["a", "bc"]  # bc's frequency outweighs ab + c
    assert cut.cut("abcd") == ["ab", "cd"]  # two likely words beat one rare one
    assert cut.cut("xab") == ["x", "ab"]  # a character with no word stands alone
    assert cut.cut("") == []


def test_the_cut_is_jiebas_without_its_hmm() -> None:
    import jieba

    cut = jieba_cut()
    lines = [
        han_only(line)
        for p in sorted(GENERAL.glob("*.truth.txt"))
        for line in p.read_text(encoding="utf-8").splitlines()
        if han_only(line)
    ]
    differ = [line for line in lines if cut.cut(line) != jieba.lcut(line, HMM=False)]
    # the dictionary's total differs from jieba's by one repeated entry: a tie may fall otherwise
    assert len(lines) > 100 and len(differ) <= len(lines) // 1000, differ[:3]
    # over the words of a text's own characters, the same cut of that text from a smaller table
    text = "".join(lines[:200])
    mine = jieba_cut(set(text))
    assert len(mine.freq) < len(cut.freq) // 2
    assert mine.cut(text) == cut.cut(text)
    assert all(n <= cut.longest[c] for c, n in mine.longest.items())
    assert jieba_cut("").cut("一二") == ["一", "二"]


def test_the_cut_over_a_texts_characters_holds_exactly_the_words_made_of_them() -> None:
    """The words of jieba's dictionary made only of the given characters, with their
    frequencies, in the dictionary's order; the longest of each first character; words longer
    than the columns looked up at once (八 characters and more) included where all of theirs
    are given."""
    import random

    whole = jieba_cut()
    long_words = [w for w in whole.freq if len(w) > 8][:20]
    rng = random.Random(3)
    pool = sorted({c for w in whole.freq for c in w})
    for chars in [
        set(rng.sample(pool, 2500)),
        set(rng.sample(pool, 40)) | {"\U00020000", "a"},
        {c for w in long_words for c in w} | set(rng.sample(pool, 500)),
        {"的"},
    ]:
        mine = jieba_cut(chars)
        expected = {w: f for w, f in whole.freq.items() if set(w) <= chars}
        assert list(mine.freq.items()) == list(expected.items())
        assert mine.longest == summarise(expected)[1] and mine.log_total == whole.log_total
    assert set(long_words) <= set(jieba_cut({c for w in long_words for c in w}).freq)
    cut_short = next(w for w in long_words if w[8] not in w[:8])
    assert cut_short not in jieba_cut(set(cut_short[:8])).freq  # its ninth character not given


def test_a_restoration_cut_across_a_recorded_boundary_conflicts() -> None:
    cut = DictionaryCut(TOY)
    assert cut.conflicts(["a", "bc"]) == 0  # cut as recorded
    assert cut.conflicts(["ab", "c"]) == 2  # bc crosses the boundary, and ab is cut inside
    assert cut.conflicts(["ab", "c"], whole=[False, True]) == 1  # "ab" may be two words
    assert cut.conflicts(["a", "b", "c"]) == 1  # bc is one word of the cut
    assert cut.conflicts(["a", "", "bc"]) == 0  # an empty slot is no word
    assert cut.conflicts(["", "ab", "c"], whole=[True, False, True]) == 1  # whole[] stays aligned
    # a word longer than three characters may have been cut again into shorter ones
    long = DictionaryCut({"abcd": 10_000, "ab": 1, "cd": 1, "a": 1, "b": 1, "c": 1, "d": 1})
    assert long.cut("abcd") == ["abcd"] and long.conflicts(["ab", "cd"]) == 0


@pytest.mark.slow
def test_the_cut_lifts_general_text_restored(model: Model) -> None:
    """Newspaper text held out of every model, damaged with a drop set sampled from general usage's
    300 most frequent characters (measured on this text: F1 0.642 -> 0.658)."""
    from benchmarks.accuracy import insertion_scores
    from benchmarks.dropped_proxies import sampled_drop_set

    drop_set = sampled_drop_set("s0")
    damaged, truth, kept = _pairs(None)
    weight = api.drop_set_inference(damaged, model, confirm=False).domain_weight
    f1 = {}
    for w in (0.0, DroppedConfig().segment_weight):
        config = dataclasses.replace(DroppedConfig(), segment_weight=w)
        restored = api.dropped_restorer(model, drop_set, weight, config).restore_lines(
            damaged.split("\n")
        )
        for line, r in zip(damaged.split("\n"), restored):  # kept characters as they were
            assert [c for c in r.text if c in kept] == [c for c in line if c in kept]
        f1[w] = insertion_scores(truth, "".join(r.text for r in restored), kept)["F1"]
    assert f1[DroppedConfig().segment_weight] > f1[0.0] + 0.008, f1


def _pairs(segment: noise.Segmenter | None) -> tuple[str, str, set[str]]:
    from benchmarks.dropped_proxies import sampled_drop_set

    pairs = [
        noise.drop_with_truth(line, sampled_drop_set("s0"), segment=segment)
        for line in (GENERAL / "pd19000.truth.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    damaged, truth = "\n".join(d for d, _ in pairs), "".join(t for _, t in pairs)
    return damaged, truth, set(damaged) - {" ", "\n"}


def _disagreement(model: Model, damaged: str, config: DroppedConfig) -> float:
    from benchmarks.dropped_proxies import sampled_drop_set
    from textrepair.dropped.restorer import parse_line

    weight = api.drop_set_inference(damaged, model, confirm=False).domain_weight
    restorer = api.dropped_restorer(model, sampled_drop_set("s0"), weight, config)
    lattices = restorer.lattices([parse_line(line) for line in damaged.split("\n")])
    choices = restorer._decode(lattices)
    return restorer.segment_disagreement(lattices, choices, restorer.confidences(lattices, choices))


def _in_pairs(text: str) -> list[str]:
    """A segmenter that is not jieba's: every two characters of each Han run are a word."""
    import regex

    return [
        run[i : i + 2]
        for run in regex.findall(r"\p{Han}+|\P{Han}+", text)
        for i in range(0, len(run), 2)
    ]


@pytest.mark.slow
def test_a_document_cut_by_another_segmenter_is_restored_without_the_cut(model: Model) -> None:
    config = DroppedConfig()
    jieba_cut_text, _, _ = _pairs(None)
    other, _, _ = _pairs(_in_pairs)
    assert _disagreement(model, jieba_cut_text, config) < config.segment_max_disagreement
    assert _disagreement(model, other, config) > config.segment_max_disagreement
    from benchmarks.dropped_proxies import sampled_drop_set

    weight = api.drop_set_inference(other, model, confirm=False).domain_weight

    def restore(**changes: float) -> list[str]:
        restorer = api.dropped_restorer(
            model, sampled_drop_set("s0"), weight, dataclasses.replace(config, **changes)
        )
        return [r.text for r in restorer.restore_lines(other.split("\n"))]

    without = restore(segment_weight=0.0)
    assert restore() == without
    assert restore(segment_max_disagreement=1.0) != without  # the cut, trusted, would move it
