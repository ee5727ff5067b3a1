"""The document's own repeated n-grams in the glyph decision (a cache model).

:func:`document_model` keeps what a text repeats, two counts less each (one with ``discount=1``);
:class:`Cached` mixes it into a scorer only where it found a long enough
n-gram; the corrector uses both per document. Tiny hand-made models throughout.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from textrepair.lm import Model, estimate
from textrepair.lm.scorer import Cached
from textrepair.lm.train import EOS, UNK, count_ngrams, estimate_from_counts
from textrepair.ocr.config import OcrConfig
from textrepair.ocr.confusion import ConfusionTable
from textrepair.ocr.repair import GlyphCorrector, document_model, page_ngrams
from textrepair.search import Option

_CFG = OcrConfig()


def matched_orders(model: Model, text: str) -> list[int]:
    return [order for _, order, _ in model.full_scores(text, bos=False, eos=False)]


def test_document_model_keeps_repeated_ngrams_with_one_count_less() -> None:
    doc = document_model(["甲乙丙甲乙丙甲乙丁"], 3, discount=1)
    assert doc is not None and doc.order == 3
    # 甲乙 thrice, 乙丙 and 丙甲 twice, 甲乙丙 twice: all kept; 乙丁 once, 丁 once: gone
    assert set(doc.bigrams) == {"甲乙", "乙丙", "丙甲"}
    assert "丁" not in doc and "甲" in doc
    assert matched_orders(doc, "甲乙丙") == [1, 2, 3]
    assert matched_orders(doc, "甲乙丁") == [1, 2, 1]  # 丁 is <unk> to it


@pytest.mark.parametrize("discount", [1, 2])
def test_document_model_counts_are_the_texts_less_the_discount(discount: int) -> None:
    units = ["甲乙丙甲乙丙甲乙丁"]
    raw = count_ngrams(units, 3)
    loo = [Counter({g: c - discount for g, c in counts.items() if c > discount}) for counts in raw]
    expected = Model(ngram_model=estimate_from_counts(loo, kneser_ney=False))
    doc = document_model(units, 3, discount=discount)
    assert doc is not None
    for text in ["甲乙丙", "丙甲乙", "乙丙丁", "甲甲"]:
        assert doc.score_one(text, bos=False, eos=False) == pytest.approx(
            expected.score_one(text, bos=False, eos=False)
        )


@pytest.mark.parametrize("units", [[], [""], ["甲乙丙丁"], ["甲乙", "丙丁"]])
def test_nothing_repeated_gives_no_document_model(units: list[str]) -> None:
    assert document_model(units, 3) is None


def test_by_default_what_the_page_reads_only_twice_adds_nothing() -> None:
    twice = ["甲乙丙甲乙丙"]
    assert _CFG.cache_discount == 2
    assert document_model(twice, 3) is None  # one other copy is no evidence
    assert document_model(twice, 3, discount=1) is not None
    doc = document_model(["甲乙丙甲乙丙甲乙丁"], 3)
    assert doc is not None and set(doc.bigrams) == {"甲乙"}  # 甲乙 thrice: kept, less two


def test_raw_count_estimate_is_normalised_and_ranks_by_frequency() -> None:
    # 乙 follows only 甲 but is the most frequent: Kneser-Ney ranks it below 丙 (two left contexts),
    # raw counts above
    units = ["甲乙甲乙甲乙", "丙丁", "戊丙"]
    raw_model = Model(ngram_model=estimate_from_counts(count_ngrams(units, 2), kneser_ney=False))
    kn_model = Model(ngram_model=estimate(units, 2))
    uni = {
        m: {ch: m.score_one(ch, bos=False, eos=False) for ch in "乙丙"}
        for m in (raw_model, kn_model)
    }
    assert uni[raw_model]["乙"] > uni[raw_model]["丙"]
    assert uni[kn_model]["乙"] < uni[kn_model]["丙"]
    vocab = [w for w in raw_model.vocab if w != "<s>"]
    for state in [
        raw_model.null_state(),
        raw_model.begin_state(),
        raw_model.null_state().extend("甲", 2),
    ]:
        probs = [
            10
            ** float(
                raw_model.score_continuations(
                    [state], ["" if w == EOS else "龘" if w == UNK else w], eos=w == EOS
                )[0]
            )
            for w in vocab
        ]
        assert math.fsum(probs) == pytest.approx(1.0)


BASE = Model(ngram_model=estimate(["甲乙丙丁", "乙丙戊"], 3))
CACHE = Model(ngram_model=estimate(["甲乙丙甲乙丙"], 3))


@pytest.mark.parametrize("min_order", [1, 2, 3])
def test_cached_mixes_only_where_the_cache_found_a_long_enough_ngram(min_order: int) -> None:
    w = 0.3
    scorer = Cached(BASE, CACHE, w, min_order=min_order)
    for text in ["甲乙丙丁", "乙丙甲戊", "丁戊"]:
        base = [s for s, _, _ in BASE.full_scores(text, bos=False, eos=False)]
        cache = CACHE.full_scores(text, bos=False, eos=False)
        expected = [
            math.log10((1 - w) * 10**b + w * 10**c) if order >= min_order else b
            for b, (c, order, _) in zip(base, cache)
        ]
        assert scorer.score_one(text, bos=False, eos=False) == pytest.approx(math.fsum(expected))


def test_cached_with_weight_zero_is_the_base_and_bad_weights_are_refused() -> None:
    texts = ["甲乙丙丁", "戊"]
    assert np.allclose(Cached(BASE, CACHE, 0.0).score(texts), BASE.score(texts))
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="cache weight"):
            Cached(BASE, CACHE, bad)


# --------------------------------------------------------------------------- in the corrector

# a few hundred characters, so that none of them is likely by itself
DOMAIN = Model(
    ngram_model=estimate(
        ["".join(chr(0x4E00 + i) for i in range(300)), "林木森", "天地人", "木林"], 3
    )
)
TABLE = ConfusionTable([("木", "林", 0.8, "whole")])
# the phrase with 林 four times, once misread as 木; the domain model never saw it
DOCUMENT = "天乙林地。天乙林地。天乙林地。\n\n天乙木地。天乙林地。"


def test_a_phrase_the_document_repeats_corrects_its_misreading() -> None:
    without = GlyphCorrector(DOMAIN, TABLE, config=OcrConfig(tables_cache_weight=0.0)).correct(
        DOCUMENT
    )
    assert without == []
    edits = GlyphCorrector(DOMAIN, TABLE, config=OcrConfig(tables_cache_weight=0.3)).correct(
        DOCUMENT
    )
    assert [(e.offset, e.old, e.new) for e in edits] == [(DOCUMENT.index("木"), "木", "林")]


def test_a_misreading_the_page_has_twice_is_not_its_own_support() -> None:
    # 林 five times, misread as 木 in two places: with one count off, each 木 sees the other as a
    # repeat
    # (two different paragraphs: identical copies of one paragraph count once)
    text = "天乙林地。天乙林地。天乙林地。\n\n天乙木地。天乙林地。\n\n天乙林地。天乙木地。"
    misread = [i for i, ch in enumerate(text) if ch == "木"]
    fixed = GlyphCorrector(
        DOMAIN, TABLE, config=OcrConfig(tables_cache_weight=0.3, repeat_weight=0.0)
    ).correct(text)
    assert [(e.offset, e.new) for e in fixed] == [(i, "林") for i in misread]
    held_up = GlyphCorrector(
        DOMAIN,
        TABLE,
        config=OcrConfig(tables_cache_weight=0.3, repeat_weight=0.0, cache_discount=1),
    ).correct(text)
    assert held_up == []


def test_the_cache_protects_no_reading_the_document_has_once() -> None:
    # each 乙X地 once: nothing repeats around 木, so the cache changes nothing there
    text = "天乙木地。天乙林森。"
    assert GlyphCorrector(DOMAIN, TABLE, config=OcrConfig(tables_cache_weight=0.3)).correct(
        text
    ) == GlyphCorrector(DOMAIN, TABLE, config=OcrConfig(tables_cache_weight=0.0)).correct(text)


# --------------------------------------------------------------------------- the page's trigram
# counts


def test_page_ngrams_count_every_order_as_count_ngrams_does() -> None:
    units = ["甲乙丙甲乙", "", "乙丙"]
    counts = page_ngrams(units, 3)
    raw = count_ngrams([u for u in units if u], 3)
    for strings, tuples in zip(counts, raw):
        as_tuples = Counter(
            {
                tuple("<s>" if c == "\x02" else "</s>" if c == "\x03" else c for c in g): n
                for g, n in strings.items()
            }
        )
        assert as_tuples == tuples
    assert counts[2]["甲乙丙"] == 1 and counts[1]["乙丙"] == 2


def test_a_replacement_gains_what_the_rest_of_the_page_says_of_it() -> None:
    c = GlyphCorrector(DOMAIN, TABLE, config=OcrConfig(repeat_weight=0.5))
    han = "天乙木地"
    trigrams = Counter({"天乙林": 3, "乙林地": 1, "天乙木": 1, "乙木地": 1, "林地天": 9})
    slots = [[Option(ch)] for ch in han]
    slots[2] = [Option("木", 0.0), Option("林", -4.0), Option("森", -5.0)]
    weighed = c._weigh_repeats(han, slots, trigrams)
    assert weighed[2][0] == Option("木", 0.0)  # keeping is never reweighed
    # 林: its best trigram here is 天乙林 (3); 木's own trigrams are seen once,
    # its own occurrence: 0
    assert weighed[2][1].cost == pytest.approx(-4.0 + 0.5 * math.log10(1 + 3))
    assert weighed[2][2].cost == pytest.approx(-5.0)  # 森 is nowhere on the page
    assert [s for i, s in enumerate(weighed) if i != 2] == [
        s for i, s in enumerate(slots) if i != 2
    ]
    # a reading the page has elsewhere too makes its replacements dearer
    again = Counter(trigrams) + Counter({"天乙木": 2})
    assert c._weigh_repeats(han, slots, again)[2][1].cost == pytest.approx(
        -4.0 + 0.5 * (math.log10(4) - math.log10(3))
    )


def test_page_repeats_are_wired_into_the_decision() -> None:
    # the phrase with 林 once elsewhere, too little for the document model (which needs three)
    # (a cheap channel, so that 林 passes the screen the page's counts are weighed after)
    text = "天乙林地。\n\n天乙木地。"
    assert (
        GlyphCorrector(
            DOMAIN,
            TABLE,
            config=OcrConfig(tables_cache_weight=0.0, repeat_weight=0.0, log_error_rate=-2.0),
        ).correct(text)
        == []
    )
    edits = GlyphCorrector(
        DOMAIN,
        TABLE,
        config=OcrConfig(tables_cache_weight=0.0, repeat_weight=20.0, log_error_rate=-2.0),
    ).correct(text)
    assert [(e.offset, e.old, e.new) for e in edits] == [(text.index("木"), "木", "林")]
