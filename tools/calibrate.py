"""Learn the glyph corrector's calibration for general text from a real engine's pages.

Build-time only; nothing in the ``textrepair`` package imports it. For each channel
setting the corrector ships with (``none``: the glyph tables alone; ``learnt``: with
the shipped Tesseract channel), the corrector reads the ``dev`` pages of
``corpora/real_ocr/`` (held-out People's Daily text in three faces, never scored by
the benchmark, never in the general model; as Tesseract read them), every change it
proposes is labelled right (the true character) or not, and a logistic regression
over :data:`textrepair.ocr.calibration.FEATURES` is fitted (L2-penalised, Newton's
method). Written to ``models/calibration.json``::

    python tools/calibrate.py [-o models/calibration.json]      # or: make calibration
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.real_ocr import documents, true_characters  # noqa: E402
from textrepair import api  # noqa: E402
from textrepair.ocr.calibration import CALIBRATION_PATH, Calibration  # noqa: E402
from textrepair.ocr.repair import make_corrector  # noqa: E402

#: the channel settings a calibration is learnt for, the channel each runs with, and whose
#: readings of the dev pages it learns from
#: (learning "none" from PP-OCRv4's readings too did worse on the held-out general pages:
#: docs/experiments.md)
SETTINGS = {"none": (None, ("tesseract",)), "learnt": ("tesseract", ("tesseract",))}
#: the L2 penalty on the weights (the bias included): a few hundred examples, eight features
L2 = 1.0


def examples(
    channel: str | None, engines: tuple[str, ...] = ("tesseract",), set_name: str = "dev"
) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels (1: the change gives the true character) of every proposal on
    *set_name*'s pages, as *engines* read them."""
    model = api.load_model()
    corrector = make_corrector(model, channel=channel, calibrated=False)
    xs, ys = [], []
    pages = [d for engine in engines for d in documents(set_name, engine=engine)]
    for _doc, _face, truth, ocr in pages:
        truth_at = true_characters(truth, ocr)
        for edit, x in corrector.proposals(ocr):
            xs.append(x)
            ys.append(float(truth_at.get(edit.offset) == edit.new))
    return np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> np.ndarray:
    """Logistic-regression weights maximising the L2-penalised likelihood of *y* given *x*."""
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, x.T @ (p - y) + l2 * w)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path, default=CALIBRATION_PATH)
    args = ap.parse_args(argv)
    out = {}
    names = {"tesseract": "Tesseract 5 chi_sim", "ppocr": "PP-OCRv4"}
    for setting, (channel, engines) in SETTINGS.items():
        x, y = examples(channel, engines)
        w = fit(x, y)
        cal = Calibration(
            tuple(round(float(v), 4) for v in w),
            f"corpora/real_ocr/dev ({', '.join(names[e] for e in engines)})",
            len(y),
        )
        out[setting] = cal.to_dict()
        print(
            f"{setting}: {len(y)} proposals, {int(y.sum())} right; weights {list(cal.weights)}",
            file=sys.stderr,
        )
    args.output.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
