"""The interpolated modified Kneser-Ney trainer (``textrepair.lm.train``).

(a) every conditional distribution sums to 1 under ARPA back-off semantics, for
    sampled contexts of every order (with ``<s>``, unseen, with unknown characters);
(b) discounts follow Chen & Goodman's formulas, on toy corpora checked by hand;
(c) adjusted (continuation) counts on a toy corpus, by hand;
(d) write_arpa -> read_arpa round trip, and kenlm.Model loads our ARPA and agrees;
(e) bad input: empty corpus, order < 1, truncated or malformed ARPA files.

The closeness to lmplz itself is measured by ``benchmarks/compare_lmplz.py``
(it needs lmplz built from source, so it is a benchmark and not a test).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from pathlib import Path

import kenlm
import pytest

from textrepair.corpus import files_with_role, units_from_files
from textrepair.errors import InputError, ModelError
from textrepair.lm import Model, State, estimate, read_arpa, write_arpa
from textrepair.lm.train import (
    BOS,
    EOS,
    FALLBACK_DISCOUNTS,
    UNK,
    NgramModel,
    adjust_counts,
    count_ngrams,
    discounts_from_counts_of_counts,
)

#: A character no model here is trained on (not Han, not in the drafts).
UNKNOWN_CHAR = "☃"
#: Toy corpus of (b) and (c): three units, sequences <s> a b </s>, <s> a b c </s>, <s> b a b </s>.
TOY = ["ab", "abc", "bab"]


# ---------------------------------------------------------------- helpers
def ref_logprob(model: NgramModel, context: tuple[str, ...], word: str) -> float:
    """log10 p(word | context) by the ARPA back-off rule, straight from the tables.

    Uses the longest suffix ``h`` of the context with ``h word`` present, plus the
    back-offs of the longer contexts that were tried (0 for absent contexts).
    Tokens outside the vocabulary are ``<unk>``.
    """
    vocab = model.ngrams[0]
    word = word if (word,) in vocab else UNK
    ctx = tuple(t if (t,) in vocab else UNK for t in context)
    ctx = ctx[max(0, len(ctx) - (model.order - 1)) :] if model.order > 1 else ()
    backoff = 0.0
    for k in range(len(ctx), -1, -1):
        h = ctx[len(ctx) - k :]
        entry = model.ngrams[len(h)].get(h + (word,))
        if entry is not None:
            return entry[0] + backoff
        if k > 0:
            backoff += model.ngrams[k - 1].get(h, (0.0, 0.0))[1]
    raise AssertionError(f"{word!r} has no unigram")  # <unk> always has one


def predicted_vocabulary(model: NgramModel) -> list[str]:
    """Every unigram except ``<s>`` (so ``</s>`` and ``<unk>`` included)."""
    return [w for w in model.vocabulary() if w != BOS]


def distribution_sum(model: NgramModel, context: tuple[str, ...]) -> float:
    return sum(10 ** ref_logprob(model, context, w) for w in predicted_vocabulary(model))


def sample_contexts(
    model: NgramModel, rng: random.Random, per_kind: int = 8
) -> list[tuple[str, ...]]:
    """Contexts of every length 0..order-1: seen (incl. ``<s>``-initial), unseen, with unknown
    characters."""
    chars = [w for w in model.vocabulary() if w not in (BOS, EOS, UNK)]
    contexts: list[tuple[str, ...]] = [()]
    for length in range(1, model.order):
        seen = sorted(model.ngrams[length - 1])
        for _ in range(per_kind):
            contexts.append(rng.choice(seen))  # present n-gram (some start with <s>)
            rand = tuple(rng.choice(chars) for _ in range(length))
            contexts.append(rand)  # mostly unseen
            contexts.append((BOS, *rand[1:]))  # sentence start
            pos = rng.randrange(length)
            contexts.append(rand[:pos] + (UNKNOWN_CHAR,) + rand[pos + 1 :])  # unknown character
    return contexts


@pytest.fixture(scope="module")
def draft_units() -> list[str]:
    return list(units_from_files(files_with_role("train")[:1]))


@pytest.fixture(scope="module")
def draft_model(draft_units: list[str]) -> NgramModel:
    return estimate(draft_units, 5)


# ---------------------------------------------------------------- (a) normalisation
@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_distributions_sum_to_one_on_a_draft(draft_units: list[str], order: int) -> None:
    model = estimate(draft_units, order)
    rng = random.Random(order)
    for ctx in sample_contexts(model, rng):
        assert distribution_sum(model, ctx) == pytest.approx(1.0, abs=1e-6), ctx


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_distributions_sum_to_one_on_toy_corpora(order: int) -> None:
    # tiny corpora: fallback discounts, D3+ = 3 (t4 = 0), contexts seen once
    for units in (TOY, ["甲"], ["甲乙甲丙甲乙丁", "乙甲丙丙"]):
        model = estimate(units, order)
        rng = random.Random(0)
        for ctx in sample_contexts(model, rng, per_kind=3):
            assert distribution_sum(model, ctx) == pytest.approx(1.0, abs=1e-6), (units, ctx)


def test_scorer_continuations_agree_and_sum_to_one(draft_model: NgramModel) -> None:
    """The numpy scorer's view of the same distributions (states with and without <s>)."""
    scorer = Model(ngram_model=draft_model)
    chars = [w for w in draft_model.vocabulary() if len(w) == 1]
    rng = random.Random(7)
    states = [State("", True), State("", False), State(UNKNOWN_CHAR, False)]
    states += [
        State("".join(rng.choice(chars) for _ in range(k)), bos)
        for k in (1, 2, 4)
        for bos in (True, False)
    ]
    for st in states:
        ctx = ((BOS,) if st.bos else ()) + tuple(st.context)
        words = chars + [UNKNOWN_CHAR]
        lp = scorer.score_continuations([st] * len(words), words)
        lp_eos = scorer.score_continuations([st], [""], eos=True)[0]
        total = sum(10**x for x in lp) + 10**lp_eos
        assert total == pytest.approx(1.0, abs=1e-6), st
        for w, x in zip(words[:50], lp[:50]):
            assert x == pytest.approx(ref_logprob(draft_model, ctx, w), abs=1e-6)


