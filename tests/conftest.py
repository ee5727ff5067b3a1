"""Shared test helpers."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from textrepair.edits import apply_edits
from textrepair.ocr.repair import GlyphCorrector

# the CLI run by tests never fetches the general models on first use (`make test` has them)
os.environ.setdefault("TEXTREPAIR_OFFLINE", "1")

OneFixCheck = Callable[[GlyphCorrector, str, str], None]


@pytest.fixture
def assert_one_glyph_fix() -> OneFixCheck:
    """Check that *corrector* turns *damaged* into *clean* with exactly one confident glyph edit."""

    def check(corrector: GlyphCorrector, clean: str, damaged: str) -> None:
        edits = corrector.correct(damaged)
        assert len(edits) == 1, edits
        (edit,) = edits
        k = next(i for i, (a, b) in enumerate(zip(clean, damaged)) if a != b)
        assert (edit.offset, edit.old, edit.new, edit.reason) == (k, damaged[k], clean[k], "glyph")
        assert corrector.config.min_confidence <= edit.confidence <= 1.0
        assert apply_edits(damaged, edits) == clean

    return check
