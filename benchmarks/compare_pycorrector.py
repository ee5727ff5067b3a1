"""Our OCR glyph correction side by side with pycorrector's kenlm ``Corrector``, same LM file.

    make bench-pycorrector
    # or: .venv-bench/bin/python benchmarks/compare_pycorrector.py [--folds 0,1,2] [--draws 5]

pycorrector's package import pulls torch and transformers, so this runs in a
separate venv (``.venv-bench``, made by ``make bench-pycorrector``: CPU torch
2.13.0 first, then pycorrector 1.1.4 with ``--no-deps`` and the few modules
its import needs); the project's own venv and tests never see torch.

Protocol (as ``run_ocr`` in ``benchmarks/accuracy.py``, whose ``fold_model``
trains the fold models): for each clean draft, train an order-6 model on the
other two, damage the held-out draft with ``textrepair.noise.ocr`` (glyph
substitutions from ``models/ocr_sim.tsv`` only, same seeds and number of draws)
at 0.2 %, 1 % and 3 %, and correct it with

* ``GlyphCorrector`` (noisy channel over ``models/confusion.tsv``), and
* ``pycorrector.Corrector(language_model_path=<the same fold ARPA>)`` with its
  defaults (threshold 57, its shipped same-pinyin / same-stroke confusion sets,
  word-frequency file, person / place / proper-name lists and stop words).

Both also run on the clean held-out draft (do-no-harm change rate). Counts are
summed over the folds and draws; error reduction is the mean over them, as in
``accuracy.py``. "False corrections" are changes at positions that were not
damaged; a change at a damaged position to the wrong character counts in
"corrections made" but neither as correct nor false.

Feeding pycorrector the character LM fairly: our ARPA's tokens are single Han
characters (training text is Han characters with no spaces; the scorer is
``kenlm.Model.score(" ".join(chars))``). pycorrector scores exactly that way
at character level: its detector calls ``lm.score(" ".join(chars))`` on 2- and
3-grams and its corrector ranks candidates by ``lm.perplexity(" ".join(
segment(sentence, cut_type="char")))``, i.e. space-joined characters, so the
same ARPA file is loaded by kenlm in both and scored on the same tokens. Its
word-level detection (jieba words not in a frequency list) uses the word
frequency file it ships.

Offline: pycorrector downloads a 2.95 GB kenlm model only when
``language_model_path`` does not exist; we always pass an existing ARPA, also
replace its ``get_file`` download helper by one that raises, set the Hugging
Face offline switches, point ``PYCORRECTOR_DATA_DIR`` (a directory it creates
at import) to a temporary directory, and refuse every socket connection from
this process: the run fails rather than download.

Finally both run on the national OCR witness with the default model; only the
NUMBER of Han characters each changes is printed (its true text is not in the
repository). pycorrector gets the witness after our layout repair (column-wrap
spaces removed, wrapped lines joined), since it splits sentences at every space
and line break; ``GlyphCorrector`` reads the raw witness (it scores the Han
stream of each paragraph). Both counts are of Han characters changed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import socket
import sys
import tempfile
import time
from pathlib import Path

from _common import quiet_stderr

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

_DATA_DIR = tempfile.mkdtemp(prefix="pycorrector-data-")
os.environ["PYCORRECTOR_DATA_DIR"] = _DATA_DIR  # read at pycorrector import; it makedirs this
for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[_var] = "1"

#: connection attempts refused (must stay 0)
NETWORK_ATTEMPTS: list[object] = []


def _no_network(self: socket.socket, address: object, *args: object) -> None:
    NETWORK_ATTEMPTS.append(address)
    raise OSError(f"compare_pycorrector: network access refused ({address!r})")


socket.socket.connect = _no_network  # type: ignore[method-assign,assignment]
socket.socket.connect_ex = _no_network  # type: ignore[method-assign,assignment]

from accuracy import OCR_DRAWS, OCR_RATES, fold_model, mean, ocr_seed  # noqa: E402

from textrepair import api, noise  # noqa: E402
from textrepair.corpus import files_with_role, read_text  # noqa: E402
from textrepair.normalize import HAN, han_only  # noqa: E402
from textrepair.ocr.confusion import load_confusions  # noqa: E402
from textrepair.ocr.layout import fix_layout  # noqa: E402
from textrepair.ocr.repair import GlyphCorrector, make_corrector  # noqa: E402

WITNESS = ROOT / "corpora" / "national_yijian_ocr_reprint.txt"
SYSTEMS = ("textrepair GlyphCorrector", "pycorrector Corrector (kenlm)")


# --------------------------------------------------------------------------- pycorrector


def load_pycorrector(arpa: Path):  # type: ignore[no-untyped-def]
    """pycorrector's statistical Corrector on *arpa*, made unable to download anything."""
    t = time.perf_counter()
    import pycorrector
    import pycorrector.detector as detector_mod
    from loguru import logger

    logger.remove()  # its debug logging goes to stderr per call

    def refuse_download(*args: object, **kwargs: object) -> str:
        raise RuntimeError(
            f"pycorrector tried to download {args[:2]!r}; it must use the given ARPA"
        )

    detector_mod.get_file = refuse_download
    if not arpa.exists():
        raise FileNotFoundError(arpa)
    corrector = pycorrector.Corrector(language_model_path=str(arpa))
    corrector.check_corrector_initialized()
    with quiet_stderr():
        # loads kenlm (our ARPA), word freq, names, stroke tables
        corrector.check_detector_initialized()
    print(
        f"pycorrector {pycorrector.__version__} loaded in {time.perf_counter() - t:.1f} s "
        f"(torch {sys.modules['torch'].__version__})",
        file=sys.stderr,
    )
    return corrector


