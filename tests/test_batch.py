"""``textrepair batch``: layout rules, report, resume, engines, bad input.

Most tests inject small fake repair functions (module level, so process pools can
pickle them); one end-to-end test uses :func:`textrepair.repair` when it exists.
"""

from __future__ import annotations

import argparse
import codecs
import functools
import hashlib
import json
import os
import sys
import warnings
from pathlib import Path

import pytest

import textrepair
from textrepair import batch, textio
from textrepair.batch import REPORT_NAME, add_batch_parser, batch_main, run_batch
from textrepair.errors import EXIT_PARTIAL
from textrepair.types import Edit, Repair

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
OCR_WITNESS = CORPORA / "national_yijian_ocr_reprint.txt"
DROPPED_WITNESS = CORPORA / "national_yijian_dropped.txt"
CLEAN_DRAFT = CORPORA / "draft_jining_shishi_fangan.txt"


def comma_repair(text: str, kind: str | None = None, model: object = None) -> Repair:
    """A fake restorer: half-width commas become full-width, one edit each."""
    edits = [Edit(i, ",", "，", 1.0, "punctuation") for i, c in enumerate(text) if c == ","]
    return Repair(text.replace(",", "，"), kind or ("ocr" if edits else "clean"), edits)  # type: ignore[arg-type]


CALLS: list[str] = []


def counting_repair(text: str, kind: str | None = None, model: object = None) -> Repair:
    CALLS.append(text[:20])
    return comma_repair(text, kind)


def exploding_repair(text: str, kind: str | None = None, model: object = None) -> Repair:
    if "BOOM" in text:
        raise RuntimeError("restorer bug")
    return comma_repair(text, kind)


def tree_digest(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under *root* (the byte-for-byte state)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def report_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def by_path(path: Path) -> dict[str, dict]:
    return {r["path"]: r for r in report_lines(path)}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The outside check's folder: witnesses in several encodings, nested, plus bad files."""
    root = tmp_path / "in"
    ocr = OCR_WITNESS.read_text(encoding="utf-8")
    (root / "utf8").mkdir(parents=True)
    (root / "utf8" / "ocr.txt").write_text(ocr, encoding="utf-8")
    (root / "utf8" / "dropped.txt").write_bytes(DROPPED_WITNESS.read_bytes())
    nested = root / "国标 GB18030" / "深层 目录"
    nested.mkdir(parents=True)
    (nested / "ocr.txt").write_bytes(ocr.encode("gb18030"))
    (nested / "dropped.txt").write_bytes(
        DROPPED_WITNESS.read_text(encoding="utf-8").encode("gb18030")
    )
    (root / "bom").mkdir()
    (root / "bom" / "ocr.txt").write_bytes(codecs.BOM_UTF8 + ocr.encode("utf-8"))
    (root / "bom" / "ocr utf16.txt").write_bytes(codecs.BOM_UTF16_LE + ocr.encode("utf-16-le"))
    (root / "clean draft.txt").write_bytes(CLEAN_DRAFT.read_bytes())
    (root / "empty.txt").write_bytes(b"")
    (root / "scan.pdf").write_bytes(b"%PDF-1.4\n\x00\x01\x02\xff\xfe binary" * 50)
    return root


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="textrepair")
    add_batch_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["batch", *argv])


# --------------------------------------------------------------------------- the outside check


