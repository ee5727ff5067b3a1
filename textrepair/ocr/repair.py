"""Repairing OCR'd reprints: glyph confusions by a noisy channel, then layout.

Glyph correction decides, for every Han character ``o`` of a paragraph, between
keeping it and replacing it by a character ``t`` the confusion table says may
be misread as ``o``::

    score = lm_weight * log10 P_LM(paragraph) + sum over changed positions of log10 P(o | t)

with ``log10 P(o | t) = log10(error_rate) + similarity_weight * log10(similarity)``
(``part`` confusions, a component read for the whole glyph, with their own prior).
Keeping a character costs nothing. The decision is a joint search over the
paragraph (:func:`textrepair.search.beam_search`), so runs of neighbouring
errors are corrected together. ``error_rate`` is set low enough that clean
text is (almost) never changed; it was calibrated leave-one-out on simulated
damage (``benchmarks/accuracy.py``).

The language model is over Han characters, so a paragraph's Han characters are
scored as one stream: column-join spaces and punctuation do not disturb it.
Glyph edits replace one character by one, so the layout repair
(:func:`textrepair.ocr.layout.fix_layout`) that follows works on the same
offsets and both edit lists index the input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import regex

from ..lm.scorer import Model
from ..search import Option, Problem, beam_search_many
from ..types import Edit, Repair
from .confusion import ConfusionTable, load_confusions
from .layout import apply_edits, fix_layout

#: Prior log10 probability that a given character was misread (calibrated).
LOG_ERROR_RATE = -3.0
#: Extra log10 prior for a partial-glyph confusion (a component read alone).
LOG_PART_PRIOR = -0.5
#: Exponent on the glyph similarity in the channel probability.
SIMILARITY_WEIGHT = 2.0
#: Candidates considered per character (best similarity first).
MAX_CANDIDATES = 12
BEAM = 4

_BLOCK_BREAK = regex.compile(r"\n[ \t\u3000]*\n")
_HAN = regex.compile(r"\p{Han}")


@dataclass
class GlyphCorrector:
    """Noisy-channel glyph correction over paragraphs."""

    model: Model
    table: ConfusionTable
    log_error_rate: float = LOG_ERROR_RATE
    log_part_prior: float = LOG_PART_PRIOR
    similarity_weight: float = SIMILARITY_WEIGHT
    beam: int = BEAM

    def channel_cost(self, similarity: float, kind: str) -> float:
        cost = self.log_error_rate + self.similarity_weight * math.log10(max(similarity, 1e-6))
        return cost + (self.log_part_prior if kind == "part" else 0.0)

    def options(self, observed: str) -> list[Option]:
        opts = [Option(observed, 0.0)]
        for true, sim, kind in self.table.candidates(observed)[:MAX_CANDIDATES]:
            if true != observed and true in self.model:
                opts.append(Option(true, self.channel_cost(sim, kind)))
        return opts

    def correct(self, text: str) -> list[Edit]:
        """Glyph edits (offsets into *text*), all paragraphs decoded together in lockstep."""
        blocks = []  # (Han positions, slots) of each paragraph that has a decision to make
        start = 0
        for m in [*_BLOCK_BREAK.finditer(text), None]:
            end = m.start() if m else len(text)
            positions = [h.start() for h in _HAN.finditer(text, start, end)]
            slots = [self.options(text[p]) for p in positions]
            if any(len(s) > 1 for s in slots):
                blocks.append((positions, slots))
            start = m.end() if m else end
        decoded = beam_search_many(self.model, [Problem(slots) for _, slots in blocks], beam=self.beam)
        edits = []
        for (positions, slots), best in zip(blocks, decoded):
            chosen = [slot[c].text for slot, c in zip(slots, best.choices)]
            for k, p in enumerate(positions):
                if chosen[k] != text[p]:
                    conf = self._confidence(chosen, k, text[p], slots[k][best.choices[k]].cost)
                    edits.append(Edit(p, text[p], chosen[k], conf, "glyph"))
        return edits

    def _confidence(self, chosen: list[str], k: int, observed: str, cost: float) -> float:
        """How much better the correction is than keeping the character, locally, as a probability."""
        n = self.model.order - 1
        left = "".join(chosen[max(0, k - n) : k])
        right = "".join(chosen[k + 1 : k + 1 + n])
        fixed, kept = self.model.score([left + chosen[k] + right, left + observed + right], bos=False, eos=False)
        margin = float(fixed - kept) + cost
        return 1.0 / (1.0 + 10.0 ** (-margin))


def repair_ocr(text: str, model: Model, table: ConfusionTable | None = None) -> Repair:
    """Glyph corrections, then layout and punctuation; edits index *text*."""
    corrector = GlyphCorrector(model, table or load_confusions())
    glyph = corrector.correct(text)
    corrected = apply_edits(text, glyph)
    repaired, layout = fix_layout(corrected)
    edits = sorted(glyph + layout, key=lambda e: (e.offset, e.old != ""))  # insertions before replacements
    return Repair(repaired, "ocr", edits)
