"""Readable renderings of a :class:`~textrepair.types.Repair`'s edits."""

from __future__ import annotations

from collections import Counter

from .types import Repair

_CONTEXT = 6


def format_edits(source: str, result: Repair, *, layout: bool = False) -> str:
    """One line per edit: ``offset  …left[old→new]right…  reason confidence``.

    Plain layout edits (spaces and line joins) are only counted unless *layout*.
    """
    lines = []
    for e in result.edits:
        if e.reason == "layout" and not layout:
            continue
        left = source[max(0, e.offset - _CONTEXT) : e.offset].replace("\n", "⏎")
        right = source[e.offset + len(e.old) : e.offset + len(e.old) + _CONTEXT].replace("\n", "⏎")
        old = e.old.replace("\n", "⏎") or "∅"
        new = e.new.replace("\n", "⏎") or "∅"
        lines.append(f"{e.offset:>7}  …{left}[{old}→{new}]{right}…  {e.reason} {e.confidence:.2f}")
    counts = Counter(e.reason for e in result.edits)
    summary = ", ".join(f"{n} {r}" for r, n in sorted(counts.items())) or "no edits"
    lines.append(f"# kind={result.kind}: {summary}")
    return "\n".join(lines) + "\n"
