"""The public API: :func:`load_model`, :func:`detect`, :func:`repair`, :func:`restore`.

Models and the resources built from them (word model, reduction indexes,
confusion table) are loaded once per process and shared; loading is guarded
by a lock so concurrent first calls do not load twice. Decoding itself keeps
no shared mutable state, so concurrent calls are safe.
"""

from __future__ import annotations

import bisect
import gc
import threading
import warnings
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .cache import cached, file_digest, raw_model
from .dropped.config import DroppedConfig
from .dropped.dropset import (
    DocumentRates,
    DropSetInference,
    ShortTextWarning,
    fragment_evidence,
    infer_drop_set_mixed,
)
from .dropped.lexicon import DOMAIN_WEIGHT, LEXICON_LAYOUT, ReductionIndex, WordModel
from .dropped.restorer import (
    DroppedRestorer,
    FormatWarning,
    RestoredLine,
    SpacingWarning,
    format_evidence,
    looks_dropped,
    parse_line,
    spacing_anomalies,
)
from .edits import apply_edits
from .errors import InputError, ModelError
from .lm.general import load_general_model
from .lm.longmatch import MatchIndex, read_units, units_path_for
from .lm.scorer import Model
from .lm.words import load_word_model
from .normalize import HAN, is_han
from .ocr.config import AUTO, OcrConfig
from .resources import DEFAULT_MODEL
from .script import foreign_share
from .types import Edit, Kind, Repair
from .usage import (
    documents_path_for,
    domain_char_counts,
    domain_document_counts,
    general_char_counts,
    jieba_digest,
    read_word_counts,
    words_path_for,
)

#: The default model, built by ``make model`` from the training drafts in corpora/.

_DROPPED = DroppedConfig()

#: Resources that depend on a document's drop set are kept for this many drop sets
#: (a batch over many dropped documents must not grow without bound).
PER_DROP_SET_CACHE = 6

T = TypeVar("T")
_lock = threading.RLock()
_shared: dict[tuple[object, ...], Any] = {}
_per_drop_set: OrderedDict[tuple[object, ...], Any] = OrderedDict()


def _once(key: tuple[object, ...], build: Callable[[], T], *, per_drop_set: bool = False) -> T:
    """The process-wide resource for *key*, built by the first caller only (even under threads).

    With *per_drop_set* it lives in a small LRU cache instead of for the whole process.
    """
    cache = _per_drop_set if per_drop_set else _shared
    with _lock:
        if key not in cache:
            cache[key] = build()
            if per_drop_set and len(_per_drop_set) > PER_DROP_SET_CACHE:
                _per_drop_set.popitem(last=False)
        elif per_drop_set:
            _per_drop_set.move_to_end(key)
        return cache[key]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Detection:
    """What :func:`detect` decided, with a confidence in [0, 1]."""

    kind: Kind
    confidence: float


def load_model(path: str | Path | None = None) -> Model:
    """The character LM at *path* (default: the shipped model), loaded once per process."""
    p = Path(path) if path is not None else DEFAULT_MODEL
    if not p.exists():
        hint = " (run `make model` to build it)" if path is None else ""
        raise ModelError(f"model file not found: {p}{hint}")
    key = str(p.resolve())
    return _once(("model", key), lambda: _load(key))


def _load(path: str) -> Model:
    """An ARPA model is parsed once and kept in its binary form in the disk cache (keyed by
    content: it scores exactly as the ARPA, and loads in a tenth of the time)."""
    return raw_model(path) if path.endswith(".arpa") else Model(path)


