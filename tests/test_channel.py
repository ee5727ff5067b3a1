"""The channel learnt from real OCR output (textrepair.ocr.channel) and its use in the corrector."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from textrepair.errors import InputError, ModelError
from textrepair.lm import Model, estimate
from textrepair.ocr.channel import (
    HEADER,
    Channel,
    SimilarityCurve,
    align,
    count_pairs,
    han,
    learn,
    read_channel,
    write_channel,
)
from textrepair.ocr.confusion import ConfusionTable
from textrepair.ocr.repair import GlyphCorrector

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "corpora" / "real_ocr"


def test_align_pairs_substitutions_insertions_and_deletions() -> None:
    assert align("甲乙丙丁", "甲乙丙丁") == [("甲", "甲"), ("乙", "乙"), ("丙", "丙"), ("丁", "丁")]
    assert align("甲乙丙丁", "甲己丙丁") == [("甲", "甲"), ("乙", "己"), ("丙", "丙"), ("丁", "丁")]
    assert align("甲乙丙丁", "甲丙丁") == [("甲", "甲"), ("乙", ""), ("丙", "丙"), ("丁", "丁")]
    assert align("甲乙丙丁", "甲乙一丙丁") == [
        ("甲", "甲"),
        ("乙", "乙"),
        ("", "一"),
        ("丙", "丙"),
        ("丁", "丁"),
    ]
    assert align("", "") == []


def test_counts_ignore_everything_but_han() -> None:
    counts = count_pairs("甲乙，丙丁。\n戊己", "甲 己, 丙丁.\n戊己")
    assert counts[("乙", "己")] == 1 and counts[("甲", "甲")] == 1
    assert sum(counts.values()) == 6


def test_pages_of_different_documents_are_refused() -> None:
    with pytest.raises(InputError, match="same document"):
        count_pairs("天地玄黄宇宙洪荒日月盈昃", "辰宿列张寒来暑往秋收冬藏")
    with pytest.raises(InputError, match="no Han"):
        count_pairs("abc", "abc")


def test_learnt_counts_rates_and_round_trip(tmp_path: Path) -> None:
    ch = learn(
        [("p1", "甲乙丙丁" * 5, "甲己丙丁" * 4 + "甲乙丙丁"), ("p2", "乙乙乙乙乙", "乙乙一乙乙乙")]
    )
    assert ch.true_count["乙"] == 10 and ch.confusions["己"] == {"乙": 4}
    assert ch.insertions == Counter({"一": 1}) and not ch.deletions
    assert ch.rate("己", "乙") == pytest.approx(4 / (10 + ch.prior_weight))
    assert ch.rate("乙", "己") == 0.0
    assert ch.substitution_rate == pytest.approx(4 / 25)
    path = tmp_path / "channel.tsv"
    write_channel(ch, path, ["a test"])
    assert path.read_text(encoding="utf-8").startswith(HEADER + "\n# a test\n")
    back = read_channel(path)
    assert back.counts == ch.counts


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "not a textrepair channel file"),
        (HEADER + "\n甲\t乙\n", r":2: expected read, true and count"),
        (HEADER + "\n甲\tab\t3\n", r":2: read and true must be single Han"),
        (HEADER + "\n\t\t3\n", r":2: read and true must be single Han"),
        (HEADER + "\n甲\t乙\tx\n", r":2: count 'x' is not a whole number"),
        (HEADER + "\n# c\n甲\t乙\t-1\n", r":3: count -1 is negative"),
        (HEADER + "\n甲\t乙\t" + "9" * 29 + "\n", r":2: count 9+ is more than a channel holds"),
        (HEADER + "\n甲\t乙\t9223372036854775807\n", r":2: count .* is more than a channel"),
        (HEADER + "\n# only comments\n", "has no rows"),
        (HEADER + "\nア\tイ\t1\n", r":2: read and true must be single Han"),  # another script
    ],
)
def test_malformed_channel_files_name_the_file_and_line(
    tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ModelError, match=message) as info:
        read_channel(path)
    assert str(path) in str(info.value)


def test_similarity_curve_backs_off_to_the_mean_rate_where_it_saw_nothing() -> None:
    curve = SimilarityCurve((0.0, 0.5), (1.0, 99.0), (10_000.0, 1_000.0))
    assert curve(0.9) > 50 * curve(0.1)
    empty = SimilarityCurve((0.0, 0.5), (0.0, 100.0), (0.0, 1_000.0))
    assert empty(0.1) == pytest.approx(empty.rate)


def test_similarity_curve_in_arrays_gives_the_same_numbers_as_one_call_each() -> None:
    from textrepair.ocr.channel import SIMILARITY_BINS

    bins = len(SIMILARITY_BINS)
    curve = SimilarityCurve(
        SIMILARITY_BINS, tuple(float(i % 4) for i in range(bins)), (500.0,) * bins
    )
    sims = [-1.0, -0.4, -0.35, 0.0, 0.1, 0.3, 0.55, 0.9, 1.0, 1.5, *np.linspace(-0.5, 1.1, 97)]
    assert curve.log10_of(np.array(sims)).tolist() == [math.log10(curve(s)) for s in sims]


# --------------------------------------------------------------------------- in the corrector
PHRASES = ["他在树林里休息", "树木旁边有小河", "我们在河边休息"]
MODEL = Model(ngram_model=estimate([p for _ in range(6) for p in PHRASES], 4))
EMPTY_TABLE = ConfusionTable([("木", "林", 0.6, "whole")])


def test_a_confusion_only_the_channel_knows_is_corrected_only_with_it() -> None:
    damaged = "我们在河边仆息"  # 休 read as 仆: no table row has the pair
    plain = GlyphCorrector(MODEL, EMPTY_TABLE)
    assert plain.correct(damaged) == []
    channel = Channel(Counter({("休", "仆"): 5, ("休", "休"): 95, ("在", "在"): 400}))
    taught = dataclasses.replace(plain, channel=channel)
    (edit,) = taught.correct(damaged)
    assert (edit.old, edit.new, edit.offset) == ("仆", "休", damaged.index("仆"))
    assert taught.correct("我们在河边休息") == []  # the clean text stays


def test_a_confusion_seen_once_is_no_candidate_of_its_own() -> None:
    # one misreading is no evidence that the engine does it again: the pair keeps its rate
    # where another source offers it (here the context: 仆息 is a bigram nobody writes), but the
    # channel does not offer it wherever 仆 is read
    damaged = "我们在河边仆息"
    once = Channel(Counter({("休", "仆"): 1, ("休", "休"): 20, ("在", "在"): 400}))
    corrector = GlyphCorrector(MODEL, EMPTY_TABLE, channel=once)
    assert corrector.config.channel_min_count == 2
    assert "休" not in {o.text for o in corrector.options("仆")}
    trusting = dataclasses.replace(
        corrector, config=dataclasses.replace(corrector.config, channel_min_count=1)
    )
    assert "休" in {o.text for o in trusting.options("仆")}
    (edit,) = trusting.correct(damaged)
    assert (edit.old, edit.new) == ("仆", "休")


def test_context_candidates_come_only_where_a_bigram_is_unseen() -> None:
    channel = Channel(Counter({("休", "仆"): 1, ("休", "休"): 99}))
    c = GlyphCorrector(MODEL, EMPTY_TABLE, channel=channel)
    assert c.context_options("休", "里", "息") == []  # 里休 and 休息 are both seen
    offered = {o.text for o in c.context_options("仆", "里", "息")}
    assert "休" in offered  # seen after 里 and before 息
    assert "仆" not in offered


# --------------------------------------------------------------------------- committed real-engine
# data
@pytest.mark.parametrize("suffix", ["ocr", "ppocr"])  # Tesseract, PP-OCRv4
def test_committed_real_ocr_outputs_align_with_their_truth(suffix: str) -> None:
    for set_name in ("channel", "general", "dev", "drafts", "reviews"):
        ocrs = sorted((REAL / set_name).glob(f"*.{suffix}.txt"))
        assert len(ocrs) >= 9, set_name
        for ocr in ocrs[:6]:
            truth = REAL / set_name / (ocr.name.split(".")[0] + ".truth.txt")
            counts = count_pairs(
                truth.read_text(encoding="utf-8"), ocr.read_text(encoding="utf-8"), str(ocr)
            )
            errors = sum(c for (t, o), c in counts.items() if t != o)
            # a column read out of order counts twice (deleted, then inserted): 17 % on one
            # page of reviews
            assert 0 < errors < (0.2 if set_name == "reviews" else 0.15) * sum(counts.values())


def test_the_benchmark_score_counts_fixed_wrong_and_false() -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.real_ocr import score

    truth, ocr = "甲乙丙丁戊己庚辛", "甲己丙丁戊一己庚辛"  # 乙 read as 己, 一 invented
    c = score(truth, ocr, "甲乙丙丁戊一己庚辛")  # fixed the substitution
    assert (c["subs"], c["fixed"], c["wrong"], c["false"], c["insertions"]) == (1, 1, 0, 0, 1)
    assert (c["before"], c["after"]) == (2, 1)
    c = score(truth, ocr, "甲庚丙丁午一己庚辛")  # a wrong fix and a false one
    assert (c["fixed"], c["wrong"], c["false"]) == (0, 1, 1)
    c = score(truth, ocr, "甲乙丙丁戊己庚辛")  # the invented character removed
    assert (c["insertions_removed"], c["after"]) == (1, 0)


def test_learn_channel_cli(tmp_path: Path) -> None:
    truth, ocr, other = tmp_path / "t.txt", tmp_path / "o.txt", tmp_path / "x.txt"
    truth.write_text("我们在河边休息，他在树林里休息。\n", encoding="utf-8")
    ocr.write_text("我们在河边仆息, 他在树林里休息.\n", encoding="utf-8")
    other.write_text("天地玄黄宇宙洪荒日月盈昃辰宿列张\n", encoding="utf-8")
    out = tmp_path / "ch.tsv"
    run = [sys.executable, "-m", "textrepair", "learn-channel"]
    done = subprocess.run(
        [*run, str(truth), str(ocr), "-o", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert read_channel(out).confusions["仆"] == {"休": 1}
    bad = subprocess.run(
        [*run, str(truth), str(other), "-o", str(tmp_path / "b.tsv")],
        capture_output=True,
        text=True,
    )
    assert (
        bad.returncode == 1
        and len(bad.stderr.strip().splitlines()) == 1
        and "same document" in bad.stderr
    )
    assert not (tmp_path / "b.tsv").exists()
    odd = subprocess.run(
        [*run, str(truth), "-o", str(tmp_path / "c.tsv")], capture_output=True, text=True
    )
    assert odd.returncode == 2 and "pairs" in odd.stderr  # a usage error
    # with --skip-unaligned the pair that does not align is left out, with a warning naming it
    mixed = subprocess.run(
        [*run, "--skip-unaligned", str(truth), str(ocr), str(truth), str(other), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert mixed.returncode == 0, mixed.stderr
    assert "warning: skipped" in mixed.stderr and str(other) in mixed.stderr
    assert read_channel(out).confusions["仆"] == {"休": 1}  # learnt from the good pair alone
    assert f"left out, not aligned: {truth} / {other}" in out.read_text(encoding="utf-8")
    none = subprocess.run(
        [*run, "--skip-unaligned", str(truth), str(other), "-o", str(tmp_path / "d.tsv")],
        capture_output=True,
        text=True,
    )
    assert none.returncode == 1 and "nothing to learn from" in none.stderr
    assert not (tmp_path / "d.tsv").exists()


def test_han_keeps_only_han() -> None:
    assert han("a甲, 乙\n丙1") == "甲乙丙"


def test_repair_takes_a_channel_file_or_none(tmp_path: Path) -> None:
    from textrepair import api

    text = "推进医疗卫生服务体系建设。\n"
    bad = tmp_path / "bad.tsv"
    bad.write_text("not a channel\n", encoding="utf-8")
    with pytest.raises(ModelError, match="not a textrepair channel file"):
        api.repair(text, "ocr", channel=bad)
    assert api.repair(text, "ocr", channel="tesseract").text == api.repair(text, "ocr").text == text


def test_restore_cli_reports_a_bad_channel_on_one_line(tmp_path: Path) -> None:
    src, bad = tmp_path / "in.txt", tmp_path / "bad.tsv"
    src.write_text("推进医疗卫生服务体系建设。\n", encoding="utf-8")
    bad.write_text(HEADER + "\n甲\t乙\n", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "textrepair",
            "restore",
            "--kind",
            "ocr",
            "--channel",
            str(bad),
            str(src),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and f"{bad}:2" in done.stderr


def test_batch_refuses_a_bad_channel_before_writing(tmp_path: Path) -> None:
    src, out, bad = tmp_path / "in", tmp_path / "out", tmp_path / "bad.tsv"
    src.mkdir()
    (src / "a.txt").write_text("推进医疗卫生服务体系建设。\n", encoding="utf-8")
    bad.write_text("# not a channel\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "textrepair", "batch", str(src), str(out), "--channel", str(bad)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and str(bad) in done.stderr and "Traceback" not in done.stderr
    assert not (out / "a.txt").exists()


def test_insertion_rate_counts_what_was_read_for_nothing():
    from collections import Counter

    from textrepair.ocr.channel import Channel

    ch = Channel(Counter({("和", "和"): 80, ("", "和"): 20, ("的", "的"): 100}), prior_weight=0.0)
    assert ch.insertion_rate("和") == 0.2
    assert ch.insertion_rate("的") == 0.0


def test_engine_lines_are_put_in_reading_order() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    from realocr import reading_order

    w = 20.0  # a character's width; columns of 12 characters, 44 apart
    boxes = [
        (0, 12 * w, 0, 20, "甲甲甲"),
        (2 * w, 12 * w, 30, 50, "乙乙乙"),  # indented
        (0, 2 * w, 60, 80, "丙。"),  # a paragraph's short last line
        (400, 440, 0, 20, "戊戊"),  # the second column, its first line read as two boxes
        (300, 300 + 4 * w, 1, 21, "丁丁"),
        (300, 540, 30, 50, "己己己"),
    ]
    assert reading_order(boxes[::-1]) == [["甲甲甲", "乙乙乙", "丙。"], ["丁丁戊戊", "己己己"]]


# --------------------------------------------------------------------------- channel="auto"
def test_auto_keeps_the_learnt_channel_only_where_it_finds_the_page_noisy() -> None:
    """A page Tesseract read is repaired with the shipped channel; the same page read by a cleaner
    engine, and the page itself, with the glyph tables alone (those of their corrections that
    have a second source)."""
    import textrepair
    from textrepair.ocr.repair import AUTO, glyph_edits, make_corrector

    model = textrepair.load_model()
    folder = REAL / "general"
    pages = {
        "tesseract": (folder / "pd19120.uming.ocr.txt").read_text(encoding="utf-8"),
        "ppocr": (folder / "pd19040.uming.ppocr.txt").read_text(encoding="utf-8"),
        "truth": (folder / "pd19040.truth.txt").read_text(encoding="utf-8"),
    }
    chosen = {}
    for name, page in pages.items():
        corrector, edits = glyph_edits(page, model, channel=AUTO)
        chosen[name] = corrector.channel is not None
        own = corrector.correct(page)
        assert edits == own if chosen[name] else all(e in own for e in edits)
        assert corrector is make_corrector(model, channel="tesseract" if chosen[name] else None)
    assert chosen == {"tesseract": True, "ppocr": False, "truth": False}


def test_auto_density_bounds_the_choice() -> None:
    import textrepair
    from textrepair.ocr.config import OcrConfig
    from textrepair.ocr.repair import AUTO, glyph_edits

    model = textrepair.load_model()
    text = "推进医疗卫生服务体系建设。\n"
    always = dataclasses.replace(OcrConfig(), auto_channel_density=0.0)
    never = dataclasses.replace(OcrConfig(), auto_channel_density=1.0)
    assert glyph_edits(text, model, channel=AUTO, config=always)[0].channel is not None
    assert glyph_edits(text, model, channel=AUTO, config=never)[0].channel is None


def test_auto_asks_the_channel_even_where_the_tables_find_nothing() -> None:
    """A Tesseract page of reviews on which the glyph tables change nothing, while the channel
    changes more than 3 in 1 000 of its Han characters: the channel's reading is kept (the
    tables read first used to leave such a page as read)."""
    import textrepair
    from textrepair.ocr.repair import AUTO, glyph_edits, make_corrector

    model = textrepair.load_model()
    page = (REAL / "reviews" / "rv02.zenhei.ocr.txt").read_text(encoding="utf-8")
    assert make_corrector(model, channel=None).correct(page) == []
    corrector, edits = glyph_edits(page, model, channel=AUTO)
    assert corrector.channel is not None and len(edits) >= 5


def test_on_a_page_the_channel_finds_clean_a_correction_needs_a_second_source() -> None:
    """PP-OCRv4's reading of a newspaper page: the channel changes too little of it to be kept, so
    the glyph tables read it. Their one correction there (a name, 田鸣, made the word 雷鸣) comes
    from the context alone: neither the rendered look-alike table nor the channel's reading backs
    it, and it is left out. Every correction that stays has one of the two behind it."""
    import textrepair
    from textrepair.ocr.repair import AUTO, glyph_edits, make_corrector

    model = textrepair.load_model()
    page = (REAL / "general" / "pd19040.uming.ppocr.txt").read_text(encoding="utf-8")
    tables = make_corrector(model, channel=None)
    own = tables.correct(page)
    assert [(e.old, e.new) for e in own] == [("田", "雷")]
    assert not tables.looks_alike("田", "雷")
    corrector, edits = glyph_edits(page, model, channel=AUTO)
    assert corrector.channel is None and edits == []
    for name in ("pd19000.uming.ppocr.txt", "pd19120.notoserif.ppocr.txt"):
        page = (REAL / "general" / name).read_text(encoding="utf-8")
        corrector, edits = glyph_edits(page, model, channel=AUTO)
        learnt = {
            (e.offset, e.new) for e in make_corrector(model, channel="tesseract").correct(page)
        }
        assert corrector.channel is None and edits
        assert all((e.offset, e.new) in learnt or tables.looks_alike(e.old, e.new) for e in edits)


def test_the_default_channel_is_auto() -> None:
    from textrepair import api

    page = (REAL / "general" / "pd19120.uming.ocr.txt").read_text(encoding="utf-8")
    default = api.repair(page, "ocr")
    assert default == api.repair(page, "ocr", channel="auto")
    assert default != api.repair(page, "ocr", channel="none")  # a page Tesseract read: the channel
    text = "推进医疗卫生服务体系建设。\n"
    assert api.repair(text, "ocr", channel="none").text == text


def test_restore_and_batch_take_channel_auto(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text("推进医疗卫生服务体系建设。\n", encoding="utf-8")
    for argv in (
        ["restore", "--kind", "ocr", "--channel", "auto", str(src / "a.txt")],
        ["batch", str(src), str(out), "--channel", "auto"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "textrepair", *argv], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    assert (out / "a.txt").read_text(encoding="utf-8") == "推进医疗卫生服务体系建设。\n"


# --------------------------------------------------------------------------- near misses (hOCR)
HOCR = ROOT / "tests" / "data" / "tesseract_choices.hocr"  # Tesseract 5.3, lstm_choice_mode=2


def test_hocr_choices_are_read_per_character() -> None:
    from textrepair.ocr.hocr import has_choices, is_hocr, read_choices

    text = HOCR.read_text(encoding="utf-8")
    assert is_hocr(text) and has_choices(text)
    assert not is_hocr("我们在河边休息")
    choices = read_choices(text)
    assert han("".join(c for c, _ in choices)) == han(
        "我们在河边休息，他在树林里休息。树木旁边有小河，河水很清"
    )
    assert sum(1 for _, alts in choices if alts) > len(choices) // 2
    assert choices[17] == ("木", "栓本相村术")  # the group 木 栓 本 相 村 术, less 木 itself
    # 边's group (人 加 轴 久 凶 思) does not hold 边: another time step's, not evidence for 边
    assert choices[4] == ("边", "")


def test_hocr_with_a_box_per_character_reads_the_same() -> None:
    from textrepair.ocr.hocr import read_choices

    boxed = (HOCR.parent / "tesseract_choices_charboxes.hocr").read_text(encoding="utf-8")
    assert "x_bboxes" in boxed  # the same page, run with -c hocr_char_boxes=1
    assert read_choices(boxed) == read_choices(HOCR.read_text(encoding="utf-8"))


def test_near_pairs_count_what_was_weighed_at_each_true_character() -> None:
    from textrepair.ocr.channel import near_pairs

    truth = "甲乙丙丁"
    choices = [("甲", "申由"), ("己", "乙巳"), ("丙", ""), ("，", "。"), ("丁", "了x")]
    near = near_pairs(truth, choices)
    # at 乙 (read 己) the engine also weighed 乙 itself (not a near miss) and 巳
    assert near == Counter({("甲", "申"): 1, ("甲", "由"): 1, ("乙", "巳"): 1, ("丁", "了"): 1})
    with pytest.raises(InputError, match="same document"):
        near_pairs("天地玄黄宇宙洪荒日月盈昃", [(c, "") for c in "辰宿列张寒来暑往秋收冬藏"])
    # an invented character and a dropped one: the choices stay with their own characters
    truth = "甲乙丙丁戊己庚辛"
    read = [("甲", "申"), ("X", ""), ("乙", "己"), ("丁", "了"), ("戊", "")]
    read += [("己", "已"), ("庚", "康"), ("辛", "幸")]
    read[1] = ("吖", "呀")  # read where the page has nothing
    near = near_pairs(truth, read)
    assert near == Counter(
        {
            ("甲", "申"): 1,
            ("乙", "己"): 1,
            ("丁", "了"): 1,
            ("己", "已"): 1,
            ("庚", "康"): 1,
            ("辛", "幸"): 1,
        }
    )


def test_a_channel_learnt_from_hocr_keeps_its_near_misses(tmp_path: Path) -> None:
    from textrepair.ocr.channel import merge
    from textrepair.ocr.hocr import read_choices

    hocr = HOCR.read_text(encoding="utf-8")
    truth = "我们在河边休息，他在树林里休息。树木旁边有小河，河水很清。"
    plain = learn([("p", truth, "".join(c for c, _ in read_choices(hocr)))])
    ch = learn([("p", truth, hocr)])
    assert ch.counts == plain.counts and not plain.near and ch.near
    (t, o), n = ch.near.most_common(1)[0]
    assert ch.near_candidates(o)[t] == n
    assert ch.near_rate(o, t) == pytest.approx(n / (ch.true_count[t] + ch.prior_weight))
    path = tmp_path / "near.tsv"
    write_channel(ch, path)
    back = read_channel(path)
    assert back.counts == ch.counts and back.near == ch.near
    both = merge([back, plain])
    assert both.counts == ch.counts + plain.counts and both.near == ch.near


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("甲\t乙\t0\tx", "near-miss count 'x' is not a whole number"),
        ("甲\t乙\t0\t-2", "near-miss count -2 is negative"),
        ("甲\t乙\t0\t" + "9" * 20, "near-miss count 9+ is more than a channel holds"),
        ("甲\t甲\t3\t2", "two different characters"),
        ("甲\t乙\t1\t2\t3", "expected read, true and count"),
    ],
)
def test_malformed_near_miss_rows_name_the_line(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(f"{HEADER}\n乙\t乙\t5\n{row}\n", encoding="utf-8")
    with pytest.raises(ModelError, match=f":3: .*{message}"):
        read_channel(path)


def test_a_confusion_only_the_near_misses_know_is_corrected_only_with_them() -> None:
    damaged = "我们在河边仆息"  # 休 read as 仆: neither the table nor a misreading has the pair
    counts = Counter({("休", "休"): 95, ("在", "在"): 400, ("河", "可"): 1, ("河", "河"): 99})
    plain = GlyphCorrector(MODEL, EMPTY_TABLE, channel=Channel(counts))
    assert plain.correct(damaged) == []
    taught = dataclasses.replace(
        plain, channel=Channel(counts, near=Counter({("休", "仆"): 60, ("休", "什"): 3}))
    )
    (edit,) = taught.correct(damaged)
    assert (edit.old, edit.new) == ("仆", "休")
    assert taught.correct("我们在河边休息") == []
    off = dataclasses.replace(
        taught, config=dataclasses.replace(taught.config, near_offset=-math.inf)
    )
    assert off.correct(damaged) == []


def test_a_pair_never_seen_costs_more_where_its_true_character_is_seldom_misread() -> None:
    # 乙 was misread 4 times in 10 readings, 甲 never in 10: the share of the channel spread over
    # pairs never seen follows each true character's own record, shrunk towards the engine's
    ch = learn([("p", "甲乙丙丁" * 5 + "甲乙" * 5, "甲己丙丁" * 4 + "甲乙丙丁" + "甲乙" * 5)])
    assert ch.misread_count == Counter({"乙": 4})
    rate = ch.substitution_rate
    assert ch.misread_rate("乙", 10.0) == pytest.approx((4 + 10 * rate) / (10 + 10))
    assert ch.misread_rate("甲", 10.0) == pytest.approx(10 * rate / (10 + 10))
    assert ch.misread_rate("戊", 10.0) == pytest.approx(rate)  # never read: the engine's rate
    assert ch.misread_rate("乙", 1e12) == pytest.approx(rate)
    assert ch.misread_rate("戊", 0.0) == pytest.approx(rate)  # nothing to go on at all
    per_char = GlyphCorrector(MODEL, EMPTY_TABLE, channel=ch)  # the default config does this
    engine = dataclasses.replace(
        per_char, config=dataclasses.replace(per_char.config, misread_prior=0.0)
    )
    # 丙 read for 乙 or for 甲: never seen either way, so only the backoff speaks
    yi, jia = per_char.learnt_costs("丙", ["乙", "甲"])
    assert yi > jia
    assert engine.learnt_costs("丙", ["乙"])[0] < yi
    assert engine.learnt_costs("丙", ["甲"])[0] > jia


def test_learnt_costs_are_kept_per_pair_and_bounded() -> None:
    ch = learn([("p", "甲乙丙丁" * 5 + "甲乙" * 5, "甲己丙丁" * 4 + "甲乙丙丁" + "甲乙" * 5)])
    small = GlyphCorrector(MODEL, EMPTY_TABLE, channel=ch)
    small = dataclasses.replace(small, config=dataclasses.replace(small.config, learnt_cache=2))
    trues = ["乙", "甲", "乙", "己"]
    first = small.learnt_costs("丙", trues)
    assert first == small._learnt_costs("丙", trues)  # what is kept is what is computed
    assert first[0] == first[2]
    # asked again, in another order and beside pairs not asked before: the same costs
    again = small.learnt_costs("丙", ["己", "丁", "乙"])
    assert again == [first[3], small._learnt_costs("丙", ["丁"])[0], first[0]]
    for read in "丁己戊":
        small.learnt_costs(read, ["甲"])
        assert sum(map(len, small._learnt.values())) == small._learnt_pairs <= 2
    assert small.learnt_costs("丁", ["甲"]) == small._learnt_costs("丁", ["甲"])
    none = dataclasses.replace(small, config=dataclasses.replace(small.config, learnt_cache=0))
    assert none.learnt_costs("丙", trues) == first
    assert not any(none._learnt.values())


def test_a_pair_s_glyph_similarity_does_not_depend_on_what_is_asked_with_it() -> None:
    # the corrector keeps a pair's learnt cost for later pages: it must not depend on the batch
    from textrepair.ocr.confusion import GlyphSpace

    rng = np.random.default_rng(7)
    chars = [chr(0x4E00 + i) for i in range(600)]
    space = GlyphSpace(chars, rng.standard_normal((600, 64)).astype(np.float32))
    alone = [space.similarities(chars[0], [c])[0] for c in chars[1:]]
    for size in (2, 7, 64, 599):
        batch = chars[1 : 1 + size]
        assert space.similarities(chars[0], batch) == alone[:size]


def test_common_members_whichever_side_is_smaller() -> None:
    from textrepair.ocr.repair import _common

    many = frozenset(chr(0x4E00 + i) for i in range(500))
    few = {"丁": 1.0, "一": 2.0, "A": 3.0}
    assert _common(many, few) == {"丁", "一"}
    assert _common(frozenset("一A"), few) == {"一", "A"}
    assert _common(frozenset("B"), set("AB")) == {"B"}
    assert _common(frozenset(), few) == set()


def test_a_digit_is_never_made_another_digit() -> None:
    # the model has only ever seen 一九四九年; a page that says 一九七九年 states another year
    years = Model(
        ngram_model=estimate(
            ["他在一九四九年来到北京"] * 6 + ["我们要统一思想认识"] * 6 + PHRASES * 6, 4
        )
    )
    table = ConfusionTable(
        [("七", "四", 0.9, "whole"), ("兀", "九", 0.9, "whole"), ("二", "一", 0.9, "whole")]
    )
    keeps = GlyphCorrector(years, table)
    assert keeps.correct("他在一九七九年来到北京") == []
    swaps = dataclasses.replace(keeps, config=dataclasses.replace(keeps.config, digits_stay=False))
    ((edit),) = swaps.correct("他在一九七九年来到北京")
    assert (edit.old, edit.new) == ("七", "四")
    # a digit misread as another character is still put back
    (edit,) = keeps.correct("他在一兀四九年来到北京")
    assert (edit.old, edit.new) == ("兀", "九")
    # and a digit in a word, not in a number, is a character like any other
    (edit,) = keeps.correct("我们要统二思想认识")
    assert (edit.old, edit.new) == ("二", "一")


def test_a_channel_that_saw_no_misreading_still_repairs() -> None:
    from textrepair.ocr.hocr import read_choices

    truth = "我们在河边休息，他在树林里休息。树木旁边有小河，河水很清。"
    ch = learn([("p", truth, HOCR.read_text(encoding="utf-8"))])
    assert ch.errors == 0 and 0 < ch.substitution_rate < 0.05
    corrector = GlyphCorrector(MODEL, EMPTY_TABLE, channel=ch)
    assert corrector.correct("他在树林里休息") == []  # no log10(0) on a pair never seen
    assert read_choices("<html><body>no words</body></html>") == []


def test_hocr_without_choices_is_learnt_with_a_warning() -> None:
    hocr = HOCR.read_text(encoding="utf-8").replace("lstm_choices_", "cinfo_")
    truth = "我们在河边休息，他在树林里休息。树木旁边有小河，河水很清。"
    with pytest.warns(UserWarning, match="lstm_choice_mode=2"):
        ch = learn([("p", truth, hocr)])
    assert ch.characters and not ch.near


def test_learn_channel_cli_takes_hocr_and_merges(tmp_path: Path) -> None:
    truth = tmp_path / "t.txt"
    truth.write_text(
        "我们在河边休息，他在树林里休息。树木旁边有小河，河水很清。\n", encoding="utf-8"
    )
    other_truth, other_ocr = tmp_path / "t2.txt", tmp_path / "o2.txt"
    other_truth.write_text("我们在河边休息\n", encoding="utf-8")
    other_ocr.write_text("我们在河边仆息\n", encoding="utf-8")
    run = [sys.executable, "-m", "textrepair", "learn-channel"]
    first = tmp_path / "a.tsv"
    done = subprocess.run(
        [*run, str(other_truth), str(other_ocr), "-o", str(first)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    out = tmp_path / "b.tsv"
    done = subprocess.run(
        [*run, str(truth), str(HOCR), "--merge", str(first), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    ch = read_channel(out)
    assert ch.near and ch.confusions["仆"] == {
        "休": 1
    }  # the hOCR's near misses and the merged pair
    assert f"merged with {first}" in out.read_text(encoding="utf-8")
    bad = subprocess.run(
        [*run, str(truth), str(HOCR), "--merge", str(tmp_path / "missing.tsv"), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr


def test_the_shipped_channel_is_what_make_channel_learns_from_the_committed_pages() -> None:
    folder = REAL / "channel"
    pages = [
        (
            str(ocr),
            (folder / f"{ocr.name.split('.')[0]}.truth.txt").read_text("utf-8"),
            ocr.read_text("utf-8"),
        )
        for ocr in sorted(folder.glob("*.ocr.txt"))
    ]
    skipped: list[tuple[str, str]] = []
    learnt = learn(pages, skipped)
    assert len(pages) - len(skipped) >= 500 and len(skipped) <= len(pages) // 200  # few
    assert learnt.counts == read_channel(ROOT / "models" / "channel.tsv").counts
