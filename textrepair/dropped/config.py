"""Every tuning value of the dropped-text restorer, in one frozen object.

Pass a :class:`DroppedConfig` to :func:`textrepair.repair` (``config=``); change
one value with :func:`dataclasses.replace`::

    >>> import dataclasses
    >>> wider = dataclasses.replace(DroppedConfig(), beam=16)
    >>> wider.beam, DroppedConfig().beam
    (16, 8)
    >>> [round(DroppedConfig().general_weight_for(w), 2) for w in (1.0, 0.5, 0.0)]
    [0.3, 0.65, 1.0]

*Leave-one-out* values were chosen on the simulated damage of each draft held
out in turn (``benchmarks/accuracy.py``); *proxies*, on the dropped-text proxies
(``benchmarks/dropped_proxies.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..search import BEAM


@dataclass(frozen=True)
class DroppedConfig:
    """The dropped restorer's settings (see :mod:`textrepair.dropped.restorer` for the model they
    tune)."""

    # --- the decoder
    #: weight of log10 P(word | kept characters) against the character LM (leave-one-out)
    word_weight: float = 0.6
    #: log10 bonus per inserted character: the LM charges every extra character, so
    #: without it the search prefers short strings (leave-one-out)
    insert_bonus: float = 0.5
    #: hypotheses kept per step of the search
    beam: int = BEAM
    #: words a group of kept characters may expand to (most probable first)
    max_expansions: int = 30
    #: words of drop-set characters only considered for a vanished word ...
    max_fillers: int = 100
    #: ... and sequences of them for a gap where several words vanished
    max_filler_sequences: int = 60
    #: sequences of such words added to each gap's options, ranked by the LM between the kept
    #: characters around the gap (0: off) ...
    context_fillers: int = 10
    #: ... drawn from this many of the most probable such words
    context_filler_pool: int = 300
    #: slots per independently decoded chunk of a long line
    chunk_slots: int = 64

    # --- the language model and the lexicon, per document
    #: share of the general newspaper model in the character LM for a document that reads
    #: like the training text (domain weight 1) ... (proxies)
    general_weight_domain: float = 0.3
    #: ... and for one that reads like general usage (domain weight 0); linear in between (proxies)
    general_weight_general: float = 1.0
    #: the training text's share of the lexicon at most (and the general dictionary's at least 1 -
    #: this)
    lexicon_domain_weight: float = 0.9

    # --- long matches against the training text (:mod:`textrepair.lm.longmatch`)
    #: share of the longest-match estimate in the LM where the training text holds the
    #: context verbatim (0: off) (proxies)
    long_match_weight: float = 0.5
    #: ... only where that context is at least this long (the n-gram model sees 5 characters)
    long_match_min_context: int = 6
    #: the longest context looked up (the decoder's state carries this many characters); 8-24
    #: restore every proxy and the witness alike, and each length costs a lookup per step
    #: (proxies)
    long_match_max_context: int = 12

    # --- general usage (the general word trigram, :mod:`textrepair.lm.words`)
    #: weight of the word trigram's log10 probability of each option in the window of the first
    #: decoding's neighbours, added to its cost before a second decoding, for a document that
    #: reads like general usage (domain weight 0) (dev) ...
    usage_weight: float = 1.0
    #: ... and for one that reads like the training text (domain weight 1); linear in between;
    #: 0 at both ends turns it off (proxies)
    usage_weight_domain: float = 0.3
    #: characters either side of the option that the word trigram sees
    usage_window: int = 4
    #: slots either side of a weighed one decided again with it (as many as the word trigram
    #: saw; not tuned)
    usage_span: int = 4
    #: only slots whose first decoding's confidence is below this are weighed (the rest are
    #: settled, and the word trigram is the slow part) (dev)
    usage_below: float = 0.99

    # --- the segmenter's cut (:mod:`textrepair.dropped.segmentation`)
    #: log10 cost of each disagreement between an unsettled option's cut by jieba's dictionary,
    #: with its neighbours as the first decoding chose them, and the word boundaries the damaged
    #: text records; charged before the second decoding; 0 turns it off (dev)
    segment_weight: float = 2.0
    #: slots either side of the option that the cut sees (dev: 1 and 2 alike)
    segment_span: int = 1
    #: the cut is not consulted where it crosses more than this share of the word boundaries
    #: between settled slots (:meth:`~textrepair.dropped.restorer.DroppedRestorer.
    #: segment_disagreement`): the document was segmented otherwise. Above every proxy cut by
    #: jieba's dictionary (0-1.2 %), below those cut by snownlp's segmenter (4-5.5 %, where the
    #: cut costs F1) (proxies)
    segment_max_disagreement: float = 0.015
    #: boundaries the measure counts as seen and uncrossed beside the document's own, so that a
    #: line or two restored alone is not judged by one crossing (a document of witness length
    #: has about 3 000)
    segment_prior: int = 100

    # --- the drop set
    #: level of the per-character test that calls an absent character deleted (proxies)
    drop_set_alpha: float = 0.05
    #: the test considers only characters that could reach significance with a drop set of at
    #: most this share of the text's characters
    max_dropped_mass: float = 0.5
    #: absent characters at least this likely (a negative-binomial posterior) to have been
    #: dropped are insertion candidates too, beside the significant set (proxies)
    candidate_posterior: float = 0.2
    #: a significant absentee stays in the reported drop set only where its absence and the
    #: fragments its words left among the kept words (:func:`~textrepair.dropped.dropset.
    #: fragment_evidence`) reach these natural-log odds together; the restorer's candidates do
    #: not depend on it (proxies)
    drop_set_min_evidence: float = 4.0

    def lexicon_weight_for(self, domain_weight: float) -> float:
        """The domain's share of the lexicon for a document whose domain weight is
        *domain_weight* (rounded to a tenth and clipped so that both sources keep a share: a
        word only one of them knows stays possible)."""
        dw = round(min(max(domain_weight, 0.0), 1.0), 1)
        most = self.lexicon_domain_weight
        return min(max(dw, 1.0 - most), most)

    def usage_weight_for(self, domain_weight: float) -> float:
        """The word trigram's weight for a document whose domain weight is *domain_weight*."""
        span = self.usage_weight_domain - self.usage_weight
        return self.usage_weight + span * domain_weight

    def general_weight_for(self, domain_weight: float) -> float:
        """The general model's share in the LM for a document whose domain weight is
        *domain_weight*."""
        span = self.general_weight_domain - self.general_weight_general
        return self.general_weight_general + span * domain_weight
