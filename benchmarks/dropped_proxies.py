"""Dropped-text restoration on proxies of the real case, next to a plain baseline.

The true text of the dropped national witness is not in the repository, so its
figure is measured elsewhere. These proxies damage clean text the models did
not learn from, in the witness's format, and score the restoration:

* ``loo`` -- each training draft held out in turn, the LM and word counts
  retrained on the other two (leave-one-draft-out; a provincial draft shares
  far less wording with the other two than the national text does with them);
* ``shared`` -- the paraphrase proxy: the passages of each held-out draft
  that another draft repeats verbatim (>= 10 Han characters), restored with
  the model of the other two (the national text is copied passage by passage
  into the drafts; this is the part of the real case the drafts know);
* ``general`` -- People's Daily text held out of the general model and never
  in the drafts (``corpora/real_ocr/general/*.truth.txt``, one document of
  witness length), segmented by jieba, restored with the shipped model;
* ``reviews`` -- the same for general text of another register: product and hotel
  reviews held out of the general model (``corpora/real_ocr/reviews``).
  ``dev`` is the same for the tuning slice (``corpora/real_ocr/dev``): not a
  result.

The drop set is not the witness's (that is not known either): ``top`` is the
85 most frequent characters of general usage (jieba's dictionary), ``sN``
85 drawn (seed N) from the 300 most frequent, so the inference is scored on
sets it was not built for, including frequent characters that policy text
hardly uses. Reported per proxy and drop set: the inferred drop set's
precision, and its recall counted over the deleted occurrences (a drop
character the text never used cannot be seen missing, and one used once costs
one insertion), then the same recall for the restorer's candidates (the set and
the absentees with weaker evidence, which it may also insert);
insertion P / R / F1 and CER (as ``benchmarks/accuracy.py``) for the restorer,
the restorer given the true drop set, and the baseline: a plain beam search
(beam 8) over the same character LM, drop set = characters the training text's
frequencies expect at least once but the document lacks, candidates = the 150
most frequent runs of drop-set characters in the training text.

``--segmenter snownlp`` cuts the text with snownlp's segmenter instead of jieba's
dictionary (the simulator's): the damage of a pipeline that segmented otherwise, where
the restorer must not trust jieba's cut (:mod:`textrepair.dropped.segmentation`).

    python benchmarks/dropped_proxies.py [--proxies loo,shared,general] [--drop-sets top,s0,s1]
    [--segmenter jieba|snownlp] [--set NAME=VALUE] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import config_with  # noqa: E402
from benchmarks.accuracy import fold_model, insertion_scores  # noqa: E402
from textrepair import api, noise  # noqa: E402
from textrepair.corpus import files_with_role, read_text, units_from_files  # noqa: E402
from textrepair.dropped.config import DroppedConfig  # noqa: E402
from textrepair.dropped.restorer import parse_line  # noqa: E402
from textrepair.lm.scorer import Model, Scorer  # noqa: E402
from textrepair.normalize import HAN, han_only  # noqa: E402
from textrepair.search import Option, beam_search_chunked  # noqa: E402
from textrepair.usage import most_frequent_chars  # noqa: E402

PROXIES = ("loo", "shared", "general", "reviews")
DROP_SIZE = 85
POOL = 300
SHARED_MIN = 10
BASELINE_RUNS = 150
BASELINE_BEAM = 8
SYSTEMS = ("restorer", "true-set", "baseline")


# --------------------------------------------------------------------------- damage
def sampled_drop_set(name: str, size: int = DROP_SIZE, pool: int = POOL) -> list[str]:
    """A drop set of *size* characters: ``top`` the most frequent of general usage (jieba's
    dictionary), ``sN`` drawn uniformly (seed N) from the *pool* most frequent."""
    if name == "top":
        return sorted(most_frequent_chars(size))
    return sorted(random.Random(int(name.lstrip("s"))).sample(most_frequent_chars(pool), size))


def shared_passages(text: str, others: Sequence[str], min_len: int = SHARED_MIN) -> list[str]:
    """Maximal runs of *text*'s Han characters covered by ``min_len``-grams that *others*
    contain."""
    grams = {o[i : i + min_len] for o in map(han_only, others) for i in range(len(o) - min_len + 1)}
    passages = []
    for line in text.splitlines():
        h = han_only(line)
        covered = [False] * len(h)
        for i in range(len(h) - min_len + 1):
            if h[i : i + min_len] in grams:
                covered[i : i + min_len] = [True] * min_len
        run = ""
        for ch, c in zip(h, covered + [False]):
            if c:
                run += ch
            elif run:
                passages.append(run)
                run = ""
        if run:
            passages.append(run)
    return passages


# --------------------------------------------------------------------------- baseline
def baseline_drop_set(damaged: str, train_counts: Counter[str]) -> list[str]:
    """Characters the training text's frequencies expect at least once in *damaged* but absent from
    it."""
    kept = Counter(damaged.replace(" ", "").replace("\n", ""))
    n, total = sum(kept.values()), sum(train_counts.values())
    return sorted(c for c, k in train_counts.items() if c not in kept and k / total * n >= 1.0)


def drop_runs(train_text: str, drop_set: set[str], limit: int = BASELINE_RUNS) -> list[str]:
    """The *limit* most frequent maximal runs of drop-set characters in the training text."""
    runs: Counter[str] = Counter()
    cur = ""
    for ch in train_text + "\n":
        if ch in drop_set:
            cur += ch
        elif cur:
            runs[cur] += 1
            cur = ""
    return [r for r, _ in runs.most_common(limit)]


def baseline_restore(damaged: str, model: Scorer, train_text: str) -> str:
    """The plain beam search: every gap offers nothing or one of the frequent runs, the LM
    decides."""
    ds = set(baseline_drop_set(damaged, Counter(HAN.findall(train_text))))
    runs = drop_runs(train_text, ds)
    lattices = []
    for line in damaged.split("\n"):
        parsed = parse_line(line)
        slots: list[list[Option]] = []
        for i, word in enumerate(parsed.words):
            vanished = parsed.vanished[i] > 0
            for j, ch in enumerate(word.kept):
                slots.append(
                    [Option(r) for r in runs]
                    if vanished and j == 0
                    else [Option("")] + [Option(r) for r in runs]
                )
                slots.append([Option(ch)])
        slots.append(
            [Option(r) for r in runs]
            if parsed.vanished[-1]
            else [Option("")] + [Option(r) for r in runs]
        )
        lattices.append(slots)
    choices = beam_search_chunked(model, lattices, chunk=64, beam=BASELINE_BEAM)
    return "\n".join(
        "".join(s[c].text for s, c in zip(slots, ch)) for slots, ch in zip(lattices, choices)
    )


# --------------------------------------------------------------------------- scoring
#: the restorer's settings (``--set``)
CONFIG = DroppedConfig()


def restore(system: str, damaged: str, model: Model, true_set: list[str], train_text: str) -> str:
    """One *system*'s restoration of *damaged* (see ``SYSTEMS``)."""
    if system == "restorer":
        return api.restore(damaged, "dropped", model, config=CONFIG)
    if system == "true-set":
        return api.restore(damaged, "dropped", model, drop_set=true_set, config=CONFIG)
    if system == "baseline":
        return baseline_restore(damaged, model, train_text)
    raise ValueError(f"unknown system {system!r}: one of {', '.join(SYSTEMS)}")