def test_mixed_folder_identical_outputs_binary_failed_exit_2_input_unchanged(
    folder: Path, tmp_path: Path
) -> None:
    before = tree_digest(folder)
    out = tmp_path / "out"
    assert batch_main(parse([str(folder), str(out)]), repair_fn=comma_repair) == EXIT_PARTIAL
    assert tree_digest(folder) == before

    ocr_copies = [
        "utf8/ocr.txt",
        "国标 GB18030/深层 目录/ocr.txt",
        "bom/ocr.txt",
        "bom/ocr utf16.txt",
    ]
    outputs = {rel: (out / rel).read_bytes() for rel in ocr_copies}
    assert len(set(outputs.values())) == 1
    expected = comma_repair(OCR_WITNESS.read_text(encoding="utf-8")).text
    assert outputs["utf8/ocr.txt"].decode("utf-8") == expected
    assert (out / "utf8/dropped.txt").read_bytes() == (
        out / "国标 GB18030/深层 目录/dropped.txt"
    ).read_bytes()

    report = by_path(out / REPORT_NAME)
    assert sorted(report) == sorted(before)  # one line per input, nothing else
    assert len(report_lines(out / REPORT_NAME)) == len(before)
    assert report["scan.pdf"]["status"] == "failed"
    assert "binary" in report["scan.pdf"]["error"]
    assert not (out / "scan.pdf").exists()
    assert report["empty.txt"]["status"] == "skipped" and (out / "empty.txt").read_bytes() == b""
    assert report["utf8/ocr.txt"]["edits"] > 0 and report["utf8/ocr.txt"]["kind"] == "ocr"
    encodings = {rel: report[rel]["encoding"] for rel in ocr_copies}
    assert encodings == {
        "utf8/ocr.txt": "utf-8",
        "国标 GB18030/深层 目录/ocr.txt": "gb18030",
        "bom/ocr.txt": "utf-8-sig",
        "bom/ocr utf16.txt": "utf-16",
    }
    for rel, digest in before.items():
        assert report[rel]["sha256"] == digest


