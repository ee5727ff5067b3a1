"""``make run``: restore the two damaged national witnesses in corpora/ into out/.

Prints a short summary per witness: what kind it was treated as, the edits by
reason, the time taken, and where the result went (for the dropped witness also a
version with punctuation restored, ``*.punct.txt``); then the two collated into one
text (``national_yijian.collated.txt``), with what each contributed and how many
disagreements were settled. The witnesses are inputs only; nothing here knows their
true text.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from . import api
from .corpus import CORPORA_DIR, files_with_role, read_text
from .explain import format_edits
from .lm.scorer import Model
from .textio import write_text_atomic
from .types import Kind, Repair

OUT_DIR = CORPORA_DIR.parent / "out"


def run(out_dir: Path = OUT_DIR) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    model = api.load_model()
    print(
        f"model: {model.path} (order {model.order}, {len(model.vocab)} tokens), loaded in "
        f"{time.perf_counter() - t0:.2f}s"
    )
    jobs: tuple[tuple[str, Kind], ...] = (("witness-dropped", "dropped"), ("witness-ocr", "ocr"))
    repaired: dict[str, tuple[str, Repair]] = {}  # what the collation below reuses
    for role, kind in jobs:
        for path in files_with_role(role):
            text = read_text(path)
            detected = api.detect(text)
            t = time.perf_counter()
            result = api.repair(text, kind, model)
            elapsed = time.perf_counter() - t
            target = out_dir / path.name.replace(".txt", ".restored.txt")
            write_text_atomic(target, result.text + "\n")
            write_text_atomic(
                out_dir / path.name.replace(".txt", ".edits.txt"), format_edits(text, result)
            )
            counts = Counter(e.reason for e in result.edits)
            chars = Counter(len(e.new) for e in result.edits if e.reason == "insertion")
            inserted = sum(len(e.new) for e in result.edits if e.reason == "insertion")
            print(
                f"\n{path.name}: detected {detected.kind} ({detected.confidence:.2f}), repaired "
                f"as {kind} in {elapsed:.2f}s"
            )
            print(
                "  edits: " + (", ".join(f"{n} {r}" for r, n in sorted(counts.items())) or "none")
            )
            if kind == "dropped":
                print(
                    f"  inserted characters: {inserted} in {sum(chars.values())} gaps; output "
                    f"{len(result.text)} characters"
                )
                marked = api.repair(text, kind, model, punct=True)
                repaired[kind] = (text, marked)
                punct_target = out_dir / path.name.replace(".txt", ".punct.txt")
                write_text_atomic(punct_target, marked.text + "\n")
                marks = sum(
                    e.reason == "punctuation" or any(m in e.new for m in "，。、；")
                    for e in marked.edits
                )
                print(
                    f"  with --punct: {marks} gaps get punctuation -> "
                    f"{punct_target.relative_to(CORPORA_DIR.parent)}"
                )
            repaired.setdefault(kind, (text, result))
            print(
                f"  -> {target.relative_to(CORPORA_DIR.parent)}  (edits listed in "
                f"{target.name.replace('.restored', '.edits')})"
            )
            print("  " + result.text[:80].replace("\n", " ") + "…")
    if "dropped" in repaired and "ocr" in repaired:
        collate_witnesses(out_dir, model, repaired["dropped"], repaired["ocr"])
    return 0


def collate_witnesses(
    out_dir: Path, model: Model, dropped: tuple[str, Repair], ocr: tuple[str, Repair]
) -> None:
    """Collate the two witnesses from their repairs above (``(text, repair)`` each)."""
    from .collate import collate_repairs

    t = time.perf_counter()
    result = collate_repairs(dropped, ocr, model)
    target = out_dir / "national_yijian.collated.txt"
    write_text_atomic(target, result.text + "\n")
    by_how = Counter(s.how for s in result.sources)
    why = Counter(d.why for d in result.disagreements)
    names = [files_with_role(r)[0].name for r in ("witness-dropped", "witness-ocr")]
    print(
        f"\ncollated {names[0]} + {names[1]} in {time.perf_counter() - t:.2f}s "
        f"(they agree on {result.agreement:.1%} of the kept characters)"
    )
    print(
        f"  {len(result.text)} characters: {by_how['kept']} kept characters of the dropped copy, "
        f"{by_how['read']} from the reprint, {by_how['restored']} from the dropped copy's "
        "restoration"
    )
    print(
        f"  {len(result.disagreements)} disagreements settled: "
        + ", ".join(f"{n} {w}" for w, n in why.most_common())
    )
    print(f"  -> {target.relative_to(CORPORA_DIR.parent)}")
    print("  " + result.text[:80].replace("\n", " ") + "…")


if __name__ == "__main__":
    sys.exit(run())