def occurrence_recall(chars: Sequence[str], deleted: Counter[str]) -> float:
    """Share of the deleted occurrences whose character is in *chars*."""
    found = set(chars)
    return sum(k for c, k in deleted.items() if c in found) / max(1, sum(deleted.values()))


def score(name: str, truth: str, damaged: str, restored: str) -> dict[str, object]:
    kept = set(damaged) - {" ", "\n"}
    return {"system": name, **insertion_scores(truth, restored.replace("\n", ""), kept)}


def documents(proxy: str, drafts: list[Path]) -> list[tuple[str, str, list[Path]]]:
    """``(name, clean text, training drafts)`` of one proxy."""
    if proxy in ("general", "reviews", "dev"):
        text = "\n".join(
            read_text(p)
            for p in sorted((ROOT / "corpora" / "real_ocr" / proxy).glob("*.truth.txt"))
        )
        return [(proxy, text, drafts)]
    out = []
    for held, path in enumerate(drafts):
        train = [f for i, f in enumerate(drafts) if i != held]
        text = read_text(path)
        if proxy == "shared":
            text = "\n".join(shared_passages(text, [read_text(f) for f in train]))
        out.append((path.stem, text, train))
    return out


def snownlp_segment(text: str) -> list[str]:
    """snownlp's segmenter (a character-based generative model, not jieba's dictionary): the
    damage of a pipeline that segmented otherwise. ``pip install snownlp`` first."""
    from snownlp import SnowNLP

    return list(SnowNLP(text).words) if text.strip() else []


