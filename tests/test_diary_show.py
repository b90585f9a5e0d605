"""The diary as a tired person reads it (issue 19, items 10 to 15): `diary show` at any width, the
chart's rows, `--since`, dates as people type them, entries that contradict each other, a folder
given as the diary, the diary's help, and the diary in reports for the prescriber."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import ORDINARY_FLARE, RunCli, run_module
from tests.pty_screen import DOWN, ENTER, SPACE, Terminal, flat
from tests.test_diary import day, keep_twelve_weeks
from tests.test_diary_attacks import days_ago, diary, ok

__all__ = ["diary"]  # the fixture, shared with the attack tests

TODAY = dt.date.today()
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


ago = days_ago


def two_weeks(run_cli: RunCli) -> None:
    """The README's example, ending yesterday: two doses, a facial rash from day 2, a note."""
    rash = ("--location", "face-neck", "--look", "redness-no-scaling")
    ok(run_cli("diary", "dose", "--date", ago(15), "--site", "thigh", "--note", "first injection"))
    ok(run_cli("diary", "skin", "--date", ago(15), "--itch", "1"))
    for n, itch in zip(range(13, 2, -2), (3, 6, 5, 4, 4, 3), strict=True):
        ok(
            run_cli(
                "diary", "skin", "--date", ago(n), "--itch", str(itch), *rash, "--impact", "some"
            )
        )
    ok(run_cli("diary", "dose", "--date", ago(1), "--site", "abdomen"))
    ok(run_cli("diary", "skin", "--date", ago(1), "--itch", "4", *rash, "--note", "warm cheeks"))


# --- 10: any width; the chart's rows ----------------------------------------------------------


@pytest.mark.parametrize("columns", [40, 80, 100])
def test_show_on_a_terminal_fits_its_width_and_keeps_every_date_whole(
    diary: Path, run_cli: RunCli, columns: int
) -> None:
    two_weeks(run_cli)
    with Terminal(
        "diary", "show", columns=columns, rows=400, env={"DUPI_TRIAGE_DIARY": str(diary)}
    ) as term:
        assert term.finish() == 0
        raw = ANSI.sub("", term.raw.decode("utf-8")).replace("\r", "")
        screen = term.text()
    too_wide = [line for line in raw.splitlines() if len(line) >= columns and "Diary:" not in line]
    assert too_wide == [], f"lines the terminal would wrap at {columns} columns"
    # Every date the diary and its evidence name is on screen whole, never broken across rows.
    dates = set(ISO_DATE.findall(raw))
    assert {ago(15), ago(1)} <= dates
    rows = [line for line in screen.splitlines() if "Diary:" not in line]
    assert set(ISO_DATE.findall("\n".join(rows))) >= dates - {str(diary)}
    assert "warm cheeks" in flat(screen)


def test_the_chart_tells_itch_1_from_itch_2(diary: Path, run_cli: RunCli) -> None:
    ok(run_cli("diary", "skin", "--date", ago(2), "--itch", "1"))
    ok(run_cli("diary", "skin", "--date", ago(1), "--itch", "2"))
    lines = run_cli("diary", "show", "--format", "text").out.splitlines()
    bars = {line.split("|")[0].strip(): line.split("|", 1)[1] for line in lines if " |" in line[:5]}
    assert bars["1"].startswith("##")  # both days reach 1
    assert bars["2"] == " #"  # only the second reaches 2
    assert set(bars) == {str(n) for n in range(1, 11)}


# --- 11: --since trims the list, never the evidence ----------------------------------------------


def test_since_trims_the_list_but_the_timing_comes_from_the_whole_diary(
    diary: Path, run_cli: RunCli
) -> None:
    keep_twelve_weeks(run_cli)
    whole = json.loads(run_cli("diary", "show", "--format", "json").out)
    since = json.loads(run_cli("diary", "show", "--format", "json", "--since", day(60)).out)
    assert since["timing"] == whole["timing"]
    assert since["usual_interval_days"] == whole["usual_interval_days"]
    assert 0 < len(since["entries"]) < len(whole["entries"])
    assert all(e["date"] >= day(60) or e["kind"] == "pause" for e in since["entries"])
    text = run_cli("diary", "show", "--format", "text", "--since", day(60)).out
    assert f"first check-in with a rash {day(29)}" in flat(text)
    assert "before dupilumab was started" not in text
    assert f"{day(0)}  dose" not in text


# --- 12: dates as people type them ---------------------------------------------------------------


