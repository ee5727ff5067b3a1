"""Edits shared by both restorers: every change is an :class:`~textrepair.types.Edit` on the
input."""

from __future__ import annotations

from collections.abc import Sequence

from .types import Edit


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply *edits* (offsets into *text*, non-overlapping) and return the new text.

    Raises ``ValueError`` when an edit's ``old`` is not at its offset or edits overlap.

    >>> apply_edits("甲己丙丁", [Edit(1, "己", "乙", 1.0, "glyph")])
    '甲乙丙丁'
    >>> apply_edits("ab", [Edit(2, "", "。", 1.0, "punctuation"), Edit(0, "a", "", 1.0, "layout")])
    'b。'
    """
    ordered = sorted(edits, key=lambda e: (e.offset, len(e.old) > 0), reverse=True)
    limit = len(text)
    for e in ordered:
        stop = e.offset + len(e.old)
        if stop > limit or text[e.offset : stop] != e.old:
            raise ValueError(f"edit does not match the text: {e}")
        text = text[: e.offset] + e.new + text[stop:]
        limit = e.offset
    return text


def origins(text: str, edits: Sequence[Edit]) -> list[tuple[int, bool]]:
    """For every character of ``apply_edits(text, edits)``: the offset in *text* it comes from,
    and whether an edit wrote it (then the offset is the edit's).

    >>> origins("甲己丙", [Edit(1, "己", "乙", 1.0, "glyph")])
    [(0, False), (1, True), (2, False)]
    """
    out: list[tuple[int, bool]] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.offset, len(e.old) > 0)):
        out.extend((i, False) for i in range(pos, e.offset))
        out.extend((e.offset, True) for _ in e.new)
        pos = e.offset + len(e.old)
    out.extend((i, False) for i in range(pos, len(text)))
    return out