#: who cuts the text into words before the characters are dropped
SEGMENTERS: dict[str, noise.Segmenter | None] = {"jieba": None, "snownlp": snownlp_segment}


def run(
    proxies: Sequence[str],
    drop_sets: Sequence[str],
    workdir: Path,
    systems: Sequence[str],
    segmenter: noise.Segmenter | None = None,
) -> list[dict[str, object]]:
    drafts = files_with_role("train")
    rows: list[dict[str, object]] = []
    models: dict[tuple[str, ...], Model] = {}
    for proxy in proxies:
        for name, text, train in documents(proxy, drafts):
            key = tuple(sorted(p.name for p in train))
            if key not in models:
                models[key] = (
                    api.load_model()
                    if len(train) == len(drafts)
                    else fold_model(train, workdir, f"m{len(models)}")
                )
            model = models[key]
            train_text = "\n".join(units_from_files(train))
            for draw in drop_sets:
                true_set = sampled_drop_set(draw)
                pairs = [
                    noise.drop_with_truth(line, true_set, segment=segmenter)
                    for line in text.splitlines()
                    if han_only(line)
                ]
                damaged, truth = "\n".join(d for d, _ in pairs), "".join(t for _, t in pairs)
                base = {
                    "proxy": proxy,
                    "doc": name,
                    "draw": draw,
                    "kept": len(HAN.findall(damaged)),
                    "han": len(truth),
                }
                inference = api.drop_set_inference(damaged, model, CONFIG)
                confirmed = inference.chars
                tested = inference.significant
                deleted = Counter(c for c in truth if c in set(true_set))
                ds = {  # ds_*: the significance test's set; conf_*: what the kept words confirm
                    "ds_P": len(set(tested) & set(true_set)) / max(1, len(tested)),
                    "ds_R": occurrence_recall(tested, deleted),
                    "ds_size": len(tested),
                    "conf_P": len(set(confirmed) & set(true_set)) / max(1, len(confirmed)),
                    "conf_R": occurrence_recall(confirmed, deleted),
                    "conf_size": len(confirmed),
                    "candidates": len(inference.candidates),
                    "cand_R": occurrence_recall(inference.candidates, deleted),
                }
                if "drop-set" in systems:
                    rows.append({**base, "system": "drop-set", **ds})
                for system in systems:
                    if system == "drop-set":
                        continue
                    t = time.perf_counter()
                    out = restore(system, damaged, model, true_set, train_text)
                    row = {
                        **base,
                        **score(system, truth, damaged, out),
                        "seconds": time.perf_counter() - t,
                    }
                    if system == "restorer":
                        row.update(ds)
                    rows.append(row)
                    print(
                        f"  {proxy} {name} draw {draw} {system}: F1 {row['F1']:.3f} CER "
                        f"{row['CER']:.4f}"
                        + (
                            f" drop set P {ds['ds_P']:.2f} R {ds['ds_R']:.2f} ({ds['ds_size']})"
                            if system == "restorer"
                            else ""
                        ),
                        file=sys.stderr,
                    )
    return rows