# ---------------------------------------------------------------- (b) discounts
def test_discount_formulas_by_hand_unigram_model() -> None:
    # order 1, one unit "aaaabbbccde": raw counts a:4 b:3 c:2 d:1 e:1 </s>:1
    # count-of-counts t1=3 (d e </s>), t2=1 (c), t3=1 (b), t4=1 (a)
    # Y = 3 / (3 + 2*1) = 0.6
    # D1  = 1 - 2*0.6*1/3 = 0.6
    # D2  = 2 - 3*0.6*1/1 = 0.2
    # D3+ = 3 - 4*0.6*1/1 = 0.6
    model = estimate(["aaaabbbccde"], 1)
    assert model.discounts[0] == pytest.approx((0.6, 0.2, 0.6))
    # total 12; gamma = (0.6*3 + 0.2*1 + 0.6*2)/12 = 3.2/12; |V| = 6 + <unk> = 7
    # p(a) = (4 - 0.6)/12 + (3.2/12)/7 = 0.2833333 + 0.0380952 = 0.3214286
    # p(c) = (2 - 0.2)/12 + 0.0380952 = 0.1880952 ; p(<unk>) = 0.0380952
    uni = model.ngrams[0]
    assert 10 ** uni[("a",)][0] == pytest.approx(0.3214286, abs=1e-6)
    assert 10 ** uni[("c",)][0] == pytest.approx(0.1880952, abs=1e-6)
    assert 10 ** uni[(UNK,)][0] == pytest.approx(0.0380952, abs=1e-6)


