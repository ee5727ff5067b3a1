"""The collector around the command line's repairs (:mod:`textrepair.gcpolicy`): off while the
models load, the loaded heap frozen after, and the process's collector as it was at the end."""

from __future__ import annotations

import gc
import importlib
from contextlib import nullcontext as _nothing
from pathlib import Path

import pytest

from textrepair import cli, textio
from textrepair.batch import run_batch
from textrepair.gcpolicy import paused, settled
from textrepair.types import Edit, Repair


@pytest.fixture(autouse=True)
def _collector_restored():
    """Every test starts and ends with the collector on and nothing frozen (a test that froze
    objects on purpose hands them back itself)."""
    assert gc.isenabled() and gc.get_freeze_count() == 0
    yield
    left = (gc.isenabled(), gc.get_freeze_count())
    gc.enable()
    gc.unfreeze()
    assert left == (True, 0)


def test_off_while_loading_frozen_after_and_restored():
    with settled() as collector:
        assert not gc.isenabled()
        loaded = [[i] for i in range(1000)]  # tracked containers, as a model's tables are
        collector.loaded()
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        assert frozen >= len(loaded)
        more = [[i] for i in range(100)]  # tracked since: a second freeze would take them
        collector.loaded()  # only the first call freezes
        # (a frozen object that another test's thread let go may die meanwhile: not ==)
        assert gc.get_freeze_count() < frozen + len(more)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with settled() as collector:
            collector.loaded()
            assert not gc.isenabled()  # frozen, but left off as the caller had it
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_what_the_program_froze_stays_frozen():
    held = [[i] for i in range(100)]  # noqa: F841  (alive while frozen)
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with settled() as collector:
            assert not gc.isenabled()
            collector.loaded()
            assert gc.isenabled()
        assert gc.get_freeze_count() == before  # neither frozen further nor handed back
    finally:
        gc.unfreeze()


def test_paused():
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with paused():
        pass
    assert not gc.isenabled()
    gc.enable()


def test_restored_when_the_block_fails():
    with pytest.raises(RuntimeError), settled() as collector:
        collector.loaded()
        raise RuntimeError("a repair failed")
    assert gc.isenabled() and gc.get_freeze_count() == 0


SEEN: list[tuple[bool, int]] = []


def seeing_repair(text: str, kind: str | None = None, model: object = None) -> Repair:
    """A fake restorer that records the collector's state it ran under."""
    SEEN.append((gc.isenabled(), gc.get_freeze_count()))
    return Repair(text, "clean", [])


def test_batch_repairs_with_the_loaded_heap_frozen(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.txt").write_text("文本", encoding="utf-8")
    SEEN.clear()
    run_batch(src, tmp_path / "out", repair_fn=seeing_repair, progress=False)
    assert len(SEEN) == 3
    assert all(enabled and frozen > 0 for enabled, frozen in SEEN)
    assert gc.isenabled() and gc.get_freeze_count() == 0  # the caller's process as it was


def freeze_count_repair(text: str, kind: str | None = None, model: object = None) -> Repair:
    """A fake restorer whose output is the collector's frozen count in the worker."""
    return Repair(str(gc.get_freeze_count()), "ocr", [])


def test_pool_workers_repair_with_the_heap_frozen(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(4):
        (src / f"{i}.txt").write_text("文本", encoding="utf-8")
    run_batch(src, tmp_path / "out", workers=2, repair_fn=freeze_count_repair, progress=False)
    counts = [int((tmp_path / "out" / f"{i}.txt").read_text(encoding="utf-8")) for i in range(4)]
    assert all(c > 0 for c in counts)
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.parametrize("command", [["restore", "--format", "json"], ["collate"]])
def test_one_call_commands_repair_without_collections(monkeypatch, tmp_path: Path, command):
    seen: list[bool] = []

    def fake_repair(text, kind=None, model=None, **options):  # noqa: ANN001
        seen.append(gc.isenabled())
        return Repair(text, "clean", [])

    def fake_collate(texts, model=None, **options):  # noqa: ANN001
        seen.append(gc.isenabled())
        raise SystemExit(0)  # what collate returns is not what this test is about

    monkeypatch.setattr("textrepair.api.repair", fake_repair)
    monkeypatch.setattr(importlib.import_module("textrepair.collate"), "collate", fake_collate)
    path = tmp_path / "scan.txt"
    path.write_text("一段文字\n", encoding="utf-8")
    inputs = [str(path)] * (2 if command == ["collate"] else 1)
    with pytest.raises(SystemExit) if command == ["collate"] else _nothing():
        cli.main([*command, *inputs, "-o", str(tmp_path / "out.txt")])
    assert seen == [False]
    assert gc.isenabled()


def test_restore_loads_without_collections_then_freezes(monkeypatch, tmp_path: Path, capsys):
    seen: list[tuple[bool, int]] = []

    def fake_repair(text, kind=None, model=None, **options):  # noqa: ANN001
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        return Repair(text.replace(",", "，"), "ocr", [Edit(0, ",", "，", 1.0, "punctuation")])

    monkeypatch.setattr("textrepair.api.repair", fake_repair)
    pieces = textio.iter_chunks
    monkeypatch.setattr(textio, "iter_chunks", lambda stream: pieces(stream, 8))  # many pieces
    path = tmp_path / "scan.txt"
    path.write_text(",一\n" * 20, encoding="utf-8")
    assert cli.main(["restore", str(path), "-o", str(tmp_path / "out.txt")]) == 0
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "，一\n" * 20
    assert seen[0] == (False, 0)  # the first piece loads the models: no collection meanwhile
    assert all(enabled and frozen > 0 for enabled, frozen in seen[1:])
    assert len(seen) > 1
    assert gc.isenabled() and gc.get_freeze_count() == 0
