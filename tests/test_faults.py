"""Faults and hostile inputs: nothing lost silently, no hang, one clear line on failure.

Each test runs the command line in a subprocess, as a user would, on inputs the
project does not control: pipes, FIFOs, devices, a full disk, damaged models.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPRINT = Path(__file__).resolve().parent.parent / "corpora" / "national_yijian_ocr_reprint.txt"
#: a short OCR'd passage: the first lines of the reprint
SAMPLE = "".join(REPRINT.read_text(encoding="utf-8").splitlines(keepends=True)[:6])


def textrepair(
    *argv: str | Path,
    stdin: bytes | None = None,
    stdout: int | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "textrepair", *map(str, argv)],
        input=stdin,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        timeout=timeout,
    )


def one_line_error(r: subprocess.CompletedProcess[bytes], *needles: str) -> str:
    err = r.stderr.decode("utf-8")
    assert r.returncode == 1, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("faults") / "sample.txt"
    p.write_text(SAMPLE, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def expected(sample_file: Path) -> bytes:
    r = textrepair("restore", "--kind", "ocr", sample_file)
    assert r.returncode == 0 and r.stdout
    return r.stdout


def test_dev_stdin_fed_by_a_pipe_is_read_once(expected: bytes) -> None:
    r = textrepair("restore", "--kind", "ocr", "/dev/stdin", stdin=SAMPLE.encode("utf-8"))
    assert r.returncode == 0, r.stderr
    assert (
        r.stdout == expected
    )  # before: empty output, exit 0 (read once to detect, again to repair)


def test_a_named_fifo_is_read_once(tmp_path: Path, expected: bytes) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as f:
            f.write(SAMPLE.encode("utf-8"))

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    r = textrepair("restore", "--kind", "ocr", fifo, timeout=60)
    writer.join(timeout=5)
    assert r.returncode == 0, r.stderr
    assert r.stdout == expected


def test_explain_reads_a_pipe_once_too() -> None:
    r = textrepair(
        "restore", "--kind", "ocr", "--explain", "/dev/stdin", stdin=SAMPLE.encode("utf-8")
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode("utf-8").startswith(SAMPLE[:4])


def test_an_endless_device_is_refused_not_hung() -> None:
    one_line_error(
        textrepair("restore", "/dev/zero", timeout=60), "/dev/zero", "not a regular file"
    )


def test_output_ends_as_the_input_does(tmp_path: Path) -> None:
    p = tmp_path / "no-newline.txt"
    p.write_text(SAMPLE.rstrip("\n"), encoding="utf-8")
    r = textrepair("restore", "--kind", "ocr", p)
    assert r.returncode == 0, r.stderr
    assert r.stdout and not r.stdout.endswith(b"\n")  # before: a newline the input did not have


def test_a_full_disk_is_one_clear_line(sample_file: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        r = textrepair("restore", "--kind", "ocr", sample_file, stdout=full.fileno())
    one_line_error(r, "cannot write the output", "No space left")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_output_to_a_link_fifo_or_device_writes_through_it(tmp_path: Path) -> None:
    """``-o`` follows a symlink and writes into a FIFO or a device as it is: before, each was
    replaced by a new regular file (``-o /dev/null`` left a file in /dev), exit 0."""
    src = tmp_path / "in.txt"
    src.write_text("清洁的文本。\n", encoding="utf-8")
    target, link = tmp_path / "target.txt", tmp_path / "link.txt"
    target.write_text("old", encoding="utf-8")
    link.symlink_to(target)
    bystander = tmp_path / "target.txt.partial"  # a file of the user's, not a temporary of ours
    bystander.write_text("keep", encoding="utf-8")
    r = textrepair("restore", "--kind", "clean", src, "-o", link)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and target.read_bytes() == src.read_bytes()
    assert bystander.read_text(encoding="utf-8") == "keep"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = textrepair("restore", "--kind", "clean", src, "-o", fifo, timeout=60)
    reader.join(timeout=60)
    assert r.returncode == 0, r.stderr
    assert got == [src.read_bytes()] and fifo.is_fifo()
    r = textrepair("restore", "--kind", "clean", src, "-o", tmp_path / "no-such-dir" / "out.txt")
    one_line_error(r, "no-such-dir/out.txt", "cannot write there")
    if os.path.exists("/dev/null"):
        r = textrepair("restore", "--kind", "clean", src, "-o", "/dev/null")
        assert r.returncode == 0, r.stderr
        assert Path("/dev/null").is_char_device()
    if os.path.exists("/dev/stdout"):
        r = textrepair("restore", "--kind", "clean", src, "-o", "/dev/stdout")  # a pipe
        assert r.returncode == 0 and r.stdout == src.read_bytes(), r.stderr
        log = tmp_path / "log.txt"
        log.write_bytes(b"earlier\n")
        with open(log, "ab") as f:  # `>> log.txt`: appended to, not replaced
            r = textrepair(
                "restore", "--kind", "clean", src, "-o", "/dev/stdout", stdout=f.fileno()
            )
        assert r.returncode == 0, r.stderr
        assert log.read_bytes() == b"earlier\n" + src.read_bytes()


def test_an_undecodable_file_is_named(tmp_path: Path) -> None:
    p = tmp_path / "broken.txt"
    p.write_bytes(SAMPLE.encode("utf-8")[:200] + b"\xff\xfe\x00\x81" * 50)
    one_line_error(textrepair("restore", p), str(p))


def test_a_truncated_arpa_says_so(tmp_path: Path) -> None:
    arpa = Path(__file__).resolve().parent.parent / "models" / "default.arpa"
    cut = tmp_path / "cut.arpa"
    data = arpa.read_bytes()[:50_000]
    while data[-1] < 0x80:  # end inside a UTF-8 sequence
        data = data[:-1]
    cut.write_bytes(data[:-1])
    err = one_line_error(
        textrepair("restore", "--kind", "ocr", "--model", cut, stdin=b"x"), str(cut)
    )
    assert "truncated" in err and "binary" not in err


# --------------------------------------------------------------------------- batch
def test_batch_reports_every_path_it_skips(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (src / "dangling.txt").symlink_to("nowhere")
    (src / "loop.txt").symlink_to("loop.txt")
    (src / "dirlink").symlink_to(src / "sub")
    os.mkfifo(src / "fifo")
    r = textrepair("batch", src, tmp_path / "out")
    assert r.returncode == 0, r.stderr
    report = [
        json.loads(line)
        for line in (tmp_path / "out" / "textrepair-report.jsonl").read_text().splitlines()
    ]
    by_path = {rec["path"]: rec for rec in report}
    assert by_path["a.txt"]["status"] == "ok"
    for path, why in (
        ("dangling.txt", "dangling"),
        ("loop.txt", "loop"),
        ("dirlink", "folder"),
        ("fifo", "not a regular file"),
    ):
        assert by_path[path]["status"] == "skipped" and why in by_path[path]["error"], by_path[path]
    assert "4 skipped" in r.stderr.decode("utf-8")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(60):
        (src / f"{i:02d}.txt").write_text(REPRINT.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    parent = subprocess.Popen(
        [sys.executable, "-m", "textrepair", "batch", str(src), str(out), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while time.monotonic() < deadline and not (len(workers) >= 2 and any(out.glob("*.txt"))):
            workers = _children(parent.pid)
            time.sleep(0.2)
        assert len(workers) >= 2, "the pool never started"
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(map(_alive, workers)):
            time.sleep(0.1)
        assert not any(map(_alive, workers)), "workers outlived their parent"
    finally:
        for pid in _children(parent.pid):
            os.kill(pid, signal.SIGKILL)
        parent.kill()


def test_resume_redoes_an_output_that_was_overwritten(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_text(SAMPLE, encoding="utf-8")
    assert textrepair("batch", src, out).returncode == 0
    good = (out / "a.txt").read_bytes()
    (out / "a.txt").write_text("garbage", encoding="utf-8")
    r = textrepair("batch", src, out, "--resume")
    assert r.returncode == 0, r.stderr
    assert (out / "a.txt").read_bytes() == good  # before: the garbage stayed ("already done")
    assert "1 ok" in r.stderr.decode("utf-8") and "1 already done" in r.stderr.decode("utf-8")


def test_a_missing_model_warns_in_one_line_in_batch(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(SAMPLE, encoding="utf-8")
    r = textrepair(
        "batch",
        src,
        tmp_path / "out",
        "--kind",
        "ocr",
        env={"TEXTREPAIR_WORD_LM": str(tmp_path / "none.lm")},
    )
    err = r.stderr.decode("utf-8")
    assert r.returncode == 0, err
    assert "textrepair: warning: the general word model is missing" in err
    assert (
        "UserWarning" not in err and "warnings.warn" not in err
    )  # before: a raw two-line Python warning


@pytest.mark.slow
def test_copies_of_a_page_do_not_suppress_its_fixes() -> None:
    import warnings

    import textrepair

    page = REPRINT.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        once = [
            (e.offset, e.old, e.new)
            for e in textrepair.repair(page, "ocr").edits
            if e.reason == "glyph"
        ]
        copies = [
            (e.offset, e.old, e.new)
            for e in textrepair.repair(page * 10, "ocr").edits
            if e.reason == "glyph"
        ]
    assert once
    # the same fixes in every copy (before: most vanished, the repeated misreadings read as
    # evidence)
    assert copies == [(k * len(page) + off, old, new) for k in range(10) for off, old, new in once]


def _peak_rss_kb(path: Path) -> int:
    """Peak resident memory of ``textrepair restore --kind ocr PATH``, in its own process."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run([sys.executable, '-m', 'textrepair', 'restore', '--kind', 'ocr', "
        "sys.argv[1]],"
        " stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, r.stderr
    return int(r.stdout.split()[-1])


@pytest.mark.slow
def test_memory_is_flat_in_the_length_of_a_line(tmp_path: Path) -> None:
    one_line = REPRINT.read_text(encoding="utf-8").replace("\n", "")
    short, long = tmp_path / "short.txt", tmp_path / "long.txt"
    short.write_text((one_line * 40)[:20_000], encoding="utf-8")
    long.write_text((one_line * 40)[:200_000], encoding="utf-8")
    grown = _peak_rss_kb(long) - _peak_rss_kb(short)
    # before: about 1.8 MB per 1 000 characters (5.3 GB for a 300 000-character line)
    assert grown < 150_000, f"peak memory grew by {grown // 1000} MB for ten times the line"
