"""The joint search over slots (:mod:`textrepair.search`): the best path under the LM plus option
costs, found in lockstep for many problems."""

from __future__ import annotations

import itertools
import random

import pytest

from textrepair.lm import Model, estimate
from textrepair.search import Option, Problem, beam_search, beam_search_many

MODEL = Model(ngram_model=estimate(["树林里休息", "树木旁边有小河", "他在河边休息"] * 3, 3))


def _exhaustive(slots: list[list[Option]]) -> float:
    best = -float("inf")
    for choice in itertools.product(*(range(len(s)) for s in slots)):
        text = "".join(s[c].text for s, c in zip(slots, choice))
        cost = sum(s[c].cost for s, c in zip(slots, choice))
        best = max(best, float(MODEL.score([text])[0]) + cost)
    return best


def _problem(rng: random.Random) -> list[list[Option]]:
    """Slots with long runs of single options between a few decisions."""
    alphabet = "树林里休息木旁边有小河他在"
    slots = []
    for _ in range(rng.randint(1, 30)):
        if rng.random() < 0.15:
            k = rng.randint(2, 3)
            slots.append([Option(c, -rng.random()) for c in rng.sample(alphabet, k)])
        else:
            slots.append([Option(rng.choice(alphabet))])
    return slots


def test_a_wide_beam_finds_the_exhaustive_best() -> None:
    rng = random.Random(3)
    problems = [_problem(rng) for _ in range(40)]
    problems = [p for p in problems if sum(len(s) > 1 for s in p) <= 5]
    decoded = beam_search_many(MODEL, [Problem(p) for p in problems], beam=64)
    for slots, d in zip(problems, decoded):
        assert d.score == pytest.approx(_exhaustive(slots), abs=1e-9)
        assert d.score == pytest.approx(
            float(MODEL.score([d.text(slots)])[0])
            + sum(s[c].cost for s, c in zip(slots, d.choices)),
            abs=1e-9,
        )
        assert beam_search(MODEL, slots, beam=64).choices == d.choices  # alone as in lockstep


class _Counting:
    """The model, counting the characters it is asked to score."""

    def __init__(self, model: Model) -> None:
        self.model, self.chars = model, 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.model, name)

    def score_continuations(self, states, texts, eos=False):  # type: ignore[no-untyped-def]
        self.chars += sum(map(len, texts))
        return self.model.score_continuations(states, texts, eos)


def test_fixed_text_is_read_once_per_hypothesis_not_per_option() -> None:
    run = "树木旁边有小河他在河边" * 20  # 220 characters taken as read
    slots = [[Option("树"), Option("林"), Option("木")], *([Option(c)] for c in run)]
    slots.append([Option(c) for c in "休息里河"])
    counting = _Counting(MODEL)
    beam_search_many(counting, [Problem(slots)], beam=8)  # type: ignore[arg-type]
    # the run is scored once for each of the (at most 3) hypotheses, not for each of 4 options
    assert counting.chars < 4 * len(run)
