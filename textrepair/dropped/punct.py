"""Putting Chinese punctuation back into restored dropped text.

Dropped text lost every punctuation mark; the character restorer puts the
deleted characters back but not the marks. This pass inserts ``，`` ``。``
``、`` ``；`` at word boundaries only (the dropped format's runs of three or more
spaces), where a punctuation-aware character LM is confident:

* the LM (:func:`train_model`, shipped as ``models/punct.arpa``, ``make model``)
  is a character n-gram model over the training drafts with the four marks kept
  (:func:`punct_text`): other clause punctuation is mapped onto them (``：`` →
  ``，``, ``？``/``！`` → ``。``), everything else that is not Han (quotes,
  brackets, digits, Latin) is removed. A unit is a whole document with its
  paragraphs run together, because that is how the dropped format presents
  them (a heading's end has no mark; a paragraph's final ``。`` stays);
* :func:`punctuate` makes a lattice for :func:`textrepair.search.beam_search_chunked`:
  the text between two boundaries is fixed, each boundary offers ``""`` or one
  mark with a prior penalty (log10, per mark, :data:`PENALTY`, tuned
  leave-one-draft-out for precision: a wrong comma is worse than a missing one);
  long texts are cut into chunks decoded in lockstep, each chunk preceded by a
  few boundaries of re-decoded context whose choices are thrown away;
* the text always ends with ``。``.

Han characters are never changed, dropped or reordered: the output minus the
marks is the input.

Enumeration markers (``（一）``, ``1.``) are not restored: the digits of
``1.`` are gone from the dropped format, and parentheses around a Chinese
numeral (``（一）``) were not attempted (brackets are removed from the LM's
text); the ``、`` of a heading such as ``一、`` is an ordinary mark here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from ..errors import ModelError
from ..lm.scorer import Model
from ..lm.train import ORDER as DEFAULT_ORDER
from ..normalize import HAN, paragraphs
from ..resources import PUNCT_MODEL
from ..search import Option, beam_search_chunked

#: The marks this pass inserts.
MARKS = ("，", "。", "、", "；")
#: Clause punctuation of the training text -> the mark it is learnt as.
MARK_MAP: Mapping[str, str] = {
    "，": "，",
    "。": "。",
    "、": "、",
    "；": "；",
    "：": "，",
    "？": "。",
    "！": "。",
    ",": "，",
    ";": "；",
    ":": "，",
    "?": "。",
    "!": "。",
}
#: When several marks stand between two Han characters (``。”``, ``，（``), the strongest wins.
_STRENGTH = {"。": 3, "；": 2, "，": 1, "、": 0}
#: log10 penalty per inserted mark (tuned leave-one-draft-out, benchmarks/punct_accuracy.py).
PENALTY: Mapping[str, float] = {"，": 0.75, "。": 1.0, "、": 1.0, "；": 1.5}
ORDER = DEFAULT_ORDER
BEAM = 8
#: Boundaries per independently decoded chunk, and boundaries of context re-decoded before it.
CHUNK = 48
OVERLAP = 6
#: The shipped punctuation LM (``make model``).


# --------------------------------------------------------------------------- training text
def punct_text(paragraph: str) -> str:
    """Han characters of *paragraph* with the mapped marks between them (a trailing mark kept)."""
    out: list[str] = []
    pending = ""
    for ch in paragraph:
        if HAN.match(ch):
            if pending and out:
                out.append(pending)
            pending = ""
            out.append(ch)
        else:
            m = MARK_MAP.get(ch)
            if m and (not pending or _STRENGTH[m] > _STRENGTH[pending]):
                pending = m
    if pending and out:
        out.append(pending)
    return "".join(out)


def punct_units(text: str) -> list[str]:
    """LM units of clean *text*: one per document, paragraphs run together (see module doc)."""
    unit = "".join(punct_text(p) for p in paragraphs(text))
    return [unit] if unit else []


def train_model(texts: Iterable[str], order: int = ORDER):  # type: ignore[no-untyped-def]
    """An :class:`~textrepair.lm.train.NgramModel` over the punctuated units of *texts*."""
    from ..lm.train import estimate

    return estimate([u for t in texts for u in punct_units(t)], order)


# --------------------------------------------------------------------------- decoding
def _boundaries(text: str, boundaries: Iterable[int]) -> list[int]:
    return sorted({int(b) for b in boundaries if 0 < int(b) < len(text)})


def punctuate(
    text: str,
    boundaries: Iterable[int],
    model: Model,
    *,
    penalty: Mapping[str, float] = PENALTY,
    beam: int = BEAM,
    end_mark: str = "。",
) -> tuple[str, list[str]]:
    """Insert marks into *text* at word *boundaries* (offsets after which a boundary lies).

    Returns the punctuated text and the mark chosen at each boundary (sorted,
    deduplicated, those strictly inside the text; ``""`` for none). The text
    ends with *end_mark* unless it is empty.
    """
    bounds = _boundaries(text, boundaries)
    if not text:
        return "", []
    pieces = [text[a:b] for a, b in zip([0, *bounds], [*bounds, len(text)])]
    choice = _decode_many(model, [pieces], penalty, beam)[0]
    marks = [MARKS_OPTIONS[c] for c in choice]
    out = "".join(p + m for p, m in zip(pieces, marks)) + pieces[-1]
    if end_mark and out[-1] not in MARKS:
        out += end_mark
    return out, marks


#: Options at a boundary, in slot order (index 0: no mark).
MARKS_OPTIONS = ("", *MARKS)


def _decode_many(
    model: Model, docs: Sequence[Sequence[str]], penalty: Mapping[str, float], beam: int
) -> list[list[int]]:
    """Chosen option per boundary of each document (given as its pieces between boundaries)."""
    opts = [Option("", 0.0)] + [Option(m, -penalty[m]) for m in MARKS]
    end = [Option("。", 0.0)]
    lattices = []
    for pieces in docs:
        slots: list[list[Option]] = []
        for piece in pieces[:-1]:
            slots += [[Option(piece)], opts]
        lattices.append([*slots, [Option(pieces[-1])], end])
    choices = beam_search_chunked(model, lattices, chunk=2 * CHUNK, overlap=2 * OVERLAP, beam=beam)
    return [ch[1:-2:2] for ch in choices]  # the boundary slots


def punctuate_many(
    items: Sequence[tuple[str, Iterable[int]]],
    model: Model,
    *,
    penalty: Mapping[str, float] = PENALTY,
    beam: int = BEAM,
) -> list[tuple[str, list[str]]]:
    """:func:`punctuate` for several texts decoded together in lockstep."""
    prepared = []
    for text, bs in items:
        bounds = _boundaries(text, bs)
        prepared.append(
            [text[a:b] for a, b in zip([0, *bounds], [*bounds, len(text)])] if text else []
        )
    choices = _decode_many(model, [p for p in prepared if p], penalty, beam)
    it = iter(choices)
    out: list[tuple[str, list[str]]] = []
    for pieces in prepared:
        if not pieces:
            out.append(("", []))
            continue
        marks = [MARKS_OPTIONS[c] for c in next(it)]
        text = "".join(p + m for p, m in zip(pieces, marks)) + pieces[-1]
        out.append((text if text[-1] in MARKS else text + "。", marks))
    return out


# --------------------------------------------------------------------------- integration
def load_punct_model(path: str | Path | None = None) -> Model:
    """The punctuation LM (default ``models/punct.arpa``), loaded once per process and path."""
    p = Path(path) if path is not None else PUNCT_MODEL
    if not p.exists():
        raise ModelError(f"punctuation model not found: {p} (run `make model` to build it)")
    return _load(str(p.resolve()))


@lru_cache(maxsize=4)
def _load(path: str) -> Model:
    return Model(path)


def punctuate_restored(
    restored: str, word_ends: Sequence[int], model: Model | str | Path | None = None
) -> str:
    """*restored* (one restored line) with marks at the confident word ends.

    *word_ends*: offsets in *restored* after which a word boundary lies (see
    :func:`textrepair.dropped.restorer.word_ends`). *model*: a :class:`Model`, a path, or None for
    the shipped
    ``models/punct.arpa``. Han characters are never changed.
    """
    if not restored.strip():
        return restored
    m = model if isinstance(model, Model) else load_punct_model(model)
    return punctuate(restored, word_ends, m)[0]