def preload(model: Model | str | Path | None = None, *, freeze: bool = False) -> Model:
    """Load what repairs share (the model and the OCR glyph correctors with their tables: the glyph
    tables alone and the shipped channel's, between which the default chooses) now, not on
    first use.

    Useful before forking worker processes, which then inherit them. The glyph
    corrector holds the general models too; the dropped restorer's reduction index
    is still built on the first dropped text. With *freeze*, everything the process holds
    then is moved into the garbage collector's permanent generation (:func:`gc.freeze`), so
    that its full collections stop walking the models again and again: for a process that
    repairs many documents (a fifth less time on general text; docs/benchmarks.md). The
    collector is the program's own, so this is not the default.
    """
    from .ocr.channel import load_channel
    from .ocr.repair import make_corrector

    loaded = _model(model)
    make_corrector(loaded).warm()
    if load_channel() is not None:  # the default ("auto") reads a noisy page with it
        make_corrector(loaded, channel="tesseract").warm()
    if freeze:
        gc.freeze()
    return loaded


def _model(model: Model | str | Path | None) -> Model:
    return model if isinstance(model, Model) else load_model(model)


def _lexicon_key(words_file: str, domain_weight: float) -> list[object]:
    """What a word model is derived from: jieba's dictionary and the model's word counts (by
    content), and the domain's share."""
    return [jieba_digest(), file_digest(words_file), domain_weight, LEXICON_LAYOUT]


def _word_model(words_file: str, domain_weight: float = DOMAIN_WEIGHT) -> WordModel:
    p = Path(words_file)
    return _once(
        ("words", words_file, domain_weight),
        lambda: cached(
            "lexicon",
            _lexicon_key(words_file, domain_weight),
            lambda: WordModel(
                read_word_counts(p) if p.exists() else None, domain_weight=domain_weight
            ),
        ),
        per_drop_set=True,
    )


def _reduction_index(
    words_file: str, drop_set: frozenset[str], domain_weight: float = DOMAIN_WEIGHT
) -> ReductionIndex:
    return _once(
        ("index", words_file, drop_set, domain_weight),
        lambda: _word_model(words_file, domain_weight).reductions(drop_set),
        per_drop_set=True,
    )


def _words_file(model: Model) -> str:
    return str(words_path_for(model.path)) if model.path is not None else ""


def _document_rates(model: Model, counts: Counter[str]) -> DocumentRates | None:
    """How each of the model's training documents uses each character (``x.docs.tsv``), or
    None without at least two of them; a :class:`ModelError` if the file does not add up to
    the model's word counts (*counts*: it belongs to another training text)."""
    if model.path is None:
        return None
    path = documents_path_for(model.path)
    documents = domain_document_counts(str(path))
    if len(documents) < 2:
        return None
    if sum(documents, Counter()) != +counts:
        raise ModelError(
            f"{path} does not match the word counts beside it ({words_path_for(model.path)}): "
            "train the model again"
        )
    return _once(("document-rates", str(path)), lambda: DocumentRates(documents))


# --------------------------------------------------------------------------- detect
#: detect() calls a text OCR'd on at least this many positive marks (ocr_marks) ...
MIN_OCR_MARKS = 3
#: ... at a rate of at least this many per Han character, ...
MIN_OCR_MARK_RATE = 0.002
#: ... and never when more than this share of its Han characters is in traditional or Japanese text.
MAX_FOREIGN_SHARE = 0.5
#: A text whose lines wrap at most this wide is a newspaper column (12-15 characters in print).
MAX_COLUMN_WIDTH = 20
#: detect()'s confidence grows by this much per OCR mark per Han character (0.5 at the threshold
#: rate)
CONFIDENCE_PER_MARK_RATE = 25


def _check_text(text: object, what: str = "text") -> None:
    """A TypeError unless *text* is a str, an InputError if it is not valid Unicode (a lone
    surrogate, as a file name's undecodable bytes come out)."""
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str, not {type(text).__name__}")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InputError(
                f"{what} holds a lone surrogate (U+{ord(text[exc.start]):04X}) at offset "
                f"{exc.start}: not valid Unicode text"
            ) from None


