"""The glyph space (glyphs.npz) and look-alike candidates of rare glyphs in context.

Hand-made glyph spaces below set the similarities directly (unit vectors at chosen
angles); the model is a tiny character model trained on a few repeated phrases, as
in ``test_ocr_siblings.py``. Only the tests of the shipped space read
``models/glyphs.npz``, and they check it against ``models/confusion.tsv``, which the
same build computed from the same rendered features.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import numpy as np
import pytest

from textrepair.errors import ModelError
from textrepair.lm import Model, estimate
from textrepair.ocr.config import OcrConfig
from textrepair.ocr.confusion import (
    ConfusionTable,
    GlyphSpace,
    load_confusions,
    load_glyph_space,
    read_glyph_space,
)
from textrepair.ocr.repair import GlyphCorrector

_CFG = OcrConfig()


def space_of(sims: dict[str, float], observed: str = "龘") -> GlyphSpace:
    """A space in which *observed* has exactly the given similarity to each key."""
    chars = [observed, *sims]
    vectors = np.zeros((len(chars), len(chars) + 1), dtype=np.float32)
    vectors[0, 0] = 1.0
    for i, s in enumerate(sims.values(), 1):  # each on its own axis besides the shared first one
        vectors[i, 0] = s
        vectors[i, i] = math.sqrt(1.0 - s * s)
    return GlyphSpace(chars, vectors)


# --------------------------------------------------------------------------- GlyphSpace


def test_similarities_are_dot_products_and_unknown_chars_score_zero() -> None:
    space = space_of({"林": 0.9, "和": 0.3, "知": -0.2})
    assert len(space) == 4 and "林" in space and "森" not in space
    assert space.similarities("龘", ["林", "和", "知"]) == pytest.approx([0.9, 0.3, -0.2], abs=1e-6)
    assert space.similarities("龘", ["森", "林", "森"]) == pytest.approx([0.0, 0.9, 0.0], abs=1e-6)
    assert space.similarities("龘", []) == []
    assert space.similarities("森", ["林", "和"]) == [0.0, 0.0]  # observed glyph unknown
    assert space.similarities("林", ["林"]) == pytest.approx([1.0], abs=1e-6)


def test_similarities_of_strings_that_are_not_single_characters() -> None:
    """An empty string beside a two-character one has as many characters as strings: each is
    still looked up whole, never as the characters of the two joined."""
    space = GlyphSpace(["a", "b", "ab"], np.eye(3, dtype=np.float32))
    assert space.similarities("a", ["", "ab"]) == [0.0, 0.0]
    assert space.similarities("ab", ["", "ab", "a"]) == pytest.approx([0.0, 1.0, 0.0])


def test_a_space_whose_shapes_disagree_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="3 chars but vectors of shape"):
        GlyphSpace(list("abc"), np.zeros((2, 4), dtype=np.float32))
    with pytest.raises(ModelError, match="vectors of shape"):
        GlyphSpace(list("ab"), np.zeros(2, dtype=np.float32))


def test_read_glyph_space_round_trip_and_errors(tmp_path) -> None:
    good = tmp_path / "glyphs.npz"
    np.savez_compressed(good, chars=np.array(list("林和")), vectors=np.eye(2, dtype=np.float16))
    space = read_glyph_space(good)
    assert space.similarities("林", ["和", "林"]) == [0.0, 1.0]
    with pytest.raises(ModelError, match=r"not found \(build it with `make confusion`\)"):
        read_glyph_space(tmp_path / "nowhere.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"\x00\x01 not a zip archive")
    with pytest.raises(ModelError, match="^cannot read glyph space"):
        read_glyph_space(junk)
    missing = tmp_path / "missing.npz"
    np.savez_compressed(missing, chars=np.array(list("林和")))
    with pytest.raises(ModelError, match="^cannot read glyph space"):
        read_glyph_space(missing)
    text = tmp_path / "text.npz"
    np.savez_compressed(
        text, chars=np.array(list("林和")), vectors=np.array([["x", "y"], ["z", "w"]])
    )
    with pytest.raises(ModelError, match="vectors must be floating point"):
        read_glyph_space(text)
    long = tmp_path / "long.npz"
    np.savez_compressed(long, chars=np.array(["林", "和平"]), vectors=np.eye(2, dtype=np.float16))
    with pytest.raises(ModelError, match="single characters"):
        read_glyph_space(long)
    numbers = tmp_path / "numbers.npz"
    np.savez_compressed(numbers, chars=np.arange(2), vectors=np.eye(2, dtype=np.float16))
    with pytest.raises(ModelError, match="single characters"):
        read_glyph_space(numbers)


def test_the_shipped_space_agrees_with_the_shipped_look_alike_table() -> None:
    space = load_glyph_space()
    assert load_glyph_space() is space  # cached
    assert len(space) > 20000
    rows = [
        (o, t, sim)
        for o in random.Random(7).sample(_observed_sample(), 400)
        for t, sim, kind in load_confusions().candidates(o)
        if kind == "whole"
    ]
    assert len(rows) > 1000
    table = np.array([sim for _, _, sim in rows])
    ours = np.array([space.similarities(o, [t])[0] for o, t, _ in rows])
    # the space keeps 64 principal axes of the features the table ranked by
    assert np.corrcoef(table, ours)[0, 1] > 0.8
    assert np.mean(np.abs(table - ours)) < 0.1


def _observed_sample() -> list[str]:
    """The characters of the unified block the look-alike table has candidates for."""
    table = load_confusions()
    return [chr(c) for c in range(0x4E00, 0xA000) if chr(c) in table]


# --------------------------------------------------------------------------- lookalike_options

PHRASES = [
    "我们在树林里散步",  # 林 after 树, before 里
    "他和我们一起唱歌",  # 和 after 他, before 我
    "我知道这件事情",  # 知 after 我, before 道
    "杏花开满山坡",  # 杏 before 花
]
TRAIN = [p for _ in range(6) for p in PHRASES]
ORDER = 4
SIMS = {"林": 0.7, "和": 0.4, "知": 0.05, "杏": 0.9}  # as seen from the rare glyph 龘


@pytest.fixture(scope="module")
def model() -> Model:
    return Model(ngram_model=estimate(TRAIN, ORDER))


@pytest.fixture(scope="module")
def corrector(model: Model) -> GlyphCorrector:
    return GlyphCorrector(
        model, ConfusionTable([("夭", "天", 0.8, "whole")]), glyphs=space_of(SIMS)
    )


def lookalikes(corrector: GlyphCorrector, observed: str, left: str, right: str) -> dict[str, float]:
    return {o.text: o.cost for o in corrector.lookalike_options(observed, left, right)}


def cost_at(sim: float) -> float:
    return _CFG.log_error_rate + _CFG.lookalike_similarity_weight * math.log10(
        sim
    )  # as channel_cost(sim, "lookalike")


def test_characters_seen_in_context_and_similar_enough(
    corrector: GlyphCorrector, model: Model
) -> None:
    assert "龘" not in model and corrector.keep_cost("龘") < 0.0
    assert lookalikes(corrector, "龘", "树", "里") == pytest.approx({"林": cost_at(0.7)})
    assert lookalikes(corrector, "龘", "他", "我") == pytest.approx({"和": cost_at(0.4)})
    assert lookalikes(corrector, "龘", "", "花") == pytest.approx({"杏": cost_at(0.9)})
    assert lookalikes(corrector, "龘", "树", "我") == pytest.approx(
        {"林": cost_at(0.7), "和": cost_at(0.4)}
    )
    # 知 is seen after 我 but too unlike the glyph; 们 (also after 我) is not in the space
    assert 0.05 < _CFG.lookalike_min_similarity
    assert lookalikes(corrector, "龘", "我", "道") == {}
    assert lookalikes(corrector, "龘", "", "") == {}
    assert lookalikes(corrector, "龘", "山", "坡") == {}


def test_the_look_alike_channel_is_steeper_than_the_table_channel(
    corrector: GlyphCorrector,
) -> None:
    assert _CFG.lookalike_similarity_weight > corrector.config.similarity_weight
    assert cost_at(0.7) < corrector.channel_cost(0.7, "whole") < 0.0
    assert corrector.channel_cost(0.7, "lookalike") == pytest.approx(cost_at(0.7))


def test_a_common_glyph_the_model_never_saw_gets_only_close_look_alikes(model: Model) -> None:
    # 的 is common in general usage but not in the training phrases
    space = space_of({"和": 0.6, "林": 0.45, "知": 0.9}, observed="的")
    plain = GlyphCorrector(model, ConfusionTable([("夭", "天", 0.8, "whole")]), glyphs=space)
    assert "的" not in model and plain.keep_cost("的") == 0.0
    assert _CFG.lookalike_min_similarity < 0.45 < _CFG.unseen_lookalike_min_similarity < 0.6
    assert lookalikes(plain, "的", "他", "我") == pytest.approx({"和": cost_at(0.6)})
    assert lookalikes(plain, "的", "树", "里") == {}  # 林 is too unlike for a common glyph ...
    strict = GlyphCorrector(
        model,
        ConfusionTable([("夭", "天", 0.8, "whole")]),
        glyphs=space,
        config=OcrConfig(rare_rank=10),
    )
    assert strict.keep_cost("的") < 0.0
    assert lookalikes(strict, "的", "树", "里") == pytest.approx(
        {"林": cost_at(0.45)}
    )  # ... not for a rare one
    assert lookalikes(plain, "的", "我", "道") == pytest.approx({"知": cost_at(0.9)})


def test_a_glyph_the_model_knows_gets_no_look_alikes(model: Model) -> None:
    known = space_of({"和": 0.9, "知": 0.9}, observed="林")
    corrector = GlyphCorrector(model, ConfusionTable([("夭", "天", 0.8, "whole")]), glyphs=known)
    assert "林" in model
    assert corrector.lookalike_options("林", "他", "我") == []
    assert corrector.lookalike_options("林", "我", "道") == []


def test_no_look_alikes_without_a_space_or_for_a_glyph_it_lacks(
    model: Model, corrector: GlyphCorrector
) -> None:
    bare = GlyphCorrector(model, ConfusionTable([("夭", "天", 0.8, "whole")]))
    assert bare.glyphs is None and bare.lookalike_options("龘", "树", "里") == []
    assert corrector.keep_cost("䎬") < 0.0 and "䎬" not in corrector.glyphs
    assert corrector.lookalike_options("䎬", "树", "里") == []


# --------------------------------------------------------------------------- end to end


@pytest.mark.parametrize(
    ("clean", "damaged"),
    [("我们在树林里散步。", "我们在树龘里散步。"), ("他和我们一起唱歌。", "他龘我们一起唱歌。")],
)
def test_a_rare_glyph_is_corrected_to_its_look_alike_in_context(
    corrector: GlyphCorrector,
    clean: str,
    damaged: str,
    assert_one_glyph_fix: Callable[[GlyphCorrector, str, str], None],
) -> None:
    assert_one_glyph_fix(corrector, clean, damaged)


def test_without_the_space_the_rare_glyph_is_left_alone(model: Model) -> None:
    bare = GlyphCorrector(model, ConfusionTable([("夭", "天", 0.8, "whole")]))
    assert bare.correct("我们在树龘里散步。") == []


@pytest.mark.parametrize("clean", [p + "。" for p in PHRASES])
def test_clean_text_gets_no_edit(corrector: GlyphCorrector, clean: str) -> None:
    assert corrector.correct(clean) == []


def test_the_look_alike_cache_stays_bounded(model: Model) -> None:
    pairs = 4  # (glyph, look-alike) pairs kept: each rare glyph below has one look-alike
    rare = [chr(0x9F98 - i) for i in range(pairs + 5)]  # rare glyphs the model never saw
    vectors = np.eye(len(rare) + 1, dtype=np.float32)
    vectors[1:, 0] = 0.6  # every rare glyph is a little like 林
    vectors[1:, 1:] *= 0.8
    corrector = GlyphCorrector(
        model,
        ConfusionTable([("夭", "天", 0.8, "whole")]),
        glyphs=GlyphSpace(["林", *rare], vectors),
        config=OcrConfig(lookalike_cache=pairs),
    )
    held = []
    for ch in rare:
        assert "林" in lookalikes(corrector, ch, "树", "里")
        held.append(sum(len(costs) for costs, _ in corrector._lookalikes.values()))
        assert held[-1] <= pairs
    assert max(held) == pairs  # kept until full, then emptied