def test_discounts_and_probabilities_by_hand_bigram_model() -> None:
    # TOY at order 2. Top order = raw bigram counts:
    #   <s> a:2  a b:3  b </s>:2  b c:1  c </s>:1  <s> b:1  b a:1
    #   t1=4, t2=2, t3=1, t4=0 -> Y = 4/8 = 0.5
    #   D1 = 1 - 2*0.5*2/4 = 0.5 ; D2 = 2 - 3*0.5*1/2 = 1.25 ; D3+ = 3 - 4*0.5*0/1 = 3
    #   (t4 = 0 is allowed, as in lmplz: D3+ = 3 is within [0, 3])
    # Unigrams (adjusted): a:2 b:2 c:1 </s>:2 -> t1=1 t2=3 t3=0 -> fallback (0.5, 1, 1.5)
    model = estimate(TOY, 2)
    assert model.discounts[1] == pytest.approx((0.5, 1.25, 3.0))
    assert model.discounts[0] == FALLBACK_DISCOUNTS
    # unigrams: total 7, gamma = (0.5*1 + 1*3)/7 = 0.5, |V| = 5 -> uniform share 0.1
    #   p(a) = p(b) = p(</s>) = 1/7 + 0.1 = 0.2428571 ; p(c) = 0.5/7 + 0.1 = 0.1714286 ; p(<unk>) =
    # 0.1
    # context b: b </s>:2 b c:1 b a:1, total 4, gamma(b) = (0.5*2 + 1.25*1)/4 = 0.5625
    #   p(</s> | b) = (2 - 1.25)/4 + 0.5625*0.2428571 = 0.3241071
    #   p(c | b)    = (1 - 0.5)/4  + 0.5625*0.1714286 = 0.2214286
    # context a: a b:3 only, gamma(a) = 3*1/3 = 1 ; p(b | a) = (3 - 3)/3 + 1*0.2428571
    # context <s>: <s> a:2 <s> b:1, gamma = (0.5 + 1.25)/3 = 0.5833333
    #   p(a | <s>) = (2 - 1.25)/3 + 0.5833333*0.2428571 = 0.3916667
    expected = {
        ("a",): 0.2428571, ("c",): 0.1714286, (UNK,): 0.1, (EOS,): 0.2428571,
        ("b", EOS): 0.3241071, ("b", "c"): 0.2214286, ("a", "b"): 0.2428571, (BOS, "a"): 0.3916667,
    }  # fmt: skip
    for g, p in expected.items():
        assert 10 ** model.ngrams[len(g) - 1][g][0] == pytest.approx(p, abs=1e-6), g
    # context c: c </s>:1 only, gamma(c) = 0.5*1/1 = 0.5 ; </s> is no context: back-off 1
    backoffs = {("b",): 0.5625, ("a",): 1.0, (BOS,): 0.5833333, ("c",): 0.5, (EOS,): 1.0}
    for g, bo in backoffs.items():
        assert 10 ** model.ngrams[0][g][1] == pytest.approx(bo, abs=1e-6), g


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        # Y = 4/8; D1 = 1 - 2*.5*2/4 = .5; D2 = 2 - 3*.5*1/2 = 1.25; D3+ = 3 - 4*.5*0/1 = 3
        ({1: 4, 2: 2, 3: 1}, (0.5, 1.25, 3.0)),
        # Y = 10/16; D1 = 1 - 2*(5/8)*3/10 = 0.625; D2 = 2 - 3*(5/8)*2/3 = 0.75; D3+ = 3 -
        # 4*(5/8)*1/2 = 1.75
        ({1: 10, 2: 3, 3: 2, 4: 1, 7: 5}, (0.625, 0.75, 1.75)),
        ({1: 3, 2: 1, 4: 1}, FALLBACK_DISCOUNTS),  # t3 = 0: undefined
        ({2: 3, 3: 1, 4: 1}, FALLBACK_DISCOUNTS),  # t1 = 0
        # Y = 1/3; D2 = 2 - 3*(1/3)*10/1 = -8 < 0: out of range
        ({1: 1, 2: 1, 3: 10, 4: 1}, FALLBACK_DISCOUNTS),
    ],
)
def test_discounts_from_counts_of_counts(
    t: dict[int, int], expected: tuple[float, float, float]
) -> None:
    assert discounts_from_counts_of_counts(Counter(t)) == pytest.approx(expected)