def set_lm(corrector, arpa: Path) -> None:  # type: ignore[no-untyped-def]
    """Point the (initialised) corrector at another ARPA file."""
    with quiet_stderr():
        corrector.set_language_model_path(str(arpa))
    corrector.language_model_path = str(arpa)


def pycorrector_changes(corrector, text: str) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """Han positions of *text* that pycorrector changes -> new character."""
    out = corrector.correct(text)["target"]
    if len(out) != len(text):  # all its candidates keep the length; guard anyway
        raise AssertionError("pycorrector changed the text length")
    return {i: b for i, (a, b) in enumerate(zip(text, out)) if a != b and HAN.fullmatch(a)}


def ours_changes(corrector: GlyphCorrector, text: str) -> dict[int, str]:
    return {e.offset: e.new for e in corrector.correct(text)}


# --------------------------------------------------------------------------- benchmark
def score(errors: dict[int, str], edits: dict[int, str]) -> dict[str, float]:
    correct = sum(1 for off, new in edits.items() if errors.get(off) == new)
    false = sum(1 for off in edits if off not in errors)
    after = sum(1 for off in errors if edits.get(off) != errors[off]) + false
    return {
        "errors": len(errors),
        "edits": len(edits),
        "correct": correct,
        "false": false,
        "error_reduction": (len(errors) - after) / len(errors) if errors else 1.0,
    }


def run(
    folds: list[int], workdir: Path, py, draws: int = OCR_DRAWS
) -> tuple[list[dict[str, object]], dict[str, float]]:  # type: ignore[no-untyped-def]
    drafts = files_with_role("train")
    table = load_confusions()
    rows: list[dict[str, object]] = []
    seconds = dict.fromkeys(SYSTEMS, 0.0)
    for held in folds:
        train = [f for i, f in enumerate(drafts) if i != held]
        model = fold_model(train, workdir, f"fold{held}")
        set_lm(py, workdir / f"fold{held}.arpa")
        ours = make_corrector(model, table)
        systems = {
            SYSTEMS[0]: lambda t: ours_changes(ours, t),
            SYSTEMS[1]: lambda t: pycorrector_changes(py, t),
        }
        clean = read_text(drafts[held])
        n_han = len(han_only(clean))
        texts = [(0.0, clean, {})]
        for rate, draw in itertools.product(OCR_RATES, range(draws)):
            damaged, subs = noise.ocr(
                clean,
                rate=rate,
                rng=random.Random(ocr_seed(held, rate, draw)),
                wrap_every=None,
                halfwidth=False,
                lose_lines=0.0,
            )
            assert len(damaged) == len(clean)
            texts.append((rate, damaged, {off: true for off, true, _ in subs}))
        for system, fn in systems.items():
            for rate, text, errors in texts:
                t = time.perf_counter()
                edits = fn(text)
                seconds[system] += time.perf_counter() - t
                rows.append(
                    {
                        "fold": held,
                        "system": system,
                        "rate": rate,
                        "han": n_han,
                        **score(errors, edits),
                    }
                )
            print(f"fold {held} ({drafts[held].name}): {system} done", file=sys.stderr)
    return rows, seconds


