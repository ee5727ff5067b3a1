"""OCR repair scored on what real engines read: Tesseract and PP-OCRv4 on rendered newspaper pages.

The pages were rendered and read by ``tools/realocr.py`` (``make real-ocr-data``);
their OCR output is committed under ``corpora/real_ocr/``, so this reruns without
the engines. ``--engine`` picks whose readings are scored: Tesseract 5 ``chi_sim``
(default) or PaddleOCR's PP-OCRv4 models run by RapidOCR (``ppocr``), the same page
images. Three text sets, each in three faces (Noto Serif CJK, AR PL UMing,
WenQuanYi Zen Hei):

* ``drafts`` -- each training draft held out in turn, the LM retrained on the
  other two (leave-one-draft-out; the policy-text figure);
* ``general`` -- People's Daily text that none of the project's models was
  trained on (held out of the general model, never in the drafts);
* ``reviews`` -- general text of another register: product and hotel reviews,
  also held out of the general model;
* ``dev`` -- more held-out general text, for tuning: not a result.

For every document the truth and the OCR output are aligned on their Han
characters, and so are the OCR output and the repair. Reported per set and face:
substitution errors the engine made, how many the repair fixed, changed to
another wrong character, or left; false corrections (a right character changed)
and their rate per 10 000 characters; the error reduction ``1 - d(truth,
repaired) / d(truth, OCR)`` over Han edit distance (insertions and deletions
included); the candidate coverage (substitutions whose true character is among
the repairer's candidates for what was read); and the change rate on the clean
truth (do no harm).

    python benchmarks/real_ocr.py [--sets drafts,general,reviews] [--faces uming]
    [--channel auto|tesseract|none|PATH] [--engine tesseract|ppocr] [--json FILE]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from benchmarks._common import config_with  # noqa: E402
from benchmarks.accuracy import fold_model  # noqa: E402
from textrepair import api  # noqa: E402
from textrepair.corpus import files_with_role  # noqa: E402
from textrepair.normalize import HAN as _HAN  # noqa: E402
from textrepair.ocr.channel import align, han  # noqa: E402
from textrepair.ocr.config import AUTO, OcrConfig  # noqa: E402
from textrepair.ocr.repair import (  # noqa: E402
    glyph_edits,
    make_corrector,
    repair_ocr,
    with_glyph_edits,
)

DATA = ROOT / "corpora" / "real_ocr"
SETS = ("drafts", "general", "reviews")
FACES = ("notoserif", "uming", "zenhei")


#: the engines whose readings are committed, and the suffix of their files
ENGINES = {"tesseract": "ocr", "ppocr": "ppocr"}


def documents(
    set_name: str, faces: tuple[str, ...] = FACES, engine: str = "tesseract"
) -> list[tuple[str, str, str, str]]:
    """``(doc, face, truth, ocr)`` of one committed set, as *engine* read it."""
    folder = DATA / set_name
    out = []
    for truth_path in sorted(folder.glob("*.truth.txt")):
        doc = truth_path.name[: -len(".truth.txt")]
        truth = truth_path.read_text(encoding="utf-8")
        for face in faces:
            ocr_path = folder / f"{doc}.{face}.{ENGINES[engine]}.txt"
            if ocr_path.exists():
                out.append((doc, face, truth, ocr_path.read_text(encoding="utf-8")))
    return out


def true_characters(truth: str, ocr: str) -> dict[int, str]:
    """For each Han character of *ocr* (by its offset), the true character it stands for ("" if
    invented)."""
    true_of = [a for a, b in align(han(truth), han(ocr)) if b]
    return {m.start(): t for m, t in zip(_HAN.finditer(ocr), true_of)}


def score(
    truth: str, ocr: str, repaired: str, candidates: Callable[[str, int], set[str]] | None = None
) -> Counter[str]:
    """Counts for one document (see the module doc). *candidates*: ``f(read_han, k) -> set`` or
    None."""
    t, o, r = han(truth), han(ocr), han(repaired)
    c: Counter[str] = Counter(
        han=len(t), before=Levenshtein.distance(t, o), after=Levenshtein.distance(t, r)
    )
    true_of: list[
        str
    ] = []  # per OCR position: the true character ("" where the engine invented one)
    for a, b in align(t, o):
        if b:
            true_of.append(a)
        else:
            c["deletions"] += 1
    read_as: list[str] = []  # per OCR position: what the repair made of it ("" if it removed it)
    for a, b in align(o, r):
        if a:
            read_as.append(b)
        else:
            c["inserted"] += 1
    for k, (tc, oc, rc) in enumerate(zip(true_of, o, read_as)):
        if tc == oc:
            c["false"] += rc != oc
        elif not tc:
            c["insertions"] += 1
            c["insertions_removed"] += rc == ""
        else:
            c["subs"] += 1
            if rc == tc:
                c["fixed"] += 1
            elif rc != oc:
                c["wrong"] += 1
            if candidates is not None:
                c["covered"] += tc in candidates(o, k)
    return c


def run(
    sets: tuple[str, ...],
    faces: tuple[str, ...],
    channel: str | None,
    workdir: Path,
    config: OcrConfig | None = None,
    engine: str = "tesseract",
) -> list[dict]:
    drafts = files_with_role("train")
    folds: dict[int, object] = {}
    clean_changes: dict[tuple[str, str], int] = {}
    warm: set[int] = set()
    rows = []
    for set_name in sets:
        docs = documents(set_name, faces, engine)
        for doc, face, truth, ocr in docs:
            if set_name == "drafts":
                held = [p.stem for p in drafts].index(doc)
                if held not in folds:
                    folds[held] = fold_model(
                        [p for i, p in enumerate(drafts) if i != held], workdir, f"fold{held}"
                    )
                model = folds[held]
            else:
                model = api.load_model()
            if id(model) not in warm:  # the correctors' indexes are built once, not timed
                warm.add(id(model))
                for c in ("tesseract", None) if channel == AUTO else (channel,):
                    make_corrector(model, channel=c, config=config).correct(ocr[:300])
                gc.freeze()  # timed as a batch worker repairs: the loaded heap frozen
            t0 = time.perf_counter()
            # the corrector that read it ("auto" picks one per document) gives the coverage
            corrector, found = glyph_edits(ocr, model, channel=channel, config=config)
            repaired = with_glyph_edits(ocr, found).text
            seconds = time.perf_counter() - t0
            counts = score(truth, ocr, repaired, corrector.candidates_at)
            if (set_name, doc) not in clean_changes:  # the same truth and model for every face
                clean = repair_ocr(truth, model, channel=channel, config=config).text
                clean_changes[set_name, doc] = Levenshtein.distance(han(truth), han(clean))
            counts["clean_changes"] = clean_changes[set_name, doc]
            rows.append({"set": set_name, "doc": doc, "face": face, "seconds": seconds, **counts})
    return rows


def summarise(rows: list[dict], key: tuple[str, ...]) -> list[dict]:
    groups: dict[tuple, Counter] = {}  # a Counter reads 0 for a count no document had
    for row in rows:
        g = groups.setdefault(tuple(row[k] for k in key), Counter())
        g.update(
            {
                k: v
                for k, v in row.items()
                if isinstance(v, (int, float)) and not isinstance(v, bool)
            }
        )
    out = []
    for k, g in groups.items():
        out.append(
            {
                **dict(zip(key, k)),
                **g,
                "error_reduction": 1 - g["after"] / g["before"] if g["before"] else 0.0,
                "false_per_10k": 1e4 * g["false"] / g["han"],
                "clean_per_10k": 1e4 * g["clean_changes"] / g["han"],
                "coverage": g["covered"] / g["subs"] if g["subs"] else 0.0,
                "han_per_s": g["han"] / g["seconds"] if g["seconds"] else 0.0,
            }
        )
    return out


def print_table(summary: list[dict], key: tuple[str, ...]) -> None:
    head = [
        *key,
        "Han",
        "errors",
        "subs",
        "fixed",
        "wrong",
        "false",
        "false/10k",
        "error red.",
        "coverage",
        "clean/10k",
        "Han/s",
    ]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for s in summary:
        cells = [
            *(str(s[k]) for k in key),
            *(str(s.get(k, 0)) for k in ("han", "before", "subs", "fixed", "wrong", "false")),
            f"{s['false_per_10k']:.1f}",
            f"{s['error_reduction']:.1%}",
            f"{s['coverage']:.0%}",
            f"{s['clean_per_10k']:.1f}",
            f"{s['han_per_s']:.0f}",
        ]
        print("| " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sets", default=",".join(SETS), help="comma-separated: drafts, general, reviews, dev"
    )
    ap.add_argument("--faces", default=",".join(FACES))
    ap.add_argument(
        "--channel",
        default=AUTO,
        help="'auto' (the default of the API and CLI: the shipped channel or none, per "
        "document), a channel file, 'tesseract' (the shipped one) or 'none' (the glyph tables "
        "alone)",
    )
    ap.add_argument(
        "--engine",
        choices=sorted(ENGINES),
        default="tesseract",
        help="whose readings to score: Tesseract 5 (default) or PP-OCRv4 (RapidOCR)",
    )
    ap.add_argument("--json", type=Path, help="write every document's counts here")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override one OcrConfig setting (repeatable), e.g. --set min_confidence=0.8",
    )
    args = ap.parse_args(argv)
    sets, faces = tuple(args.sets.split(",")), tuple(args.faces.split(","))
    config = config_with(OcrConfig, args.set)
    with tempfile.TemporaryDirectory() as tmp:
        rows = run(sets, faces, args.channel, Path(tmp), config, args.engine)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print_table(summarise(rows, ("set", "face")), ("set", "face"))
    print()
    print_table(summarise(rows, ("set",)), ("set",))
    return 0


if __name__ == "__main__":
    sys.exit(main())