def detect(text: str) -> Detection:
    """Which kind of damage *text* shows: ``"dropped"``, ``"ocr"`` or ``"clean"``.

    From the text's own features: the spacing structure of the dropped format,
    and positive evidence of OCR (:func:`ocr_marks`); traditional-script and
    Japanese text is clean (:mod:`textrepair.script`). When unsure it answers
    ``"clean"``: no change beats a wrong change.
    """
    _check_text(text)
    han = len(HAN.findall(text))
    if han == 0:
        return Detection("clean", 1.0)
    evidence = format_evidence(text)
    if looks_dropped(text):
        return Detection("dropped", evidence)
    if foreign_share(text) > MAX_FOREIGN_SHARE:
        return Detection(
            "clean", 1.0
        )  # traditional script or Japanese: not what the repairers model
    marks = ocr_marks(text)
    rate = marks / han
    if marks >= MIN_OCR_MARKS and rate >= MIN_OCR_MARK_RATE:
        return Detection("ocr", min(1.0, 0.5 + rate * CONFIDENCE_PER_MARK_RATE))
    return Detection("clean", 1.0 - min(1.0, rate * CONFIDENCE_PER_MARK_RATE))


def ocr_marks(text: str) -> int:
    """Positive evidence of OCR damage: layout edits that clean text does not call for.

    Spaces a newspaper column join left between Chinese characters (only counted where
    the text shows the column pattern) and half-width ``,`` ``;`` ``.`` used as Chinese
    sentence punctuation; newlines joined in a text wrapped at a newspaper column's
    width (at most :data:`MAX_COLUMN_WIDTH` characters). Not counted: ``:`` ``!``
    ``?`` and parentheses (technical Chinese writes them half-width: ``:q!``,
    ``journald.conf(5)``) or hard-wrapped wider lines (clean files wrap too).
    """
    from .ocr.layout import column_width, fix_layout, inside_words

    width = column_width(text)
    narrow = width is not None and width <= MAX_COLUMN_WIDTH

    def positive(e: Edit) -> bool:
        if e.reason == "punctuation":
            return e.old in (",", ";", ".")
        if e.reason != "layout":
            return False
        if "\n" in e.old:
            return narrow
        return (
            bool(e.old)
            and not e.old.strip(" \u3000")
            and inside_words(text, e.offset, e.offset + len(e.old))
        )

    return sum(map(positive, fix_layout(text)[1]))


# --------------------------------------------------------------------------- repair
def repair(
    text: str,
    kind: Kind | None = None,
    model: Model | str | Path | None = None,
    *,
    drop_set: Collection[str] | None = None,
    punct: bool = False,
    channel: str | Path | None = None,
    config: DroppedConfig | OcrConfig | None = None,
) -> Repair:
    """Repair *text* and say what was done: ``Repair(text, kind, edits)``.

    *kind* ``None`` detects it (:func:`detect`). ``"clean"`` returns the text
    unchanged. For dropped text, *drop_set* overrides the inferred drop set and
    *punct* also puts punctuation (，。、；) back where the punctuation model is
    confident (:mod:`textrepair.dropped.punct`). For OCR text, *channel* is a channel file
    learnt from your engine's output (``textrepair learn-channel``), ``"tesseract"``
    for the shipped one, ``"none"`` for the glyph tables alone, or None (``"auto"``): the
    shipped channel where it finds the document noisy, else the tables alone
    (:func:`textrepair.ocr.repair.glyph_edits`). *config* holds the
    restorer's settings (:class:`~textrepair.dropped.config.DroppedConfig` or
    :class:`~textrepair.ocr.config.OcrConfig`; None: the defaults). An option that
    does nothing for the text's kind (``punct`` on OCR text, a config of the other
    restorer) is ignored with a warning.

    >>> repair("通知如下：", kind="clean")
    Repair(text='通知如下：', kind='clean', edits=[])
    """
    _check_text(text)
    if config is not None and not isinstance(config, (DroppedConfig, OcrConfig)):
        raise TypeError(
            f"config must be a DroppedConfig or an OcrConfig, not {type(config).__name__}"
        )
    if kind == "clean":  # said so: every option does nothing (detected clean text: no warning)
        _unused(
            kind,
            drop_set=drop_set is not None,
            punct=punct,
            channel=channel not in (None, AUTO),
            config=config is not None,
        )
    if kind is None:
        kind = detect(text).kind
    if kind == "clean":
        return Repair(text, "clean", [])
    # the restorers read lines ended by "\n"; CRLF text is repaired as LF, its edits then moved
    # onto the text as given (each "\r" kept)
    lf = text.replace("\r\n", "\n") if "\r\n" in text else text
    result: Repair
    if kind == "dropped":
        _unused(
            kind,
            channel=channel not in (None, AUTO),  # the default, said explicitly, is no option
            config=config is not None and not isinstance(config, DroppedConfig),
        )
        dropped_config = config if isinstance(config, DroppedConfig) else None
        if drop_set is not None:
            bad = [c for c in drop_set if not (isinstance(c, str) and len(c) == 1 and is_han(c))]
            if bad:
                raise InputError(
                    f"drop_set entries must be single Han characters (a string counts as its "
                    f"characters), got {bad[:5]!r}"
                )
        result = _repair_dropped(lf, _model(model), drop_set, punct, dropped_config)
    elif kind == "ocr":
        from .ocr.repair import repair_ocr

        _unused(
            kind,
            drop_set=drop_set is not None,
            punct=punct,
            config=config is not None and not isinstance(config, OcrConfig),
        )
        result = repair_ocr(
            lf,
            _model(model),
            channel=AUTO if channel is None else channel,
            config=config if isinstance(config, OcrConfig) else None,
        )
    else:
        raise InputError(f"unknown kind {kind!r}: use 'dropped', 'ocr', 'clean' or None (detect)")
    if lf is text:
        return result
    edits = _edits_on_crlf(text, result.edits)
    return Repair(apply_edits(text, edits), result.kind, edits)


