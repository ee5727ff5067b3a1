"""The garbage collector around repairs in a process the package drives (``textrepair restore``,
``collate``, ``batch`` and its workers).

The models a repair loads (the character and word LMs, the lexicons, the glyph tables and the
channel) are hundreds of megabytes of long-lived objects that never become garbage. CPython's
cyclic collector walks every tracked object in each full collection: while the models load it
runs again and again over a growing heap, and afterwards every full collection walks them
again. :func:`settled` turns the collector off while the first repair loads them, then moves
everything alive into the permanent generation (:func:`gc.freeze`) and turns it back on, so
later collections see only what the repairs allocate. Worker processes forked after that
inherit the frozen heap, and collections in them no longer write to its pages (which stay
shared between the workers instead of being copied into each). When the block ends the objects
are handed back to the collector (:func:`gc.unfreeze`) and its state is restored, so a Python
caller of :func:`textrepair.batch.run_batch` is left as it was.

The library calls (:func:`textrepair.restore`, :func:`textrepair.repair`) never touch the
collector: a program's collector is its own. Peak memory is the same either way (the repairs
make no cyclic garbage to speak of); the times are in docs/benchmarks.md.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


class Settling:
    """The collector's state inside :func:`settled`."""

    def __init__(self) -> None:
        self.enabled = gc.isenabled()
        self.frozen = False

    def loaded(self) -> None:
        """The models are in memory: freeze them out of later collections and collect again (as
        the collector was before the block). Only the first call does anything."""
        if self.frozen:
            return
        self.frozen = True
        gc.freeze()
        if self.enabled:
            gc.enable()


@contextmanager
def settled() -> Iterator[Settling]:
    """No cyclic collection until :meth:`Settling.loaded`; then the heap as it stands is frozen
    and collection resumes. On leaving, the frozen objects are handed back (:func:`gc.unfreeze`)
    and the collector is as it was before.

    >>> with settled() as s:
    ...     models = [list(range(3)) for _ in range(3)]  # what the first repair loads
    ...     s.loaded()
    >>> gc.get_freeze_count()
    0
    """
    state = Settling()
    gc.disable()
    try:
        yield state
    finally:
        if state.frozen:
            gc.unfreeze()
        if state.enabled:
            gc.enable()