def mean(rows: list[dict[str, object]], key: str) -> float:
    vals = [float(r[key]) for r in rows if key in r]  # type: ignore[arg-type]
    return sum(vals) / len(vals) if vals else float("nan")


def report_drop_sets(rows: list[dict[str, object]]) -> None:
    """The drop-set inference alone: the significance test's set, the set its word evidence
    confirms, and the restorer's candidates."""
    print(
        "| proxy | drop sets | test P | R | size | confirmed P | R | size | candidates R | size |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    groups = dict.fromkeys((str(r["proxy"]), str(r["draw"]) == "top") for r in rows)
    for proxy, top in groups:
        sub = [r for r in rows if r["proxy"] == proxy and (str(r["draw"]) == "top") == top]
        label = "top" if top else ",".join(dict.fromkeys(str(r["draw"]) for r in sub))
        cells = [
            f"{mean(sub, k):.3f}"
            if not k.endswith("size") and k != "candidates"
            else f"{mean(sub, k):.0f}"
            for k in (
                "ds_P",
                "ds_R",
                "ds_size",
                "conf_P",
                "conf_R",
                "conf_size",
                "cand_R",
                "candidates",
            )
        ]
        print(f"| {proxy} | {label} | " + " | ".join(cells) + " |")


def report(rows: list[dict[str, object]]) -> None:
    inference = [r for r in rows if r["system"] == "drop-set"]
    rows = [r for r in rows if r["system"] != "drop-set"]
    if inference:
        report_drop_sets(inference)
    if not rows:
        return
    print(
        "| proxy | drop sets | system | insertion P | R | F1 | CER | drop set P | R | size | "
        "candidates R | size | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    groups = dict.fromkeys((str(r["proxy"]), str(r["draw"]) == "top") for r in rows)
    for proxy, top in groups:
        for system in dict.fromkeys(str(r["system"]) for r in rows):
            sub = [
                r
                for r in rows
                if r["proxy"] == proxy
                and (str(r["draw"]) == "top") == top
                and r["system"] == system
            ]
            if not sub:
                continue
            label = "top" if top else ",".join(dict.fromkeys(str(r["draw"]) for r in sub))
            ds = (
                f"{mean(sub, 'ds_P'):.3f} | {mean(sub, 'ds_R'):.3f} | {mean(sub, 'ds_size'):.0f} | "
                f"{mean(sub, 'cand_R'):.3f} | {mean(sub, 'candidates'):.0f}"
                if "ds_P" in sub[0]
                else "— | — | — | — | —"
            )
            print(
                f"| {proxy} | {label} | {system} | {mean(sub, 'P'):.3f} | {mean(sub, 'R'):.3f} | "
                f"{mean(sub, 'F1'):.3f} | "
                f"{mean(sub, 'CER') * 100:.2f} % | {ds} | {mean(sub, 'seconds'):.1f} |"
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--proxies",
        default=",".join(PROXIES),
        help="comma-separated: loo, shared, general, reviews, dev",
    )
    ap.add_argument(
        "--drop-sets",
        default="top,s0,s1",
        help="comma-separated: top (the most frequent characters), sN (sampled, seed N)",
    )
    ap.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help="comma-separated: restorer (inferred drop set), true-set (given the true one), "
        "baseline, drop-set (the inferred drop set alone, no restoration)",
    )
    ap.add_argument(
        "--segmenter",
        choices=sorted(SEGMENTERS),
        default="jieba",
        help="who cuts the text into words before the characters are dropped: jieba's dictionary "
        "(as the damage simulator) or snownlp's segmenter (pip install snownlp)",
    )
    ap.add_argument("--json", type=Path, help="also write every row here")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a DroppedConfig setting for the restorer (repeatable), e.g. long_match_weight=0",
    )
    args = ap.parse_args(argv)
    global CONFIG
    CONFIG = config_with(DroppedConfig, args.set)
    systems = args.systems.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        rows = run(
            args.proxies.split(","),
            args.drop_sets.split(","),
            Path(tmp),
            systems,
            SEGMENTERS[args.segmenter],
        )
    report(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