def _crlf_offsets(text: str) -> Callable[[int], int]:
    """The offset in *text* of each offset in ``text.replace("\r\n", "\n")`` (a line end's
    ``\n`` at its ``\r``)."""
    removed: list[int] = []  # offsets in the normalised text of the "\n" whose "\r" went
    at = text.find("\r\n")
    while at >= 0:
        removed.append(at - len(removed))
        at = text.find("\r\n", at + 2)
    return lambda offset: offset + bisect.bisect_left(removed, offset)


def _edits_on_crlf(text: str, edits: list[Edit]) -> list[Edit]:
    """*edits* on ``text.replace("\\r\\n", "\\n")`` as edits on *text*: each offset moved past
    the ``\\r`` removed before it, so a line end an edit takes goes with its ``\\r``, and a line
    end an edit writes is written as ``\\r\\n``."""
    where = _crlf_offsets(text)
    out = []
    for e in edits:
        start, stop = where(e.offset), where(e.offset + len(e.old))
        new = e.new.replace("\n", "\r\n")
        out.append(Edit(start, text[start:stop], new, e.confidence, e.reason))
    return out


def _unused(kind: str, **given: bool) -> None:
    """Warn once per call about the options given that do nothing for *kind*."""
    names = [name for name, used in given.items() if used]
    if names:
        warnings.warn(
            f"{', '.join(names)} does nothing for {kind} text; ignored", UserWarning, stacklevel=3
        )


def restore(
    text: str,
    kind: Kind | None = None,
    model: Model | str | Path | None = None,
    *,
    drop_set: Collection[str] | None = None,
    punct: bool = False,
    channel: str | Path | None = None,
    config: DroppedConfig | OcrConfig | None = None,
) -> str:
    """The repaired text only (see :func:`repair`).

    >>> restore("Subject: clean text stays as it is")
    'Subject: clean text stays as it is'
    """
    return repair(
        text, kind, model, drop_set=drop_set, punct=punct, channel=channel, config=config
    ).text


