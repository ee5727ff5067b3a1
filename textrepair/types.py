"""Public result types: what :func:`textrepair.repair` returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

Kind = Literal["dropped", "ocr", "clean"]
Reason = Literal["insertion", "punctuation", "layout", "glyph"]
#: the kinds a repair may be asked for, in order (``Kind``'s values)
KINDS: tuple[str, ...] = get_args(Kind)


@dataclass(frozen=True)
class Edit:
    """One change. ``offset`` indexes the *input* text; ``old`` is replaced by ``new``.

    ``confidence`` is in [0, 1]; ``reason`` names the fix that made the edit.
    """

    offset: int
    old: str
    new: str
    confidence: float
    reason: Reason


@dataclass(frozen=True)
class Repair:
    """A repaired text with the kind it was treated as and the edits made."""

    text: str
    kind: Kind
    edits: list[Edit] = field(default_factory=list)
