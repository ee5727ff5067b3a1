"""Public result types: what :func:`textrepair.repair` returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

Kind = Literal["dropped", "ocr", "clean"]
Reason = Literal["insertion", "punctuation", "layout", "glyph", "invented", "dash"]
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

    def to_dict(self) -> dict[str, Any]:
        """The repair as plain data (``json.dumps``-able): text, kind, and every edit's offset,
        old, new, confidence and reason.

        >>> Repair("甲乙", "ocr", [Edit(1, "己", "乙", 0.9, "glyph")]).to_dict()["edits"]
        [{'offset': 1, 'old': '己', 'new': '乙', 'confidence': 0.9, 'reason': 'glyph'}]
        """
        return asdict(self)