def dropped_restorer(
    model: Model,
    drop_set: Collection[str],
    domain_weight: float = DOMAIN_WEIGHT,
    config: DroppedConfig | None = None,
) -> DroppedRestorer:
    """A restorer for dropped text with *drop_set* (cached per model, drop set, domain weight and
    config).

    *domain_weight* (in [0, 1], rounded to a tenth) is how much the document reads
    like the training text (:attr:`DropSetInference.domain_weight`): it sets the
    domain's share of the lexicon and, through
    :meth:`DroppedConfig.general_weight_for
    <textrepair.dropped.config.DroppedConfig.general_weight_for>`,
    the general character model's share of the LM.
    """
    config = config or _DROPPED
    dw = round(min(max(domain_weight, 0.0), 1.0), 1)
    ds = frozenset(drop_set)
    index = _reduction_index(_words_file(model), ds, config.lexicon_weight_for(dw))
    general = _once(("general",), load_general_model)
    matches = match_index(model, config.long_match_max_context)
    usage_weight = config.usage_weight_for(dw)
    words = _once(("words",), load_word_model) if usage_weight else None
    return _once(
        ("restorer", model, ds, dw, config),
        lambda: DroppedRestorer(
            model,
            index,
            ds,
            config,
            general=general,
            general_weight=config.general_weight_for(dw),
            matches=matches,
            words=words,
            usage_weight=usage_weight,
        ),
        per_drop_set=True,
    )


def match_index(model: Model, max_context: int) -> MatchIndex | None:
    """The substrings of the model's training text (``x.units.txt`` beside ``x.arpa``), loaded
    once; None when the model has no training text beside it."""
    if model.path is None:
        return None
    path = units_path_for(model.path)
    if not path.exists():
        return None
    return _once(
        ("matches", str(path.resolve()), max_context),
        lambda: MatchIndex(read_units(path), max_context),
    )


def drop_set_inference(
    text: str, model: Model, config: DroppedConfig | None = None, *, confirm: bool = True
) -> DropSetInference:
    """The drop set of *text* and how much it reads like the model's training text.

    The training text's characters (its word counts) and general usage (jieba's
    dictionary) are mixed as the kept characters say
    (:func:`textrepair.dropped.dropset.infer_drop_set_mixed`); with *confirm*, the
    significant absentees are then weighed by the fragments their words left among the
    kept words (:func:`textrepair.dropped.dropset.fragment_evidence`), and only those
    both confirm stay in ``chars``; where the model's training documents are counted apart
    (``x.docs.tsv`` beside it, two documents or more), a character's absence is weighed
    against each of them (:func:`textrepair.dropped.dropset.document_absence`). The
    candidates the restorer inserts from do not depend on *confirm* (it skips reading the
    lexicon and the per-document counts).
    """
    counts = domain_char_counts(_words_file(model))
    if not counts:
        raise ModelError(
            f"no word counts next to {model.path} ({words_path_for(model.path or 'model')}); "
            "train the model with `textrepair train` or pass a drop set"
        )
    config = config or _DROPPED
    documents = _document_rates(model, counts) if confirm else None
    inference = infer_drop_set_mixed(
        text,
        counts,
        general_char_counts(),
        alpha=config.drop_set_alpha,
        max_dropped_mass=config.max_dropped_mass,
        candidate_posterior=config.candidate_posterior,
        documents=documents,
    )
    if not confirm or not inference.chars:
        return inference
    words: Counter[str] = Counter()
    vanished = 0
    for line in text.split("\n"):
        parsed = parse_line(line)
        words.update(w.kept for w in parsed.words)
        vanished += sum(parsed.vanished)
    lexicon = _word_model(_words_file(model), config.lexicon_weight_for(inference.domain_weight))
    evidence = fragment_evidence(
        words, vanished, lexicon.logp.items(), inference.chars, inference.dispersion
    )
    return inference.confirmed(evidence, config.drop_set_min_evidence)