def witness_counts(py) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Han characters each system changes in the national OCR witness (default model)."""
    raw = read_text(WITNESS)
    model = api.load_model()
    set_lm(py, api.DEFAULT_MODEL)
    ours = len(make_corrector(model).correct(raw))
    laid_out, _ = fix_layout(raw)
    if han_only(laid_out) != han_only(raw):
        raise AssertionError("layout repair changed Han characters")
    theirs = len(pycorrector_changes(py, laid_out))
    return {SYSTEMS[0]: ours, SYSTEMS[1]: theirs}


def print_table(rows: list[dict[str, object]], folds: list[int]) -> None:
    print(
        f"\n### OCR glyph correction vs pycorrector, same fold ARPA (leave-one-draft-out, folds "
        f"{folds})\n"
    )
    print(
        "| system | error rate | errors | corrections made | correct | false | error reduction | "
        "clean-text change rate |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for system in SYSTEMS:
        clean = [r for r in rows if r["system"] == system and r["rate"] == 0.0]
        n_han = sum(int(r["han"]) for r in clean)  # type: ignore[call-overload]
        changed = sum(int(r["edits"]) for r in clean)  # type: ignore[call-overload]
        clean_rate = f"{changed / n_han * 100:.3f} % ({changed} of {n_han})"
        for rate in OCR_RATES:
            sub = [r for r in rows if r["system"] == system and r["rate"] == rate]
            tot = {k: sum(int(r[k]) for r in sub) for k in ("errors", "edits", "correct", "false")}  # type: ignore[call-overload]
            print(
                f"| {system} | {rate * 100:.1f} % | {tot['errors']} | {tot['edits']} | "
                f"{tot['correct']} | {tot['false']} | "
                f"{mean(sub, 'error_reduction') * 100:.1f} % | {clean_rate} |"
            )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", default="0,1,2")
    ap.add_argument("--no-witness", action="store_true", help="skip the national OCR witness")
    ap.add_argument(
        "--draws",
        type=int,
        default=OCR_DRAWS,
        help=f"damage draws per fold and rate (default {OCR_DRAWS})",
    )
    args = ap.parse_args()
    folds = [int(x) for x in args.folds.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        py = load_pycorrector(api.DEFAULT_MODEL)  # initialised once; each fold swaps its ARPA in
        rows, seconds = run(folds, Path(tmp), py, args.draws)
        print_table(rows, folds)
        print(
            f"\nseconds (all folds, {1 + len(OCR_RATES) * args.draws} texts each): "
            + ", ".join(f"{s} {v:.1f}" for s, v in seconds.items())
        )
        if not args.no_witness:
            counts = witness_counts(py)
            print(
                f"\n### National OCR witness ({WITNESS.name}), default model: Han characters "
                f"changed\n"
            )
            print("| system | glyph changes |")
            print("|---|---|")
            for system, n in counts.items():
                print(f"| {system} | {n} |")
    print(f"\nnetwork connections attempted: {len(NETWORK_ATTEMPTS)}")
    return 0 if not NETWORK_ATTEMPTS else 1


if __name__ == "__main__":
    sys.exit(main())
