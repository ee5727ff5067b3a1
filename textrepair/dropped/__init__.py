"""Restoring character-dropped text: the restorer, its drop set, its lexicon and punctuation.

* :mod:`.restorer` -- the decoder: a beam search over the gaps of each line, words
  from the lexicon, scored by the character LM (with the general model mixed in);
* :mod:`.dropset` -- which characters the pipeline deleted, inferred from the text;
* :mod:`.lexicon` -- the words whose reductions the kept characters may be;
* :mod:`.punct` -- putting ，。、； back at word ends (``punct=True``).
"""

from .restorer import DroppedRestorer, FormatWarning, looks_dropped, parse_line

__all__ = ["DroppedRestorer", "FormatWarning", "looks_dropped", "parse_line"]