def infer_drop_set_for(text: str, model: Model) -> list[str]:
    """The drop set of *text*, inferred against the model's training text and general usage.

    Warns (:class:`FormatWarning`) when the text is not in the dropped format, whose drop set
    then means little, and (:class:`ShortTextWarning`) when it is too short for the inference
    to be reliable."""
    _check_text(text)
    if not looks_dropped(text):
        warnings.warn(
            f"{_not_dropped(text)}: the characters it lacks say little of a deleted set",
            FormatWarning,
            stacklevel=2,
        )
    inference = drop_set_inference(text, model)
    if not inference.reliable:
        warnings.warn(_too_short(inference), ShortTextWarning, stacklevel=2)
    return inference.chars


def _not_dropped(text: str) -> str:
    """What a :class:`FormatWarning` says first."""
    evidence = format_evidence(text)
    return f"text does not look character-dropped (spacing evidence {evidence:.2f} < 0.90)"


def _too_short(inference: DropSetInference) -> str:
    """What a :class:`ShortTextWarning` says first."""
    return (
        f"text too short to infer its drop set reliably ({inference.kept} kept characters); "
        "characters may be missed"
    )


def _repair_dropped(
    text: str,
    model: Model,
    drop_set: Collection[str] | None,
    punct: bool = False,
    config: DroppedConfig | None = None,
) -> Repair:
    if not looks_dropped(text):
        warnings.warn(f"{_not_dropped(text)}; returned unchanged", FormatWarning, stacklevel=3)
        return Repair(text, "dropped", [])
    odd = spacing_anomalies(text)
    if odd:
        row, column = odd[0]
        warnings.warn(
            f"spacing breaks the dropped format in {len(odd)} place(s), first at line {row}, "
            f"column {column} (an even run of spaces between words, or an odd one at a line's "
            "end); read there as the nearest valid spacing, so a word boundary or a vanished "
            "word may be wrong",
            SpacingWarning,
            stacklevel=3,
        )
    inference = drop_set_inference(text, model, config, confirm=False)
    if drop_set is None and not inference.reliable:
        warnings.warn(
            f"{_too_short(inference)}: give the drop set if you know it (--drop-set)",
            ShortTextWarning,
            stacklevel=3,
        )
    ds = list(drop_set) if drop_set is not None else inference.candidates
    lines = text.split("\n")
    restored = dropped_restorer(model, ds, inference.domain_weight, config).restore_lines(lines)
    if punct:
        from .dropped.punct import load_punct_model, punctuate_many

        marked = punctuate_many([(r.text, r.word_ends) for r in restored], load_punct_model())
        restored = [
            _with_marks(r, t, marks) if r.text else r for r, (t, marks) in zip(restored, marked)
        ]
    edits: list[Edit] = []
    base = 0
    for line, r in zip(lines, restored):
        edits.extend(Edit(e.offset + base, e.old, e.new, e.confidence, e.reason) for e in r.edits)
        base += len(line) + 1
    return Repair("\n".join(r.text for r in restored), "dropped", edits)


def _with_marks(r: RestoredLine, marked: str, marks: list[str]) -> RestoredLine:
    """*r* with punctuation: each mark joins the gap edit whose insertion span holds it."""
    at = {e: m for e, m in zip(r.word_ends, marks) if m}
    tail = marked[len(r.text) + sum(map(len, marks)) :]  # a closing 。 added at the end
    if tail:
        at[len(r.text)] = at.get(len(r.text), "") + tail
    edits: list[Edit] = []
    rpos = ipos = 0  # positions in the restored and the input line
    for e in r.edits:
        rpos += e.offset - ipos  # kept characters in between map one to one
        new = "".join(at.pop(rpos + k, "") + ch for k, ch in enumerate(e.new)) + at.pop(
            rpos + len(e.new), ""
        )
        reason = e.reason if e.new or new == e.new else "punctuation"
        edits.append(Edit(e.offset, e.old, new, e.confidence, reason))
        rpos += len(e.new)
        ipos = e.offset + len(e.old)
    edits.extend(Edit(ipos + p - rpos, "", m, 1.0, "punctuation") for p, m in sorted(at.items()))
    return RestoredLine(marked, edits, r.word_ends)