# ---------------------------------------------------------------- (c) adjusted counts
def test_adjusted_counts_by_hand() -> None:
    # TOY at order 3: <s> a b </s> | <s> a b c </s> | <s> b a b </s>
    adjusted = adjust_counts(count_ngrams(TOY, 3))
    # trigrams keep raw counts
    assert adjusted[2] == {
        (BOS, "a", "b"): 2, ("a", "b", EOS): 2, ("a", "b", "c"): 1,
        ("b", "c", EOS): 1, (BOS, "b", "a"): 1, ("b", "a", "b"): 1,
    }  # fmt: skip
    # bigrams: <s>-initial keep raw counts (<s> a:2, <s> b:1); others count distinct
    # left extensions among the trigrams: a b <- {<s>, b} = 2; b </s> <- {a};
    # b c <- {a}; c </s> <- {b}; b a <- {<s>}
    assert adjusted[1] == {
        (BOS, "a"): 2, (BOS, "b"): 1, ("a", "b"): 2, ("b", EOS): 1,
        ("b", "c"): 1, ("c", EOS): 1, ("b", "a"): 1,
    }  # fmt: skip
    # unigrams: a <- {<s>, b} = 2; b <- {<s>, a} = 2; c <- {b} = 1; </s> <- {b, c} = 2; no <s>
    assert adjusted[0] == {("a",): 2, ("b",): 2, ("c",): 1, (EOS,): 2}


def test_raw_counts_include_sentence_markers() -> None:
    raw = count_ngrams(TOY, 2)
    assert raw[0] == {(BOS,): 3, ("a",): 3, ("b",): 4, ("c",): 1, (EOS,): 3}
    assert raw[1][("a", "b")] == 3


# ---------------------------------------------------------------- (d) ARPA
def test_arpa_round_trip(tmp_path: Path, draft_model: NgramModel) -> None:
    path = tmp_path / "m.arpa"
    write_arpa(draft_model, path)
    back = read_arpa(path)
    assert back.order == draft_model.order
    for mine, theirs in zip(draft_model.ngrams, back.ngrams):
        assert mine.keys() == theirs.keys()
        for g, (lp, bo) in mine.items():
            assert theirs[g][0] == pytest.approx(lp, abs=1e-5)
            assert theirs[g][1] == pytest.approx(bo, abs=1e-5)


def test_written_arpa_is_reproducible(tmp_path: Path, draft_units: list[str]) -> None:
    write_arpa(estimate(draft_units, 3), tmp_path / "a.arpa")
    write_arpa(estimate(list(draft_units), 3), tmp_path / "b.arpa")
    assert (tmp_path / "a.arpa").read_bytes() == (tmp_path / "b.arpa").read_bytes()


def test_kenlm_loads_our_arpa_and_agrees(
    tmp_path: Path, draft_units: list[str], draft_model: NgramModel
) -> None:
    path = tmp_path / "m.arpa"
    write_arpa(draft_model, path)
    km = kenlm.Model(str(path))
    assert km.order == draft_model.order
    texts = [u[i : i + 12] for u in draft_units[:20] for i in (0, 5)] + [
        UNKNOWN_CHAR + draft_units[0][:6]
    ]
    for text in texts:
        toks = (BOS, *text, EOS)
        ours = sum(
            ref_logprob(draft_model, toks[max(0, i - 4) : i], toks[i]) for i in range(1, len(toks))
        )
        assert km.score(" ".join(text), bos=True, eos=True) == pytest.approx(ours, abs=1e-4), text


