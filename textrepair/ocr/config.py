"""Every tuning value of the OCR repairer, in one frozen object.

Pass an :class:`OcrConfig` to :func:`textrepair.repair` (``config=``) or to
:class:`~textrepair.ocr.repair.GlyphCorrector`; change one value with
:func:`dataclasses.replace`::

    >>> import dataclasses
    >>> cautious = dataclasses.replace(OcrConfig(), min_confidence=0.9)
    >>> cautious.min_confidence, OcrConfig().min_confidence
    (0.9, 0.5)

Where a value says *simulated*, it was chosen leave-one-out on the simulator's
damage of the drafts (``benchmarks/ocr_misses.py``); *dev*, on Tesseract's
reading of the held-out dev pages (``benchmarks/real_ocr_tune.py``), never on
the sets the benchmark scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..lm.general import PASSAGE_CONTEXT
from ..search import BEAM

#: the *channel* that picks, per document, between the shipped learnt channel and the glyph tables
#: alone (:func:`textrepair.ocr.repair.glyph_edits`): the default of :func:`textrepair.repair`
AUTO = "auto"


@dataclass(frozen=True)
class OcrConfig:
    """The glyph corrector's settings (see :mod:`textrepair.ocr.repair` for the model they tune)."""

    # --- the channel: what it costs to read a character as another
    #: prior log10 probability that a given character was misread (simulated)
    log_error_rate: float = -3.75
    #: extra log10 prior for a partial-glyph confusion, a component read for the whole glyph
    #: (simulated)
    log_part_prior: float = 0.5
    #: exponent on the glyph similarity in the channel probability (simulated)
    similarity_weight: float = 3.0
    #: candidates taken from the look-alike table per character, best similarity first
    max_candidates: int = 12
    #: glyph similarity assumed for a rare glyph's structural sibling (same layout, one component
    #: changed)
    sibling_similarity: float = 0.5
    #: a rare glyph may stand for any known character seen in its context at least this similar ...
    lookalike_min_similarity: float = 0.1
    #: ... a glyph the LM never saw but general usage knows, only for one at least this similar ...
    unseen_lookalike_min_similarity: float = 0.5
    #: ... with this exponent on the similarity in the channel probability (simulated)
    lookalike_similarity_weight: float = 8.0
    #: characters rarer than this rank of general usage, unseen in training, pay for being kept
    rare_rank: int = 1500
    #: offer what the training text has between the same this many characters either side of a
    #: reading (a passage it holds verbatim, misread in the middle); 0 turns it off (real pages:
    #: 2 found more than 3, and 1 made false corrections)
    passage_context: int = PASSAGE_CONTEXT
    #: ... at this log10 channel cost, whatever the glyphs (simulated); with a learnt channel it is
    #: mixed with what the channel learnt as a glyph table's cost is (``glyph_table_offset``)
    passage_cost: float = -6.0
    #: on a document that reads like general usage, offer what a general lexicon's words of three
    #: or four characters have in a reading's place around its neighbours as read (电子鱼件 ->
    #: 电子邮件; :mod:`textrepair.ocr.wordgaps`) at this log10 channel cost whatever the glyphs,
    #: where the reading is not inside a word already, and not with a learnt channel (its context
    #: candidates offer much the same). Off (-inf) by default: at -6 (chosen on dev) it fixes a
    #: third more of Tesseract's misreadings of general text, but it also makes a name a word
    #: (吴昌茂 -> 吴昌硕) on clean text, and on a cleaner engine's page (PP-OCRv4) that is all
    #: it does (docs/experiments.md)
    word_gap_cost: float = -math.inf

    # --- a learnt channel (``--channel``)
    #: with ``channel="auto"`` (the default of :func:`textrepair.repair`,
    #: :func:`~textrepair.ocr.repair.glyph_edits`): the shipped Tesseract channel's reading of a
    #: document is kept where it changes at least this share of its Han characters, else the
    #: glyph tables read it (dev)
    auto_channel_density: float = 0.003
    #: log10 weight of a learnt confusion rate c(t, o) / (n(t) + k) (dev)
    channel_offset: float = -2.0
    #: a true character the channel saw read as a reading is a candidate wherever that reading
    #: is, if the engine was seen to read it so at least this many times (a pair seen once keeps
    #: its rate where another source offers it; dev: a third fewer false corrections)
    channel_min_count: int = 2
    #: log10 weight of a learnt near-miss rate m(t, o) / (n(t) + k): how often the engine
    #: weighed ``o`` at a ``t`` and printed something else, mostly ``t`` (only a channel
    #: learnt from hOCR with choices has them; measured on dev, docs/experiments.md)
    near_offset: float = -4.0
    #: a reading's near misses offered as candidates: at most this many true characters
    #: (those at which the engine weighed it most often), each weighed at least this often
    near_candidates: int = 16
    near_min_count: int = 2
    #: log10 weight of the similarity curve's share of a learnt channel (dev)
    similarity_offset: float = -3.0
    #: the similarity curve's share is spread from each true character's own rate of
    #: misreading (:meth:`~textrepair.ocr.channel.Channel.misread_rate`), shrunk towards the
    #: engine's rate for all characters by this many pseudo-readings; 0: the engine's rate for
    #: every character (dev: 100-1000 alike, docs/experiments.md)
    misread_prior: float = 300.0
    #: log10 weight of the glyph tables' costs in the mixture with a learnt channel (dev)
    glyph_table_offset: float = -2.0
    #: offer what a reading's neighbours have been seen with, where it makes unseen bigrams
    context_candidates: bool = True
    #: ... where this many of its two bigrams are unseen (dev)
    context_unseen: int = 2
    #: ... at most this many per position (the most likely), and this many more seen next to one
    #: neighbour only
    context_max: int = 48
    context_one_sided: int = 8
    #: offer to remove a character the channel saw the engine invent (``i(o) / (r(o) + k)``, its
    #: cost), where it did so at least this many times; 0 turns it off
    invented_min_count: int = 3
    #: ... and made at local log10 odds of at least this (dev)
    invented_min_margin: float = 5.0

    # --- the language models
    #: share of the general newspaper model in the interpolated character LM
    general_weight: float = 0.3
    #: weight of general usage (the word trigram's best segmentation) against the character LM
    #: (simulated)
    lexicon_weight: float = 0.5
    #: ... at a character that starts or ends a clause of two or more (simulated)
    lexicon_edge_weight: float = 0.75
    #: characters either side of a decision that the word model sees, within its clause
    lexicon_window: int = 4
    #: share of the document's own repeated n-grams where it has one, with a learnt channel; 0 turns
    #: it off (simulated; on Tesseract's output it holds back the channel's many candidates: without
    #: it, false corrections on policy text went from 1.8 to 16.4 per 10 000)
    cache_weight: float = 0.3
    #: ... with the glyph tables alone (no learnt channel). Off: on Tesseract's output
    #: it fixed 1 more character in 85 176 of policy text and none of general text, and it made 6
    #: false changes in 18 578 characters of clean text (a phrase the page writes both ways made
    #: consistent: 移动至 where the page mostly has 移动到)
    tables_cache_weight: float = 0.0
    #: order of that document model: it speaks only where it found an n-gram of this order
    cache_order: int = 3
    #: what the document model takes off the page's counts: an n-gram must be read more often to
    #: count (simulated)
    cache_discount: int = 2
    #: weight of the page's count of a replacement's trigram elsewhere, in its cost; 0 turns it off
    #: (simulated)
    repeat_weight: float = 0.5

    # --- the search
    #: a character inside what the models have seen is taken as read: where the n-grams of this
    #: order ending at it and at its right neighbour are both in the domain or the general model,
    #: it gets no candidates (a cheap detector; on Tesseract's dev pages no misreading was inside
    #: such a context, and it holds a quarter of general text and half of policy text); 0 turns it
    #: off (dev)
    attested_order: int = 3
    #: a replacement is searched only if, alone in its window, LM gain + channel cost exceeds this
    screen_margin: float = -3.0
    #: ... or, short of it by less than this, if general usage lifts it above (simulated)
    usage_slack: float = 2.0
    #: characters within this distance of a flagged one keep more candidates (errors come in runs:
    #: next to a misreading a replacement is judged in a wrong context) ...
    run_radius: int = 2
    #: ... those whose margin alone in the window is at most this far below :attr:`screen_margin`
    #: (never less far than :attr:`usage_slack`)
    #: (dev: at 2, 4 and 8 Tesseract's dev pages were repaired exactly as with every candidate
    #: kept, at 2 the simulator's tuning draws too; but at 2 a scored page lost an idiom's last
    #: character, between 2 and 3 below; ``math.inf`` keeps all)
    run_slack: float = 4.0
    #: hypotheses kept per step of the joint search
    beam: int = BEAM
    #: a paragraph longer than this many Han characters is searched in pieces ...
    block_han: int = 4000
    #: ... decoded in groups of about this many, so memory does not grow with a text's length
    group_han: int = 20000
    #: (unseen glyph, look-alike) pairs kept computed with their channel costs, about 100 bytes
    #: each (emptied when full: a rare glyph has a few thousand look-alikes, a common one a few
    #: hundred; general text asks for some 3 000 glyphs)
    lookalike_cache: int = 250_000
    #: (read, true) pairs whose learnt costs (:meth:`~textrepair.ocr.repair.GlyphCorrector.
    #: learnt_costs`) are kept computed, about 60 bytes each (emptied when full: on general
    #: text a page asks for some 12 000 new ones; 0: none kept)
    learnt_cache: int = 250_000

    # --- the decision
    #: a correction is made when its local confidence reaches this (simulated)
    min_confidence: float = 0.5
    #: on a document that reads like general usage, the calibration judges instead: it applies below
    #: this
    #: domain weight (:func:`~textrepair.ocr.repair.document_domain_weight`) ...
    general_text_below: float = 0.5
    #: ... and a correction is made where its calibrated probability of being right reaches this
    min_probability: float = 0.5
    #: a Chinese digit (〇一二...九) read inside a number (next to another numeral: 一九七九,
    #: 三十) is never replaced by another digit: which number a text states is a fact of the
    #: page, and the LMs only know which numbers are common (一九七九年 made 一九四九年). A digit
    #: in a word (统二 for 统一), a digit read for another character and another character read
    #: for a digit are still corrected
    digits_stay: bool = True
