"""Do no harm: clean text the project did not write passes through unchanged.

The corpus is Debian's own Chinese text files (``tests/data/clean/README.md`` lists
their packages and licences): simplified and traditional script, Japanese, vim
commands (``:q!``), mail headers, man-page references, tabs. Under ``auto`` every
file must come back exactly as it was; forced to ``--kind ocr`` the repairer must
leave alone what it does not model (traditional and Japanese text, ASCII, tabs).
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import regex

import textrepair
from textrepair.normalize import HAN
from textrepair.textio import read_text_file

CLEAN = Path(__file__).resolve().parent / "data" / "clean"
FILES = sorted(p for p in CLEAN.iterdir() if p.name != "README.md")
FOREIGN = [p for p in FILES if "zh_TW" in p.name or "zh_tw" in p.name or ".ja." in p.name]
SIMPLIFIED = [p for p in FILES if p not in FOREIGN]
ASCII_RUN = regex.compile(r"[!-~]+")


def ascii_tokens(text: str) -> list[str]:
    """The runs of printable ASCII in *text*, parentheses that enclose Chinese set aside."""
    return [
        t
        for t in (
            r.replace("(", "").replace(")", "")
            for r in ASCII_RUN.findall(regex.sub(r"\(([^()]*\p{Han}[^()]*)\)", r" \1 ", text))
        )
        if t
    ]


def read(p: Path) -> str:
    return read_text_file(p)[0]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_auto_leaves_clean_files_as_they_are(path: Path) -> None:
    text = read(path)
    assert textrepair.detect(text).kind == "clean"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = textrepair.repair(text)
    assert result.text == text and result.edits == []


def test_the_command_line_writes_them_back_byte_for_byte(tmp_path: Path) -> None:
    for path in (p for p in FILES if p.suffix != ".euc"):  # EUC comes out as UTF-8 by design
        r = subprocess.run(
            [sys.executable, "-m", "textrepair", "restore", str(path)],
            capture_output=True,
            timeout=120,
        )
        assert r.returncode == 0, r.stderr
        assert r.stdout == path.read_bytes(), path.name


@pytest.mark.parametrize("path", FOREIGN, ids=lambda p: p.name)
def test_forced_ocr_leaves_traditional_and_japanese_alone(path: Path) -> None:
    text = read(path)
    result = textrepair.repair(text, kind="ocr")
    assert result.edits == [] and result.text == text


@pytest.mark.slow
@pytest.mark.parametrize("path", SIMPLIFIED, ids=lambda p: p.name)
def test_forced_ocr_keeps_commands_tabs_and_every_character(path: Path) -> None:
    text = read(path)
    result = textrepair.repair(text, kind="ocr")
    # :q!, Subject:, journald.conf(5) stay; only parentheses around Chinese may become full width
    assert ascii_tokens(result.text) == ascii_tokens(text)
    assert result.text.count("\t") == text.count("\t")
    han_in, han_out = HAN.findall(text), HAN.findall(result.text)
    assert len(han_in) == len(han_out)
    # before: 至 -> 到 three times per tutor, where the page mostly writes 到 (the document model)
    assert [(a, b) for a, b in zip(han_in, han_out) if a != b] == []


#: clean texts whose shape looks like a newspaper column's or a column join's, written here
SHAPED = {
    "a list": "苹果\n香蕉\n牛奶\n面包\n鸡蛋\n",
    "a poem": "床前明月光\n疑是地上霜\n举头望明月\n低头思故乡\n",
    "a poem with its marks": (
        "静夜思\n李白\n\n床前明月光，\n疑是地上霜。\n举头望明月，\n低头思故乡。\n"
    ),
    "a list of equal items": (
        "第一条　总则部分内容\n第二条　适用范围说明\n第三条　基本原则规定\n第四条　组织机构设置\n"
    ),
    "segmented words": "近年来 我市 持续 推进 医疗卫生 服务体系 建设 ， 基层 医疗机构 的 服务 能力 "
    "明显 提升 。 今年 一季度 ， 全市 共 新建 社区卫生 服务中心 十二个 。\n" * 3,
    "keywords": (
        "关键词： 医疗 卫生 服务 体系 分级 诊疗 基层 医疗 机构\n"
        "标签  社区卫生   家庭医生   健康管理\n"
    ),
}


@pytest.mark.parametrize("text", SHAPED.values(), ids=SHAPED.keys())
def test_auto_leaves_lists_poems_and_spaced_words_alone(text: str) -> None:
    assert textrepair.detect(text).kind == "clean"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert textrepair.repair(text).text == text