# ---------------------------------------------------------------- (e) bad input
@pytest.mark.parametrize("units", [[], iter(()), ()])
def test_empty_corpus_is_an_input_error(units: object) -> None:
    with pytest.raises(InputError, match="empty"):
        estimate(units, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("order", [0, -1, 2.5, True])
def test_bad_order_is_an_input_error(order: object) -> None:
    with pytest.raises(InputError, match="order"):
        estimate(["ab"], order)  # type: ignore[arg-type]


@pytest.fixture()
def toy_arpa_text(tmp_path: Path) -> str:
    path = tmp_path / "toy.arpa"
    write_arpa(estimate(["甲乙丙", "乙丙"], 3), path)
    return path.read_text(encoding="utf-8")


def test_truncated_arpa_at_every_line_is_a_model_error(tmp_path: Path, toy_arpa_text: str) -> None:
    lines = toy_arpa_text.splitlines(keepends=True)
    path = tmp_path / "cut.arpa"
    for k in range(len(lines)):
        path.write_text("".join(lines[:k]), encoding="utf-8")
        with pytest.raises(ModelError) as err:
            read_arpa(path)
        assert str(err.value), k


def test_truncated_arpa_mid_byte_is_a_model_error(tmp_path: Path, toy_arpa_text: str) -> None:
    data = toy_arpa_text.encode("utf-8")
    path = tmp_path / "cut.arpa"
    for cut in range(1, len(data) - len("\\end\\\n"), 7):
        path.write_bytes(data[:cut])
        with pytest.raises(ModelError):
            read_arpa(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("\\data\\", "\\dada\\", "data"),
        ("ngram 1=", "ngram 1=x", "count"),
        ("\\2-grams:", "\\3-grams:", "2-grams"),
        ("\t乙 丙\t", "\t乙丙\t", "tokens"),
        ("\t甲\t", "\t甲\t0\t", "logprob"),
        ("\\end\\", "\\fin\\", "end"),
    ],
)
def test_malformed_arpa_is_a_model_error(
    tmp_path: Path, toy_arpa_text: str, old: str, new: str, message: str
) -> None:
    assert old in toy_arpa_text
    path = tmp_path / "bad.arpa"
    path.write_text(toy_arpa_text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ModelError, match=message):
        read_arpa(path)


def test_non_numeric_probability_is_a_model_error(tmp_path: Path, toy_arpa_text: str) -> None:
    lines = toy_arpa_text.splitlines(keepends=True)
    i = next(k for k, ln in enumerate(lines) if "\t甲 乙\t" in ln)
    lines[i] = "minus-one" + lines[i][lines[i].index("\t") :]
    path = tmp_path / "bad.arpa"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ModelError, match="not a number"):
        read_arpa(path)


@pytest.mark.parametrize(
    "content", [b"", b"\x00\x01\x02binary", b"\\data\\\nngram 1=1\n\n\\1-grams:\n-1\t\xff\xfe\n"]
)
def test_empty_binary_or_non_utf8_arpa_is_a_model_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.arpa"
    path.write_bytes(content)
    with pytest.raises(ModelError):
        read_arpa(path)


def test_missing_arpa_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        read_arpa(tmp_path / "nope.arpa")


def test_unk_is_required(tmp_path: Path, toy_arpa_text: str) -> None:
    text = toy_arpa_text.replace("\t<unk>\t", "\t<unx>\t")
    path = tmp_path / "nounk.arpa"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelError, match="unk"):
        read_arpa(path)


def test_log10_of_probabilities_never_positive(draft_model: NgramModel) -> None:
    assert all(lp <= 0.0 and bo <= 0.0 for table in draft_model.ngrams for lp, bo in table.values())
    assert not any(math.isnan(lp) for table in draft_model.ngrams for lp, _ in table.values())
