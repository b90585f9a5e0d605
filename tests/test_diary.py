"""The dose and skin diary through the real command line, and `assess --from-diary`."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest

from dupi_triage.diary.exchange import checkin_questions
from dupi_triage.questionnaire import Questionnaire
from tests.conftest import CliResult, RunCli, run_module

TODAY = dt.date.today()
# Twelve weeks that ended yesterday: day 0 is the first dose.
START = TODAY - dt.timedelta(days=90)
RASH = ("--location", "face-neck", "--look", "redness-no-scaling")


def day(offset: int) -> str:
    return (START + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def diary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "diary.sqlite"
    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(path))
    return path


def ok(result: CliResult) -> CliResult:
    assert result.code == 0, result.err
    return result


def itch_on(offset: int) -> int:
    """Clear skin in weeks 1-4, a rash from week 5, better late in the week-9 pause, back after."""
    if offset < 29:
        return 1
    if offset < 56:
        return 7
    if offset < 62:
        return 6
    if offset < 70:
        return 2
    return 7


def keep_twelve_weeks(run_cli: RunCli) -> None:
    # Doses every 14 days; the week-9 dose (day 56) is paused and restarted on day 70.
    for offset in (0, 14, 28, 42, 70, 84):
        ok(run_cli("diary", "dose", "--date", day(offset), "--site", "thigh"))
    ok(run_cli("diary", "pause", "--from", day(56), "--to", day(70), "--agreed-with-prescriber"))
    for offset in range(1, 85, 2):
        rash = RASH if offset >= 29 else ()
        ok(run_cli("diary", "skin", "--date", day(offset), "--itch", str(itch_on(offset)), *rash))


def test_a_twelve_week_diary_answers_the_timing_questions_with_dated_evidence(
    diary: Path, run_cli: RunCli
) -> None:
    keep_twelve_weeks(run_cli)
    result = ok(
        run_cli("assess", "--from-diary", "--no-input", "--format", "json", "--red-flags", "none")
    )
    output = json.loads(result.out)
    answers = output["answers"]
    assert answers["onset"] == "1_to_4_months"
    assert answers["dose_paused"] == "yes"
    assert answers["improved_on_pause"] == "yes"
    assert answers["returned_on_restart"] == "yes"
    timing = {entry["question"]: entry for entry in output["diary"]["answers"]}
    assert timing["onset"]["evidence"][0] == (
        f"first check-in with a rash {day(29)}, 29 days after the first dose on {day(0)}"
    )
    assert day(56) in " ".join(timing["dose_paused"]["evidence"])
    assert day(70) in " ".join(timing["returned_on_restart"]["evidence"])
    assert any(day(56) in line for line in timing["improved_on_pause"]["evidence"])
    # The result names the diary as the source of the answers it gave.
    from_diary = [c for c in output["contributions"] if "from your diary" in c["reason"]]
    assert {c["question"] for c in from_diary} <= set(output["diary"]["used"])
    assert "onset" in output["diary"]["used"]
    assert any(c["question"] == "onset" for c in from_diary)


def test_flags_and_answers_files_win_over_the_diary(
    diary: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    keep_twelve_weeks(run_cli)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"onset": "after_4_months"}))
    result = ok(
        run_cli(
            "assess", "--from-diary", "--no-input", "--format", "json",
            "--answers", str(answers), "--dose-paused", "no",
        )
    )  # fmt: skip
    output = json.loads(result.out)
    assert output["answers"]["onset"] == "after_4_months"
    assert output["answers"]["dose_paused"] == "no"
    assert "improved_on_pause" not in output["answers"]
    assert "onset" not in output["diary"]["used"]
    assert not any("from your diary" in c["reason"] for c in output["contributions"])


def test_the_usual_interval_is_learned_from_four_weekly_doses(diary: Path, run_cli: RunCli) -> None:
    for offset in (0, 28, 56, 84):
        ok(run_cli("diary", "dose", "--date", day(offset)))
    ok(run_cli("diary", "skin", "--date", day(20), "--itch", "1"))
    ok(run_cli("diary", "skin", "--date", day(40), "--itch", "5", *RASH))
    result = ok(run_cli("assess", "--from-diary", "--no-input", "--format", "json"))
    output = json.loads(result.out)
    # Four weeks between doses is this person's normal, not a delay.
    assert output["answers"]["dose_paused"] == "no"
    assert "usual interval 28 days" in " ".join(
        next(a for a in output["diary"]["answers"] if a["question"] == "dose_paused")["evidence"]
    )


def test_show_draws_the_chart_and_lists_entries_newest_last(diary: Path, run_cli: RunCli) -> None:
    keep_twelve_weeks(run_cli)
    shown = ok(run_cli("diary", "show", "--format", "text")).out
    lines = shown.splitlines()
    assert lines[0] == f"Diary: {diary}"
    assert any(line.startswith("dose ^") for line in lines)
    assert any(line.startswith("pause") and "=" in line for line in lines)
    dates = [line[:10] for line in lines if line[:4].isdigit() and line[4] == "-"]
    assert dates == sorted(dates)
    assert dates[-1] == day(84)
    since = ok(run_cli("diary", "show", "--since", day(80), "--format", "json")).out
    assert {e["date"] for e in json.loads(since)["entries"]} == {day(81), day(83), day(84)}


def test_the_skin_check_in_offers_exactly_the_questionnaires_skin_questions(
    questionnaire: Questionnaire, run_cli: RunCli
) -> None:
    help_text = ok(run_cli("diary", "skin", "--help")).out
    for question in checkin_questions(questionnaire):
        assert question.flag in help_text
        for option in question.options:
            assert option.id in help_text.replace("\n", "").replace(" ", "")


def test_export_then_import_round_trips_exactly_and_twice_adds_nothing(
    diary: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_twelve_weeks(run_cli)
    ok(run_cli("diary", "dose", "--date", day(85), "--note", '=1+1, a note; with "quotes"'))
    exported = ok(run_cli("diary", "export")).out
    backup = tmp_path / "backup.json"
    backup.write_text(exported)
    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(tmp_path / "other.sqlite"))
    first = ok(run_cli("diary", "import", str(backup)))
    assert f"Imported {len(json.loads(exported)['entries'])} entries" in first.err
    second = ok(run_cli("diary", "import", str(backup)))
    assert "Imported 0 entries" in second.err
    assert ok(run_cli("diary", "export")).out == exported


def test_csv_export_keeps_notes_from_running_as_spreadsheet_formulas(
    diary: Path, run_cli: RunCli
) -> None:
    ok(run_cli("diary", "dose", "--date", day(1), "--note", "=HYPERLINK(1)"))
    rows = ok(run_cli("diary", "export", "--format", "csv")).out.splitlines()
    assert rows[1].endswith("'=HYPERLINK(1)")


def test_fhir_export_is_a_valid_r4b_bundle(diary: Path, run_cli: RunCli) -> None:
    bundle_module = pytest.importorskip("fhir.resources.R4B.bundle")
    keep_twelve_weeks(run_cli)
    document = json.loads(ok(run_cli("diary", "export", "--format", "fhir")).out)
    bundle = bundle_module.Bundle.model_validate(document)
    kinds = [entry.resource.__resource_type__ for entry in bundle.entry]
    assert kinds.count("MedicationAdministration") == 6
    assert kinds.count("Observation") == 42 + 1


def test_edit_changes_a_check_in_and_delete_asks_for_yes_without_a_terminal(
    diary: Path, run_cli: RunCli
) -> None:
    ok(run_cli("diary", "skin", "--date", day(3), "--itch", "4"))
    entry = json.loads(ok(run_cli("diary", "show", "--format", "json")).out)["entries"][0]
    ok(run_cli("diary", "edit", entry["id"][:8], "--itch", "6", "--look", "typical-eczema"))
    edited = json.loads(ok(run_cli("diary", "show", "--format", "json")).out)["entries"][0]
    assert edited["id"] == entry["id"]
    assert edited["answers"] == {"itch": 6, "look": ["typical_eczema"]}
    refused = run_cli("diary", "delete", entry["id"])
    assert refused.code == 2
    assert "--yes" in refused.err
    ok(run_cli("diary", "delete", entry["id"], "--yes"))
    assert json.loads(ok(run_cli("diary", "show", "--format", "json")).out)["entries"] == []


def test_the_diary_is_private_and_check_says_where_it_is(diary: Path, run_cli: RunCli) -> None:
    ok(run_cli("diary", "dose", "--date", "today"))
    assert stat.S_IMODE(diary.stat().st_mode) == 0o600
    assert stat.S_IMODE(diary.parent.stat().st_mode) == 0o700
    checked = ok(run_cli("diary", "check")).out
    assert str(diary) in checked
    assert "ok" in checked


def test_the_diary_folder_defaults_to_the_users_data_folder(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg"), "DUPI_TRIAGE_DIARY": ""}
    result = run_module("diary", "dose", "--date", "yesterday", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "xdg" / "dupi-triage" / "diary.sqlite").is_file()


def test_assess_without_diary_flags_never_loads_the_diary_or_sqlite(tmp_path: Path) -> None:
    import subprocess
    import sys

    probe = (
        "import sys, io, contextlib\n"
        "from dupi_triage.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['assess', '--no-input', '--red-flags', 'none', '--format', 'json'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sqlite3', 'dupi_triage.diary',"
        " 'dupi_triage.timing', 'platformdirs'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "rich"])
def test_every_report_carries_the_diary_timeline(
    diary: Path, run_cli: RunCli, fmt: str, tmp_path: Path
) -> None:
    keep_twelve_weeks(run_cli)
    args = ["assess", "--from-diary", "--no-input", "--red-flags", "none"]
    if fmt == "rich":
        shown = ok(run_cli(*args)).out
        assert "Your diary" in shown
        assert "▲" in shown
        assert "░" in shown
        return
    shown = ok(run_cli(*args, "--format", fmt)).out
    assert "Your diary" in shown
    assert day(70) in shown
    assert day(84) in shown
    if fmt == "html":
        assert "<svg" in shown
        assert "<script" not in shown
        assert 'fill="url(#pause-hatch)"' in shown
        assert shown.count("<title>dose ") == 6
    else:
        assert f"{day(1)}  check-in" in shown or f"| {day(1)} | check-in |" in shown


def test_a_report_without_the_diary_has_no_diary_section(run_cli: RunCli) -> None:
    shown = ok(run_cli("assess", "--no-input", "--red-flags", "none", "--format", "html")).out
    assert "Your diary" not in shown


def test_the_readme_diary_example_shows_what_the_readme_says(
    diary: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    import shlex

    from tests.conftest import PROJECT_ROOT

    section = (
        (PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split("## Keeping a diary")[1]
    )
    block = re.search(r"```console\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None
    lines = block.group(1).splitlines()
    commands = [shlex.split(line[2:])[1:] for line in lines if line.startswith("$ ")]
    assert commands[-1] == ["diary", "show", "--format", "text"]
    for args in commands[:-1]:
        ok(run_cli(*args))
    monkeypatch.setenv("COLUMNS", "100")
    shown = ok(run_cli(*commands[-1])).out.splitlines()
    expected = lines[len(commands) :]
    ids = re.compile(r"(?<=  )[0-9a-f]{8}(?=  )")
    assert [ids.sub("ID", line) for line in shown[1:]] == [ids.sub("ID", x) for x in expected[1:]]
    assert shown[0] == f"Diary: {diary}"


def test_with_someone_to_ask_the_diary_fills_only_what_it_could_settle(
    diary: Path, run_cli: RunCli, questionnaire: Questionnaire
) -> None:
    from dupi_triage.diary.for_assess import answers_from_diary, settled

    ok(run_cli("diary", "dose", "--date", day(0)))
    ok(run_cli("diary", "skin", "--date", day(1), "--itch", "1"))
    ok(run_cli("diary", "skin", "--date", day(3), "--itch", "5", *RASH))
    found = answers_from_diary(questionnaire, None)
    assert found.answers.get("injection_pattern") == "unsure"  # one dose: too thin to say
    asked = settled(found)
    assert "injection_pattern" not in asked.answers
    assert asked.answers.get("onset") == "within_4_weeks"


def test_the_reports_answers_say_which_came_from_the_diary(diary: Path, run_cli: RunCli) -> None:
    keep_twelve_weeks(run_cli)
    shown = ok(
        run_cli(
            "assess", "--from-diary", "--no-input", "--red-flags", "none",
            "--onset", "unsure", "--format", "html",
        )
    ).out  # fmt: skip
    assert "1 to 4 months" not in shown.split("Your diary")[0]  # the flag won
    assert shown.count("(from the diary)") == 4  # the other four timing answers


def test_a_check_in_whose_answers_alone_call_for_care_today_says_so_last(
    diary: Path, run_cli: RunCli
) -> None:
    """The diary asks no warning-sign question: purple spots recorded in a check-in get the
    questionnaire's own level and reason at once, the action last; an ordinary one gets none."""
    ordinary = ok(run_cli("diary", "skin", "--look", "typical-eczema", "--itch", "4"))
    assert "URGENT" not in ordinary.err
    assert "EMERGENCY" not in ordinary.err
    spots = ok(run_cli("diary", "skin", "--location", "face-neck", "--look", "purple-spots"))
    lines = [line for line in spots.err.splitlines() if line.strip()]
    text = " ".join(" ".join(lines).split())
    assert "Added a skin check-in" in text, "recorded all the same"
    assert "Purple or dark red spots need checking today" in text
    assert "assess" in text, "the questions are offered for the whole picture"
    assert " ".join(" ".join(lines[-3:]).split()).startswith("URGENT: Contact your prescriber")
    entry = json.loads(ok(run_cli("diary", "show", "--format", "json")).out)["entries"][-1]
    edited = ok(run_cli("diary", "edit", entry["id"][:8], "--look", "typical-eczema"))
    assert "URGENT" not in edited.err
    edited = ok(run_cli("diary", "edit", entry["id"][:8], "--look", "purple-spots"))
    assert "URGENT: Contact your prescriber" in edited.err


def test_edit_help_says_a_date_left_out_is_unchanged_not_today(run_cli: RunCli) -> None:
    """`diary edit` keeps the entry's date unless --date is given: its help says so."""
    shown = " ".join(ok(run_cli("diary", "edit", "--help")).out.replace("│", " ").split())
    assert "Left out: unchanged." in shown
    assert "Default: today" not in shown
