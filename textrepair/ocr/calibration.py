"""What a glyph correction's local margin is worth on general text: a calibration learnt from a real
engine.

The corrector's confidence (:meth:`~textrepair.ocr.repair.GlyphCorrector.correct`)
is the sigmoid of a local log-odds margin: the LM's gain plus the channel's cost.
On policy text, where the drafts' model knows the phrasing, it is well calibrated.
On general text it is not: the models have seen little of it, and a rare but right
character (a name, a bird, a tool) loses to a common look-alike. Measured on
Tesseract's reading of held-out newspaper pages, half the corrections made at a
confidence between 0.5 and 0.99 changed a right character.

A :class:`Calibration` is a logistic regression, learnt from such pages
(``tools/calibrate.py``, ``make calibration``), of whether a proposed correction
was right, on a few features of it (:data:`FEATURES`): the margin, whether each
character is known to the drafts' model and the general one, and how common each
is in general usage. It is applied where the document reads like general usage
rather than like the drafts (:func:`~textrepair.ocr.repair.document_domain_weight`
below :attr:`OcrConfig.general_text_below <textrepair.ocr.config.OcrConfig.general_text_below>`):
those are the documents it was learnt on. A correction is made where the learnt
probability that it is right is at least :attr:`OcrConfig.min_probability
<textrepair.ocr.config.OcrConfig.min_probability>`, and that probability is its
confidence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from ..errors import ModelError
from ..resources import CALIBRATION

#: where ``make calibration`` writes the calibrations (one per channel setting)
CALIBRATION_PATH = CALIBRATION

#: the features of a proposed correction ``old -> new``, in order (:func:`features`)
FEATURES = (
    "bias",
    "margin",  # the corrector's local log10 odds for the correction
    "old_in_domain",  # 1 if the drafts' model knows the character read
    "new_in_domain",  # ... knows the replacement
    "old_in_general",  # 1 if the general model knows the character read
    "old_usage",  # log10(1 + count of the character read in general usage, jieba's dictionary)
    "new_usage",  # ... of the replacement
    "numerals",  # 1 if both are numerals: the language cannot tell which number a page means
)

NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")


class Vocabulary(Protocol):
    """Anything that says whether it knows a character (a :class:`~textrepair.lm.Model`, a set)."""

    def __contains__(self, ch: str, /) -> bool: ...


def features(
    old: str,
    new: str,
    margin: float,
    in_domain: Vocabulary,
    in_general: Vocabulary,
    usage: Mapping[str, int],
) -> list[float]:
    """The :data:`FEATURES` of replacing *old* by *new* at local log10 odds *margin*.

    *in_domain* and *in_general* answer ``ch in ...`` for the two character models;
    *usage* counts characters in general usage.
    """
    return [
        1.0,
        margin,
        float(old in in_domain),
        float(new in in_domain),
        float(old in in_general),
        math.log10(1 + usage.get(old, 0)),
        math.log10(1 + usage.get(new, 0)),
        float(old in NUMERALS and new in NUMERALS),
    ]


@dataclass(frozen=True)
class Calibration:
    """Logistic weights over :data:`FEATURES`, and what they were learnt from."""

    weights: tuple[float, ...]
    #: the pages they were learnt from (for the record), and how many corrections
    source: str = ""
    examples: int = 0

    def probability(self, x: Sequence[float]) -> float:
        """The learnt probability that a correction with features *x* is right."""
        z = sum(w * v for w, v in zip(self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": list(self.weights),
            "source": self.source,
            "examples": self.examples,
        }


def read_calibrations(path: str | Path) -> dict[str, Calibration]:
    """The calibrations of a file written by ``tools/calibrate.py``, by channel setting; one-line
    errors."""
    p = Path(path)
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelError(f"{p}: not a calibration file ({e})") from None
    out = {}
    for key, entry in raw.items() if isinstance(raw, dict) else ():
        if not isinstance(entry, dict) or tuple(entry.get("features", ())) != FEATURES:
            raise ModelError(
                f"{p}: calibration {key!r} is not over this version's features; rebuild it (make "
                f"calibration)"
            )
        weights = entry.get("weights")
        if not isinstance(weights, list) or len(weights) != len(FEATURES):
            raise ModelError(
                f"{p}: calibration {key!r} has {len(weights or [])} weights for {len(FEATURES)} "
                f"features"
            )
        out[key] = Calibration(
            tuple(float(w) for w in weights),
            str(entry.get("source", "")),
            int(entry.get("examples", 0)),
        )
    if not out:
        raise ModelError(f"{p}: no calibration in it")
    return out


@lru_cache(maxsize=4)
def load_calibration(setting: str, path: Path = CALIBRATION_PATH) -> Calibration | None:
    """The shipped calibration for a channel *setting* (``"none"`` or ``"learnt"``), or None if not
    built."""
    if not path.exists():
        return None
    return read_calibrations(path).get(setting)