def _last(weekday: int) -> dt.date:
    return TODAY - dt.timedelta(days=(TODAY.weekday() - weekday) % 7 or 7)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3 days ago", TODAY - dt.timedelta(days=3)),
        ("1 day ago", TODAY - dt.timedelta(days=1)),
        ("monday", _last(0)),
        ("Last Friday", _last(4)),
        ("sunday", _last(6)),
    ],
)
def test_days_ago_and_weekday_names_of_the_last_week_are_accepted(
    diary: Path, run_cli: RunCli, typed: str, expected: dt.date
) -> None:
    result = run_cli("diary", "dose", "--date", typed)
    ok(result)
    assert f"Added a dose on {expected.isoformat()}" in result.err


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2025-11-31", "November 2025 has 30 days"),
        ("2024-02-30", "February 2024 has 29 days"),
        ("2025-13-01", "there is no month 13"),
        ("30/11/2025", "did you mean 2025-11-30?"),
        ("11/30/2025", "did you mean 2025-11-30?"),
        ("05/11/2025", "day and month could be either way round"),
        ("0000-01-01", "0000-01-01 is before 2000"),
        ("1999-02-30", "1999-02-30 is before 2000"),
        ("\u0662\u0660\u0662\u0665-\u0661\u0661-\u0660\u0661", "is not a date"),
        ("\uff13 days ago", "is not a date"),
    ],
)
def test_a_mistyped_date_says_what_is_wrong_in_one_line(
    diary: Path, run_cli: RunCli, typed: str, said: str
) -> None:
    result = run_cli("diary", "skin", "--date", typed, "--itch", "3")
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1
    assert said in result.err
    assert "--date" in result.err
    assert not diary.exists()


# --- 13: contradictions are said, not scored silently ------------------------------------------


def test_two_doses_on_one_day_are_pointed_out(diary: Path, run_cli: RunCli) -> None:
    ok(run_cli("diary", "dose", "--date", ago(3)))
    second = run_cli("diary", "dose", "--date", ago(3))
    ok(second)
    assert f"a dose on {ago(3)} was already recorded" in second.err
    shown = run_cli("diary", "show", "--format", "text").out
    assert "Check these entries" in shown
    assert f"2 doses on {ago(3)}" in flat(shown)
    checks = json.loads(run_cli("diary", "show", "--format", "json").out)["check"]
    assert len(checks) == 1


def test_a_dose_after_an_open_pause_closes_it_and_says_so(diary: Path, run_cli: RunCli) -> None:
    ok(run_cli("diary", "pause", "--from", ago(10)))
    dose = run_cli("diary", "dose", "--date", ago(3))
    ok(dose)
    assert f"Closed the pause from {ago(10)}" in dose.err
    assert f"ends on {ago(3)}" in dose.err
    entries = json.loads(run_cli("diary", "show", "--format", "json").out)["entries"]
    (pause,) = [e for e in entries if e["kind"] == "pause"]
    assert pause["end"] == ago(3)


def test_an_open_pause_with_a_later_dose_from_an_import_is_pointed_out(
    diary: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    entries = [
        {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "kind": "pause", "date": ago(10)},
        {"id": "1f8fad5b-d9cb-469f-a165-70867728950e", "kind": "dose", "date": ago(3)},
    ]
    source = tmp_path / "export.json"
    source.write_text(json.dumps({"format": "dupi-triage-diary", "entries": entries}), "utf-8")
    ok(run_cli("diary", "import", str(source)))
    shown = flat(run_cli("diary", "show", "--format", "text").out)
    assert f"the pause from {ago(10)} (id 0f8fad5b) is still open, but a dose was given" in shown
    assert f"diary edit 0f8fad5b --to {ago(3)}" in shown


# --- 14: a folder as the diary; the diary's help ----------------------------------------------


def test_a_folder_given_as_the_diary_is_refused_before_any_question(tmp_path: Path) -> None:
    shown = run_module("diary", "show", "--diary", str(tmp_path))
    assert shown.returncode == 2
    assert "is a folder" in shown.stderr
    assert "no diary" not in shown.stderr
    with Terminal("assess", "--diary", str(tmp_path), columns=80, rows=30) as term:
        assert term.finish() == 2
        screen = flat(term.text())
    assert "is a folder" in screen
    assert "?" not in screen.split("is a folder")[0], "no question was asked first"


@pytest.mark.parametrize("command", ["skin", "edit"])
def test_the_diarys_help_names_no_flag_it_lacks(command: str) -> None:
    shown = run_module("diary", command, "--help", env={"COLUMNS": "100"})
    assert shown.returncode == 0
    assert "--age-band" not in shown.stdout
    assert "--respondent" not in shown.stdout
    assert "--nights-woken-by-itch" in shown.stdout


# --- 15: the diary in reports for the prescriber ------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_reports_never_print_the_diarys_path(
    diary: Path, run_cli: RunCli, tmp_path: Path, fmt: str
) -> None:
    two_weeks(run_cli)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"red_flags": ["none"]}), "utf-8")
    result = run_cli(
        "assess", "--answers", str(answers), "--from-diary", "--no-input", "--format", fmt
    )
    ok(result)
    assert "From your diary" in result.out
    assert str(diary) not in result.out
    assert diary.parent.name not in result.out


