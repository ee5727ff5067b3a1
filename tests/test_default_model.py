"""The shipped model is what `make model` builds from corpora/ (reproducible, committed)."""

from pathlib import Path

from textrepair.cli import main
from textrepair.lm.bundle import bundle_paths

ROOT = Path(__file__).resolve().parent.parent
TRAIN = [
    "corpora/draft_province_shishi_yijian.txt",
    "corpora/draft_jining_shishi_fangan.txt",
    "corpora/draft_guizhou_shishi_fangan.txt",
]


def test_make_model_rebuilds_the_committed_model(tmp_path: Path) -> None:
    out = tmp_path / "default.arpa"
    assert main(["train", *(str(ROOT / p) for p in TRAIN), "--order", "6", "-o", str(out)]) == 0
    # the ARPA, the word counts, the units and the per-document counts
    for built in bundle_paths(out):
        assert built.read_bytes() == (ROOT / "models" / built.name).read_bytes(), built.name


def test_makefile_trains_the_files_the_manifest_calls_training_text() -> None:
    from textrepair.corpus import files_with_role

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert sorted(str(p.relative_to(ROOT)) for p in files_with_role("train")) == sorted(TRAIN)
    assert all(p in makefile for p in TRAIN)
