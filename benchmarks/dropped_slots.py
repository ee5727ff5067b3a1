"""Where dropped-text restoration loses, slot by slot, and what the models know there.

A damaged line is a sequence of slots: each kept word (its options: the lexicon words that
reduce to it) and each run of vanished words (its options: sequences of drop-set words).
For every slot with more than one option this reports whether the true text is among the
options, whether the decoder (the first decoding) picks it, and which option each model
would pick if it were told the true neighbours: the character LM the restorer decodes with
(the true text before the slot, the option and five true characters after it), the general
word trigram (four true characters each side), and both added, each plus the option's
prior cost. The drop set is given (the true one), so the inference is not what is measured.

    python benchmarks/dropped_slots.py [--proxy dev] [--drop-sets top,s0]

``dev`` (general text held out of every model, never a scored set) is the default; any
proxy of ``benchmarks/dropped_proxies.py`` that uses the shipped model (general, reviews,
dev) can be named.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dropped_proxies import CONFIG, documents, sampled_drop_set  # noqa: E402
from textrepair import api, noise  # noqa: E402
from textrepair.corpus import files_with_role  # noqa: E402
from textrepair.dropped.restorer import parse_line  # noqa: E402
from textrepair.normalize import han_only  # noqa: E402

#: characters of true context each side for the word trigram
WORD_WINDOW = 4
#: characters of true context after the option for the character LM
RIGHT = 5
KINDS = ("kept whole", "characters deleted", "vanished words")


def slot_truths(line: str, drop_set: set[str]) -> tuple[str, list[str], list[str]]:
    """The damaged line, the true form of each kept word, and the true run of vanished words
    before each kept word (and after the last)."""
    words = noise.han_words(line, noise.fine_segment)
    kept, gaps, pending = [], [], []
    for w in words:
        if any(c not in drop_set for c in w):
            gaps.append("".join(pending))
            pending = []
            kept.append(w)
        else:
            pending.append(w)
    gaps.append("".join(pending))
    return noise.drop_words(words, drop_set), kept, gaps


def run(proxy: str, draw: str) -> dict[str, Counter[str]]:
    [(_, text, _)] = documents(proxy, files_with_role("train"))
    model = api.load_model()
    true_set = sampled_drop_set(draw)
    drop = set(true_set)
    lines = [slot_truths(ln, drop) for ln in text.splitlines() if han_only(ln)]
    damaged = "\n".join(d for d, _, _ in lines)
    weight = api.drop_set_inference(damaged, model, CONFIG, confirm=False).domain_weight
    restorer = api.dropped_restorer(model, true_set, weight, CONFIG)
    lm, words = restorer.lm, restorer.words
    assert words is not None, "the word trigram is needed (textrepair fetch wordlm)"
    lattices = restorer.lattices([parse_line(d) for d, _, _ in lines])
    choices = restorer._decode(lattices)
    stats: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    for lat, chosen, (_, kept, gaps) in zip(lattices, choices, lines):
        truths = [kept[i] if kind == "word" else gaps[i] for kind, i in lat.kinds]
        for k, ((kind, i), slot) in enumerate(zip(lat.kinds, lat.slots)):
            if len(slot) < 2:
                continue
            texts = [o.text for o in slot]
            truth = truths[k]
            if kind == "gap":
                name = "vanished words"
            else:
                name = "kept whole" if truth == lat.parsed.words[i].kept else "characters deleted"
            s = stats[name]
            s["slots"] += 1
            if truth not in texts:
                continue
            s["offered"] += 1
            s["decoder"] += texts[chosen[k]] == truth
            left, right = "".join(truths[:k]), "".join(truths[k + 1 :])
            cost = np.array([o.cost for o in slot])
            state = lm.begin_state().extend(left, lm.order)
            char = lm.score_continuations([state] * len(texts), [t + right[:RIGHT] for t in texts])
            word = np.array(words.logprob_many(left[-WORD_WINDOW:], texts, right[:WORD_WINDOW]))
            at = texts.index(truth)
            for model_name, score in (("char", char), ("word", word), ("both", char + word)):
                s[model_name] += int(np.argmax(score + cost) == at)
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--proxy", default="dev", help="general, reviews or dev")
    ap.add_argument("--drop-sets", default="top,s0")
    args = ap.parse_args(argv)
    print(
        "| drop set | slot | slots | truth among the options | decoder picks it | "
        "told the true neighbours: char LM / word trigram / both (of those offered) |"
    )
    print("|---|---|---|---|---|---|")
    for draw in args.drop_sets.split(","):
        for name, s in run(args.proxy, draw).items():
            n, off = s["slots"], max(s["offered"], 1)
            print(
                f"| {draw} | {name} | {n} | {s['offered'] / max(n, 1):.3f} | "
                f"{s['decoder'] / max(n, 1):.3f} | {s['char'] / off:.3f} / {s['word'] / off:.3f}"
                f" / {s['both'] / off:.3f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