# --- 17: the rest ---------------------------------------------------------------------------------


def test_a_relative_diary_path_in_a_deleted_working_folder_is_one_line(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()

    def in_a_deleted_folder() -> None:
        os.chdir(gone)
        os.rmdir(gone)

    result = run_module(
        "diary", "dose", "--diary", "diary.sqlite", preexec_fn=in_a_deleted_folder, cwd=gone
    )
    assert result.returncode == 2, result.stderr
    assert "current folder no longer exists" in result.stderr
    assert "standard output" not in result.stderr


def test_the_diary_offer_keeps_words_whole_and_a_damaged_diary_never_ends_the_run(
    diary: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    from dupi_triage.questionnaire_loader import load_questionnaire

    questionnaire = load_questionnaire()
    keep_twelve_weeks(run_cli)
    timing = {"onset", "injection_pattern", "dose_paused", "improved_on_pause",
              "returned_on_restart", "itch", "red_flags"}  # fmt: skip
    given = {k: v for k, v in ORDINARY_FLARE.items() if k not in timing}
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(given), "utf-8")
    red_flags = questionnaire.question("red_flags")
    env = {"DUPI_TRIAGE_DIARY": str(diary)}
    for columns in (40, 60, 80):
        with Terminal("assess", "--answers", str(answers), columns=columns, env=env) as term:
            term.wait_for(red_flags.text[:20])
            term.send(DOWN * red_flags.option_ids.index("none") + SPACE + ENTER)
            term.wait_for("Answer the timing")
            offer = flat(term.text()).split("You keep a diary")[1].split("(Y/n)")[0]
            for word in ("timing", "questions", "change", "answer", "before", "result."):
                assert f" {word}" in f" {offer}", (columns, offer)
            assert "".join(str(diary).split()) in "".join(term.text().split())
    # A damaged diary: said in one line when it would be offered, and the questions go on.
    import sqlite3

    db = sqlite3.connect(diary, isolation_level=None)
    db.execute("PRAGMA ignore_check_constraints = ON")
    db.execute("UPDATE dose SET day = '2025-02-30' WHERE rowid = 1")
    db.close()
    with Terminal("assess", "--answers", str(answers), columns=80, env=env) as term:
        term.wait_for(red_flags.text[:20])
        term.send(DOWN * red_flags.option_ids.index("none") + SPACE + ENTER)
        term.wait_for("Your diary cannot be used")
        term.wait_for(questionnaire.question("onset").text[:20])
        assert "Traceback" not in term.text()


def test_an_empty_diary_path_is_refused_not_read_as_the_usual_diary(
    diary: Path, run_cli: RunCli
) -> None:
    for args in (("diary", "skin", "--itch", "3"), ("diary", "show"), ("diary", "dose")):
        result = run_cli(*args, "--diary", "")
        assert result.code == 2, args
        assert "--diary: is empty" in result.err
    assert not diary.exists()


def test_the_charts_dates_sit_under_its_ends_or_are_said_in_words_when_it_is_too_short() -> None:
    import datetime as dt

    from dupi_triage.diary.timeline import Series, text_chart

    day = dt.date(2026, 11, 1)
    short = Series(day, day + dt.timedelta(days=1), "itch", 10, ((day, 5),), (day,), ())
    assert text_chart(short, unicode=False)[-1] == "     from 2026-11-01 to 2026-11-02"
    one = Series(day, day, "itch", 10, ((day, 5),), (), ())
    assert text_chart(one, unicode=False)[-1] == "     2026-11-01"
    end = day + dt.timedelta(days=39)
    long = Series(day, end, "itch", 10, ((day, 5), (end, 3)), (day,), ())
    lines = text_chart(long, unicode=False)
    axis = next(line for line in lines if line.startswith("    +"))
    assert lines[-1].startswith("     2026-11-01")
    assert lines[-1].endswith("2026-12-10")
    assert len(lines[-1]) == len(axis), "the last date ends under the chart's last column"