def test_all_good_files_exit_0(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("一,二\n", encoding="utf-8")
    assert (
        batch_main(parse([str(tmp_path / "in"), str(tmp_path / "out")]), repair_fn=comma_repair)
        == 0
    )
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "一，二\n"


# --------------------------------------------------------------------------- layout


@pytest.mark.parametrize("out_rel", [".", "sub/out", "out"])
def test_out_dir_equal_to_or_inside_in_dir_is_refused(folder: Path, out_rel: str, capsys) -> None:
    before = tree_digest(folder)
    assert batch_main(parse([str(folder), str(folder / out_rel)]), repair_fn=comma_repair) == 1
    assert "inside" in capsys.readouterr().err
    assert tree_digest(folder) == before
    assert not (folder / out_rel / REPORT_NAME).exists()


def test_report_inside_in_dir_is_refused(folder: Path, tmp_path: Path) -> None:
    argv = [str(folder), str(tmp_path / "out"), "--report", str(folder / "r.jsonl")]
    assert batch_main(parse(argv), repair_fn=comma_repair) == 1
    assert not (tmp_path / "out").exists()


def test_in_dir_inside_out_dir_is_allowed_when_outputs_land_outside_it(tmp_path: Path) -> None:
    out = tmp_path / "work"
    src = out / "incoming"
    src.mkdir(parents=True)
    (src / "a.txt").write_text("甲,乙", encoding="utf-8")
    (out / "unrelated.txt").write_text("not an input", encoding="utf-8")
    summary = run_batch(src, out, repair_fn=comma_repair, progress=False)
    assert summary.total == 1 and summary.ok == 1
    assert (out / "a.txt").read_text(encoding="utf-8") == "甲，乙"
    assert (src / "a.txt").read_text(encoding="utf-8") == "甲,乙"


def test_in_dir_inside_out_dir_refused_when_an_output_would_land_in_it(tmp_path: Path) -> None:
    out = tmp_path / "work"
    src = out / "x"
    (src / "x").mkdir(parents=True)
    (src / "x" / "a.txt").write_text(
        "甲,乙", encoding="utf-8"
    )  # output would be work/x/a.txt, inside IN
    with pytest.raises(batch.UsageError, match="would be written"):
        run_batch(src, out, repair_fn=comma_repair, progress=False)


def test_a_folder_of_out_dir_linked_into_in_dir_is_refused(tmp_path: Path) -> None:
    """OUT_DIR/sub a symlink to IN_DIR/sub: the output for sub/a.txt would overwrite it."""
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.txt").write_text("甲,乙", encoding="utf-8")
    (src / "b.txt").write_text("丙,丁", encoding="utf-8")
    out.mkdir()
    (out / "sub").symlink_to(src / "sub")
    with pytest.raises(batch.UsageError, match="would be written"):
        run_batch(src, out, repair_fn=comma_repair, progress=False)
    assert (src / "sub" / "a.txt").read_text(encoding="utf-8") == "甲,乙"
    assert not (out / "b.txt").exists()  # refused before anything is written


def test_bad_options_are_usage_errors(folder: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    assert batch_main(parse([str(folder), out, "--workers", "0"]), repair_fn=comma_repair) == 1
    assert (
        batch_main(parse([str(folder), out, "--scheduler", "tcp://x:1"]), repair_fn=comma_repair)
        == 1
    )
    assert batch_main(parse([str(tmp_path / "missing"), out]), repair_fn=comma_repair) == 1


# --------------------------------------------------------------------------- resume


def test_resume_skips_done_files_without_duplicate_lines(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(folder, out, repair_fn=comma_repair, progress=False)
    first = (out / REPORT_NAME).read_text(encoding="utf-8")
    CALLS.clear()
    summary = run_batch(folder, out, resume=True, repair_fn=counting_repair, progress=False)
    assert CALLS == []  # only the binary file is retried, and it never reaches the restorer
    assert summary.resumed == len(tree_digest(folder)) - 1 and summary.failed == 1
    assert (out / REPORT_NAME).read_text(encoding="utf-8") == first


def test_resume_after_interruption(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(folder, out, repair_fn=comma_repair, progress=False)
    expected_outputs = tree_digest(out)
    report = out / REPORT_NAME
    lines = report.read_text(encoding="utf-8").splitlines(keepends=True)
    # kill -9 mid-append: the last line is torn; one output was never renamed into place;
    # a temporary file was left behind.
    torn = json.loads(lines[-1])["path"]
    report.write_text("".join(lines[:-1]) + lines[-1][:25], encoding="utf-8")
    (out / "utf8" / "dropped.txt").unlink()
    (out / "utf8" / ".dropped.txt.abc123.textrepair-tmp").write_text("half", encoding="utf-8")

    CALLS.clear()
    summary = run_batch(folder, out, resume=True, repair_fn=counting_repair, progress=False)
    assert len(CALLS) == 2  # the missing output and the file whose line was torn
    assert summary.ok + summary.skipped == 2 and summary.failed == 1
    assert tree_digest(out).keys() == expected_outputs.keys()
    assert {k: v for k, v in tree_digest(out).items() if k != REPORT_NAME} == {
        k: v for k, v in expected_outputs.items() if k != REPORT_NAME
    }
    paths = [r["path"] for r in report_lines(report)]
    assert paths == sorted(tree_digest(folder))  # one line each, in walk order
    assert torn in paths


def test_resume_redoes_a_changed_input(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text("一,二", encoding="utf-8")
    (src / "b.txt").write_text("三,四", encoding="utf-8")
    run_batch(src, out, repair_fn=comma_repair, progress=False)
    (src / "a.txt").write_text("五,六", encoding="utf-8")
    summary = run_batch(src, out, resume=True, repair_fn=comma_repair, progress=False)
    assert (summary.ok, summary.resumed) == (1, 1)
    assert (out / "a.txt").read_text(encoding="utf-8") == "五，六"
    assert [r["path"] for r in report_lines(out / REPORT_NAME)] == ["a.txt", "b.txt"]


# --------------------------------------------------------------------------- bad input


def test_each_bad_file_gets_its_line_and_the_rest_is_written(tmp_path: Path, monkeypatch) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a ok.txt").write_text("好,的\n", encoding="utf-8")
    (src / "b boom.txt").write_text("BOOM\n", encoding="utf-8")
    (src / "c locked.txt").write_text("锁\n", encoding="utf-8")
    (src / "d 中文 名.txt").write_text("名,字\n", encoding="utf-8")
    (src / "e vanishes.txt").write_text("走\n", encoding="utf-8")
    real_open = batch._open_input

    def open_input(path: str):
        if path.endswith("c locked.txt"):  # tests run as root, so chmod 000 would not stop reads
            raise PermissionError(13, "Permission denied", path)
        if path.endswith("d 中文 名.txt"):
            (src / "e vanishes.txt").unlink(missing_ok=True)  # vanishes after the walk
        return real_open(path)

    monkeypatch.setattr(batch, "_open_input", open_input)
    summary = run_batch(src, out, repair_fn=exploding_repair, progress=False)
    report = by_path(out / REPORT_NAME)
    assert summary.exit_code == EXIT_PARTIAL and (summary.ok, summary.failed) == (2, 3)
    assert report["b boom.txt"]["error"] == "repair failed: RuntimeError: restorer bug"
    assert report["c locked.txt"]["error"] == "cannot read: Permission denied"
    assert report["e vanishes.txt"]["error"] == "file vanished before it could be read"
    assert (out / "d 中文 名.txt").read_text(encoding="utf-8") == "名，字\n"
    assert sorted(p.name for p in out.iterdir()) == ["a ok.txt", "d 中文 名.txt", REPORT_NAME]


@pytest.mark.slow
def test_50_mb_single_line_fails_clearly_and_others_continue(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "huge.txt").write_bytes("字".encode("utf-8") * (50 * 2**20 // 3))
    (src / "small.txt").write_text("小,文件\n", encoding="utf-8")
    summary = run_batch(src, out, repair_fn=comma_repair, progress=False)
    report = by_path(out / REPORT_NAME)
    assert summary.failed == 1 and summary.ok == 1
    assert report["huge.txt"]["error"].startswith(
        "line 1 too long (17.5 M characters > limit 1.0 M)"
    )
    assert (out / "small.txt").exists() and not (out / "huge.txt").exists()


def test_long_text_is_repaired_piece_by_piece_like_the_whole(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(
        batch, "iter_chunks", functools.partial(textio.iter_chunks, chunk_chars=300)
    )
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    text = OCR_WITNESS.read_text(encoding="utf-8")
    (src / "a.txt").write_text(text, encoding="utf-8")
    CALLS.clear()
    run_batch(src, out, repair_fn=counting_repair, progress=False)
    assert len(CALLS) > 10
    assert (out / "a.txt").read_text(encoding="utf-8") == comma_repair(text).text
    assert by_path(out / REPORT_NAME)["a.txt"]["edits"] == text.count(",")


# --------------------------------------------------------------------------- engines


def test_process_pool_gives_identicaltree_digest(folder: Path, tmp_path: Path) -> None:
    run_batch(folder, tmp_path / "one", repair_fn=comma_repair, progress=False)
    summary = run_batch(folder, tmp_path / "two", workers=2, repair_fn=comma_repair, progress=False)
    assert summary.failed == 1
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_dask_local_cluster_gives_identicaltree_digest(folder: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed", reason="dask[distributed] not installed")
    run_batch(folder, tmp_path / "local", repair_fn=comma_repair, progress=False)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        summary = run_batch(
            folder,
            tmp_path / "dask",
            engine="dask",
            scheduler=cluster.scheduler_address,
            repair_fn=comma_repair,
            progress=False,
        )
    assert summary.failed == 1
    assert tree_digest(tmp_path / "local") == tree_digest(tmp_path / "dask")


def test_missing_dask_is_a_clear_usage_error(
    folder: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    argv = [str(folder), str(tmp_path / "out"), "--engine", "dask"]
    assert batch_main(parse(argv), repair_fn=comma_repair) == 1
    assert "pip install 'textrepair[dask]'" in capsys.readouterr().err


# --------------------------------------------------------------------------- the real restorer


@pytest.mark.slow
@pytest.mark.skipif(
    not hasattr(textrepair, "repair"),
    reason="textrepair.repair() (the restorer API) is not implemented yet",
)
def test_end_to_end_with_the_real_restorer(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = tree_digest(folder)
    assert batch_main(parse([str(folder), str(out)])) == EXIT_PARTIAL
    assert tree_digest(folder) == before
    ocr = OCR_WITNESS.read_text(encoding="utf-8")
    expected = textrepair.repair(ocr).text
    for rel in [
        "utf8/ocr.txt",
        "国标 GB18030/深层 目录/ocr.txt",
        "bom/ocr.txt",
        "bom/ocr utf16.txt",
    ]:
        assert (out / rel).read_text(encoding="utf-8") == expected
    clean = CLEAN_DRAFT.read_text(encoding="utf-8")
    han = lambda s: [c for c in s if "\u4e00" <= c <= "\u9fff"]  # noqa: E731
    assert han((out / "clean draft.txt").read_text(encoding="utf-8")) == han(clean)
    assert by_path(out / REPORT_NAME)["scan.pdf"]["status"] == "failed"
    assert run_batch(folder, out, resume=True, progress=False).resumed == len(before) - 1


def test_kind_auto_is_the_default_and_means_detect(tmp_path: Path) -> None:
    """``--kind auto`` (as ``restore`` takes it) is accepted and is what no --kind means."""
    assert parse(["a", "b"]).kind == "auto"
    seen: list[str | None] = []

    def record(text: str, kind: str | None) -> Repair:
        seen.append(kind)
        return Repair(text, "clean", [])

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("一段文字。\n", encoding="utf-8")
    for i, argv in enumerate([[], ["--kind", "auto"], ["--kind", "ocr"]]):
        out = tmp_path / f"out{i}"
        assert batch_main(parse([str(folder), str(out), *argv]), repair_fn=record) == 0
    assert seen == [None, None, "ocr"]


@pytest.mark.skipif(sys.platform != "linux", reason="file names as bytes")
def test_a_file_name_that_is_not_utf8_gets_its_line_and_the_rest_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    names = [b"a.txt", b"b\xff.txt", b"c.txt"]
    for name in names:
        (src / os.fsdecode(name)).write_text("甲,乙", encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch(src, out, repair_fn=comma_repair, progress=False)
    assert summary.total == 3 and summary.ok == 3
    assert sorted(os.listdir(os.fsencode(out))) == sorted([*names, REPORT_NAME.encode()])
    report = (out / REPORT_NAME).read_text(encoding="utf-8")  # valid UTF-8 throughout
    assert sorted(json.loads(line)["path"] for line in report.splitlines()) == sorted(
        os.fsdecode(n) for n in names
    )
    again = run_batch(src, out, resume=True, repair_fn=comma_repair, progress=False)
    assert again.resumed == 3


def warning_repair(text: str, kind: str | None = None, model: object = None) -> Repair:
    """comma_repair, which also warns about every text holding 乙 (twice: said once)."""
    if "乙" in text:
        for _ in range(2):
            warnings.warn("this text is too short to judge", UserWarning, stacklevel=2)
    return comma_repair(text, kind, model)


def test_a_warning_names_its_file_in_the_log_and_the_report(tmp_path: Path, capsys) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("甲,丙", encoding="utf-8")
    (src / "b.txt").write_text("甲,乙", encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch(src, out, repair_fn=warning_repair, progress=True)
    assert summary.ok == 2
    err = capsys.readouterr().err
    assert err.count("warning: b.txt: this text is too short to judge") == 1
    assert "a.txt: this" not in err
    report = {
        r["path"]: r
        for r in map(json.loads, (out / REPORT_NAME).read_text(encoding="utf-8").splitlines())
    }
    assert report["b.txt"]["warnings"] == ["this text is too short to judge"]
    assert report["a.txt"]["warnings"] == []
    again = run_batch(src, out, resume=True, repair_fn=warning_repair, progress=False)
    assert again.resumed == 2  # the report's lines, warnings and all, read back


def test_tasks_run_in_threads_leave_the_warning_filters_alone(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    src = tmp_path / "in"
    src.mkdir()
    tasks = []
    for i in range(8):
        (src / f"{i}.txt").write_text("甲,乙", encoding="utf-8")
        dst = tmp_path / "out" / f"{i}.txt"
        dst.parent.mkdir(exist_ok=True)
        tasks.append(
            batch.Task(f"{i}.txt", str(src / f"{i}.txt"), str(dst), None, None, warning_repair)
        )
    before = list(warnings.filters)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ThreadPoolExecutor(4) as pool:
            outcomes = list(pool.map(batch.process_task, tasks))
    assert all(o.record.status == "ok" for o in outcomes)
    assert warnings.filters == before


def test_a_failure_is_one_log_line_whatever_its_file_is_named(tmp_path: Path, capsys) -> None:
    """A name with a newline (or an undecodable byte) is escaped in the log, as in the report."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    names = ["a\nb.txt", "tab\there.txt"]
    if sys.platform.startswith("linux"):
        names.append(os.fsdecode(b"bad\xff.txt"))
    for name in names:
        (src / name).write_bytes(b"\xff\xfe\x00\xd8 not text")  # undecodable: fails

    summary = run_batch(src, out, repair_fn=comma_repair, progress=True)
    assert summary.failed == len(names)
    err = [ln for ln in capsys.readouterr().err.splitlines() if "failed" in ln]
    assert len(err) == len(names)
    assert any("a\\nb.txt" in ln for ln in err) and any("tab\\there.txt" in ln for ln in err)
