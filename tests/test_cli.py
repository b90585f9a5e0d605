"""The command line as a nurse, a script or a person at a terminal uses it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from dupi_triage import __version__
from dupi_triage.questionnaire import Questionnaire
from tests.conftest import CURRENT_VERSION, ORDINARY_FLARE, RunCli, run_module
from tests.test_questionnaire import CONTRACT

DONE_WHEN = [
    "assess",
    "--no-input",
    "--red-flags",
    "none",
    "--onset",
    "1_to_4_months",
    "--look",
    "redness_no_scaling",
    "--location",
    "face_neck",
]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def _json(result: Any) -> dict[str, Any]:
    assert result.code == 0, result.err
    document: dict[str, Any] = json.loads(result.out)
    return document


def _colour_codes(text: str) -> list[str]:
    """SGR sequences that set a foreground or background colour (bold and the like are not)."""
    found = []
    for match in SGR.finditer(text):
        params = [int(p) for p in match.group(1).split(";") if p]
        if any(30 <= p <= 38 or 40 <= p <= 48 or 90 <= p <= 97 or 100 <= p <= 107 for p in params):
            found.append(match.group(0))
    return found


# --- the "done when" --------------------------------------------------------------------


def test_the_done_when_command_prints_a_summary_that_recommends_the_prescriber() -> None:
    script = Path(sys.executable).with_name("dupi-triage")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "dupi_triage"]
    result = subprocess.run(
        [*command, *DONE_WHEN], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    summary = " ".join(result.stdout.split())
    assert "Tell your prescriber" in summary
    assert "consistent with head and neck dermatitis (facial redness)" in summary
    assert "not a diagnosis" in summary
    assert "Traceback" not in result.stderr


def test_python_m_dupi_triage_help_works() -> None:
    result = run_module("--help")
    assert result.returncode == 0, result.stderr
    for word in ("Usage", "assess", "questions", "--version"):
        assert word in result.stdout


def test_version_is_shown_with_the_questionnaire_version(
    run_cli: RunCli, questionnaire: Questionnaire
) -> None:
    for flag in ("--version", "-V"):
        result = run_cli(flag)
        assert result.code == 0
        assert __version__ in result.out
        assert f"questionnaire {questionnaire.version}" in result.out


# --- questions and flags ------------------------------------------------------------------------


def test_questions_json_lists_every_contract_question_and_option_with_its_flag(
    run_cli: RunCli,
) -> None:
    document = _json(run_cli("questions", "--format", "json"))
    listed = {entry["id"]: entry for entry in document["questions"]}
    for question_id, (section, qtype, option_ids) in CONTRACT.items():
        entry = listed[question_id]
        assert entry["flag"] == "--" + question_id.replace("_", "-")
        assert (entry["section"], entry["type"]) == (section, qtype)
        options = {option["id"]: option for option in entry["options"]}
        assert set(option_ids) <= set(options), question_id
        for option in options.values():
            assert option["label"].strip()
    assert listed["improved_on_pause"]["condition"] == {
        "all": [{"question": "dose_paused", "in": ["yes"]}]
    }
    assert listed["onset"]["condition"] is None


def test_questions_table_shows_every_flag(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    result = run_cli("questions")
    assert result.code == 0
    for question_id in CONTRACT:
        assert "--" + question_id.replace("_", "-") in result.out


def test_every_question_has_a_flag_and_assess_help_groups_them_by_section(
    run_cli: RunCli, questionnaire: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = run_cli("assess", "--help")
    assert result.code == 0
    panel: str | None = None
    panel_of_flag: dict[str, str | None] = {}
    for line in result.out.splitlines():
        heading = re.search(r"[╭+]-*─*\s*(.+?)\s*─", line)
        if heading and line.lstrip().startswith(("╭", "+")):
            panel = heading.group(1)
            continue
        for flag in re.findall(r"(--[a-z0-9-]+)", line):
            panel_of_flag.setdefault(flag, panel)
    for question in questionnaire:
        title = questionnaire.section(question.section).title
        assert question.flag in panel_of_flag, f"{question.flag} is not in assess --help"
        assert title in (panel_of_flag[question.flag] or ""), (
            f"{question.flag} is listed under {panel_of_flag[question.flag]!r}, not {title!r}"
        )


def test_every_question_flag_is_accepted_in_dash_form(
    run_cli: RunCli, questionnaire: Questionnaire
) -> None:
    args = ["assess", "--no-input", "--format", "json"]
    # Answers that open every follow-up question an adult can be asked.
    given: dict[str, object] = {
        "age_band": "adult",
        "dose_paused": "yes",
        "look": "purple_spots",
        "alternative_causes": "new_medicine",
    }
    for question in questionnaire:
        if question.when is not None and question.when.state(given) is not True:
            continue
        if question.type == "integer":
            value: object = question.max
        elif question.type == "text":
            value = "Some words of my own"
        elif question.id in given:
            value = given[question.id]
        else:
            value = question.offered(given)[0].id
        given[question.id] = value
        args += [question.flag, str(value).replace("_", "-")]
    document = _json(run_cli(*args))
    assert set(document["answers"]) == set(given)
    assert set(given) >= {q.id for q in questionnaire} - {"nights_woken_by_itch"}
    assert document["missing"] == []


def test_multi_choice_flags_take_commas_or_repeats(run_cli: RunCli) -> None:
    commas = _json(run_cli(*DONE_WHEN, "--location", "face-neck,scalp", "--format", "json"))
    repeats = _json(
        run_cli(*DONE_WHEN, "--location", "scalp", "--location", "face_neck", "--format", "json")
    )
    assert commas["answers"]["location"] == ["face_neck", "scalp"]
    assert repeats["answers"] == commas["answers"]


def test_an_answers_file_is_read_and_flags_override_it(run_cli: RunCli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ORDINARY_FLARE))
    from_file = _json(run_cli("assess", "--no-input", "--answers", str(answers), "-f", "json"))
    assert from_file["answers"] == ORDINARY_FLARE
    assert from_file["level"] == "routine"

    overridden = _json(
        run_cli(
            "assess", "--no-input", "--answers", str(answers), "--format", "json",
            "--onset", "1-to-4-months", "--itch", "9",
        )
    )  # fmt: skip
    assert overridden["answers"] == {**ORDINARY_FLARE, "onset": "1_to_4_months", "itch": 9}
    assert overridden["level"] == "soon"


def test_a_saved_result_can_be_read_back_as_answers(run_cli: RunCli, tmp_path: Path) -> None:
    first = run_cli(*DONE_WHEN, "--format", "json")
    saved = tmp_path / "result.json"
    saved.write_text(first.out)
    again = run_cli("assess", "--no-input", "--answers", str(saved), "--format", "json")
    assert _json(again) == _json(first)


def test_saved_answers_report_the_same_result(run_cli: RunCli, tmp_path: Path) -> None:
    saved = tmp_path / "answers.json"
    first = _json(run_cli(*DONE_WHEN, "--format", "json", "--save-answers", str(saved)))
    assert json.loads(saved.read_text()) == {
        "questionnaire_version": first["questionnaire_version"],
        **first["answers"],
    }
    assert _json(run_cli("report", str(saved), "--format", "json")) == first


def test_output_writes_the_report_file_in_the_format_of_its_suffix(
    run_cli: RunCli, tmp_path: Path
) -> None:
    report = tmp_path / "report.md"
    result = run_cli(*DONE_WHEN, "--output", str(report))
    assert result.code == 0, result.err
    assert report.read_text().startswith("# dupi-triage summary")
    assert str(report) in result.err
    refused = run_cli(*DONE_WHEN, "--output", str(report))
    assert refused.code == 2
    assert "--output" in refused.err
    assert "--force" in refused.err


# --- errors: exit 2, one line, the field and the allowed values ---------------------------------

BAD_USAGE: list[tuple[list[str], list[str]]] = [
    (["assess", "--no-input", "--onset", "yesterday"], ["--onset", "before_starting", "unsure"]),
    (["assess", "--no-input", "--itch", "11"], ["--itch", "0 to 10"]),
    (["assess", "--no-input", "--itch", "²"], ["--itch", "0 to 10"]),
    (["assess", "--no-input", "--location", "elbow"], ["--location", "face_neck", "widespread"]),
    (["assess", "--no-input", "--red-flags", "none,painful-blisters"], ["--red-flags", "none"]),
    (["assess", "--no-input", "--onsett", "unsure"], ["--onsett", "--onset"]),
    (["assess", "--no-input", "--format", "pdf"], ["--format", "json", "markdown", "text"]),
    (["questions", "--format", "xml"], ["--format", "json", "table"]),
    (
        ["assess", "--no-input", "--dose-paused", "no", "--improved-on-pause", "yes"],
        ["--improved-on-pause", "--dose-paused"],
    ),
    (["frobnicate"], ["frobnicate"]),
]


@pytest.mark.parametrize(("args", "expected"), BAD_USAGE)
def test_bad_input_exits_2_with_one_line_naming_the_flag_and_allowed_values(
    run_cli: RunCli, args: list[str], expected: list[str]
) -> None:
    result = run_cli(*args)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    for text in expected:
        assert text in lines[0]
    assert result.out == ""


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, ["--answers", "no such file"]),
        ('{"onset": ', ["--answers", "not valid JSON"]),
        ('{"onset": "1_to_4_months", "onset": "unsure"}', ["--answers", "onset"]),
        ("[1, 2]", ["--answers"]),
        ('{"onset": "yesterday"}', ["onset", "before_starting", "after_4_months"]),
        ('{"itch": 7.5}', ["itch", "0 to 10"]),
        ('{"itch": true}', ["itch", "0 to 10"]),
        ('{"rash": "red"}', ["rash", "red_flags", "risk_factors"]),
        ('{"dose_paused": "no", "returned_on_restart": "yes"}', ["returned_on_restart"]),
    ],
)
def test_a_bad_answers_file_exits_2_with_one_line_naming_the_field(
    run_cli: RunCli, tmp_path: Path, content: str | None, expected: list[str]
) -> None:
    path = tmp_path / "answers.json"
    if content is not None:
        path.write_text(content)
    result = run_cli("assess", "--no-input", "--answers", str(path))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for text in expected:
        assert text in lines[0]
    assert "Traceback" not in result.err


def test_a_flag_that_changes_a_condition_drops_the_file_answers_that_hung_on_it(
    run_cli: RunCli, tmp_path: Path
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"dose_paused": "yes", "improved_on_pause": "yes"}))
    result = run_cli(
        "assess", "--no-input", "--answers", str(answers), "--dose-paused", "no", "-f", "json"
    )
    assert result.code == 0, result.err
    given = json.loads(result.out)["answers"]
    assert given["dose_paused"] == "no"
    assert "improved_on_pause" not in given


def test_a_flag_that_contradicts_the_file_is_named_as_a_flag(
    run_cli: RunCli, tmp_path: Path
) -> None:
    answers = tmp_path / "answers.json"

    answers.write_text(json.dumps({"dose_paused": "no"}))
    from_flag = run_cli(
        "assess", "--no-input", "--answers", str(answers), "--improved-on-pause", "yes"
    )
    assert from_flag.code == 2
    assert "error: --improved-on-pause: only applies when dose_paused is yes" in from_flag.err


def test_a_bad_value_in_a_separate_process_exits_2_without_a_traceback() -> None:
    result = run_module("assess", "--no-input", "--impact", "awful")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "dupi-triage: error: --impact: 'awful' is not an allowed value "
        "(allowed: none, some, severe)"
    ]
    assert result.stdout == ""


# --- JSON contract ------------------------------------------------------------------------------


def test_json_output_has_every_key_of_the_contract(run_cli: RunCli) -> None:
    document = _json(
        run_cli(*DONE_WHEN, "--format", "json", "--risk-factors", "other_skin_conditions")
    )
    for key in (
        "tool", "version", "questionnaire_version", "level", "pattern", "drug_link", "risk",
        "red_flags", "red_flags_screened", "contributions", "advice", "tell_your_prescriber",
        "answers", "missing",
    ):  # fmt: skip
        assert key in document, key
    assert document["tool"] == "dupi-triage"
    assert document["version"] == __version__
    assert document["level"] in ("routine", "soon", "urgent", "emergency")
    assert document["pattern"] == "facial_redness"
    assert {"score", "category", "items"} <= set(document["drug_link"])
    assert len(document["drug_link"]["items"]) == 10
    for item in document["drug_link"]["items"]:
        assert {"item", "points", "reason"} <= set(item)
    assert document["risk"]["band"] == "moderate"
    assert document["risk"]["factors"] == ["other_skin_conditions"]
    assert document["red_flags"] == []
    assert document["red_flags_screened"] is True
    assert document["contributions"]
    for contribution in document["contributions"]:
        assert {"question", "answer", "effect", "reason"} <= set(contribution)
    assert all(isinstance(line, str) for line in document["advice"])
    assert all(isinstance(line, str) for line in document["tell_your_prescriber"])
    assert document["answers"]["red_flags"] == ["none"]
    assert document["answers"]["onset"] == "1_to_4_months"
    assert "itch" in document["missing"]


def test_no_input_without_red_flags_reports_them_not_screened_and_at_least_soon(
    run_cli: RunCli,
) -> None:
    flags = [arg for arg in DONE_WHEN if arg not in ("--red-flags", "none")]
    document = _json(run_cli(*flags, "--format", "json"))
    assert document["red_flags_screened"] is False
    assert document["level"] in ("soon", "urgent", "emergency")
    assert "red_flags" in document["missing"]


# --- no terminal --------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [[], ["assess"], ["assess", "--red-flags", "none"]])
def test_without_a_terminal_missing_answers_exit_2_naming_no_input(args: list[str]) -> None:
    result = run_module(*args, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "--no-input" in lines[0]
    assert "Traceback" not in result.stderr


def test_without_a_terminal_a_complete_answers_file_needs_no_no_input(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ORDINARY_FLARE))
    result = run_module("assess", "--answers", str(answers), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "routine"


def test_a_non_interactive_run_does_not_load_the_prompt_libraries() -> None:
    probe = (
        "import sys, io, contextlib\n"
        "from dupi_triage.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main({DONE_WHEN!r})\n"
        "print(code, sorted(m for m in sys.modules\n"
        "      if m.split('.')[0] in ('questionary', 'prompt_toolkit')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.split(maxsplit=1) == ["0", "[]\n"], result.stdout + result.stderr


# --- colour and width ---------------------------------------------------------------------------


def test_piped_output_has_no_escape_codes(run_cli: RunCli) -> None:
    result = run_cli(*DONE_WHEN)
    assert result.code == 0
    assert "ROUTINE" in result.out
    assert ANSI.search(result.out) is None


@pytest.mark.parametrize(
    ("env", "flags"),
    [({"NO_COLOR": "1"}, []), ({}, ["--no-color"]), ({"NO_COLOR": "1"}, ["--plain"])],
)
def test_no_color_and_no_color_flag_show_no_colour_even_on_a_colour_terminal(
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    flags: list[str],
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = run_cli(*DONE_WHEN)
    assert _colour_codes(coloured.out), "sanity: a colour terminal should get colour"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = run_cli(*DONE_WHEN, *flags)
    assert result.code == 0
    assert _colour_codes(result.out) == []
    assert "ROUTINE" in result.out


def test_no_color_when_piped_has_no_escape_codes_at_all(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    for flags in ([], ["--no-color"], ["--plain"]):
        result = run_cli(*DONE_WHEN, *flags)
        assert ANSI.search(result.out) is None, flags


SUMMARY_CASES: list[list[str]] = [
    DONE_WHEN,
    [
        "assess", "--no-input", "--red-flags", "breathing-or-swelling,sores-or-peeling",
        "--onset", "within-4-weeks", "--location", "face-neck,scalp,widespread",
        "--look", "redness-no-scaling,thick-scaly-plaques,greasy-yellow-scale",
        "--itch", "10", "--impact", "severe", "--dose-paused", "yes",
        "--improved-on-pause", "yes", "--returned-on-restart", "yes",
        "--alternative-causes", "new-skin-products,new-medicine,recent-infection",
        "--risk-factors",
        "other-skin-conditions,injection-sensitivity,immune-variability,poor-skin-barrier",
    ],
    ["assess", "--no-input", "--itch", "3"],
]  # fmt: skip


@pytest.mark.parametrize("args", SUMMARY_CASES)
@pytest.mark.parametrize("plain", [False, True])
def test_the_terminal_summary_fits_80_columns(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, args: list[str], plain: bool
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run_cli(*args, *(["--plain"] if plain else []))
    assert result.code == 0, result.err
    too_long = [line for line in result.out.splitlines() if cell_len(line) > 80]
    assert too_long == []
    assert "prescriber" in result.out


def test_the_terminal_summary_says_the_level_in_words_and_the_pattern(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    summary = " ".join(run_cli(*SUMMARY_CASES[1]).out.split())
    assert "EMERGENCY" in summary
    assert "Call your local emergency number now" in summary
    assert "consistent with" in summary
    for heading in (
        "What the answers fit",
        "Link to dupilumab",
        "Risk factors",
        "What to tell your prescriber",
    ):
        assert heading in summary


def test_run_cli_helper_and_subprocess_agree(
    run_cli: RunCli, run_subprocess: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    """The in-process runner is a faithful stand-in for the real program."""
    in_process = _json(run_cli(*DONE_WHEN, "--format", "json"))
    separate = run_subprocess(*DONE_WHEN, "--format", "json")
    assert separate.returncode == 0, separate.stderr
    assert json.loads(separate.stdout) == in_process


def test_report_errors_name_its_path_argument(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("report", str(tmp_path / "missing.json"))
    assert result.code == 2
    assert result.err.startswith("dupi-triage: error: PATH: no such file")


def test_saving_answers_over_the_report_is_refused_before_anything_is_asked(
    run_cli: RunCli, tmp_path: Path
) -> None:
    same = str(tmp_path / "out.json")
    result = run_cli("assess", "--no-input", "--save-answers", same, "--output", same)
    assert result.code == 2
    assert "--save-answers" in result.err
    assert not Path(same).exists()


@pytest.mark.parametrize("kind", ["fhir", "json"])
@pytest.mark.parametrize("force", [False, True])
def test_a_response_or_result_given_as_answers_is_never_replaced_by_saved_answers(
    run_cli: RunCli, tmp_path: Path, kind: str, force: bool
) -> None:
    document = tmp_path / f"given.{kind}.json"
    made = run_cli("assess", "--no-input", "--red-flags", "eye-pain-or-vision", "-f", kind)
    document.write_text(made.out)
    before = document.read_bytes()
    extra = ["--force"] if force else []
    result = run_cli(
        "assess", "--no-input", "--answers", str(document), "--save-answers", str(document),
        *extra,
    )  # fmt: skip
    assert result.code == 2
    assert "--save-answers" in result.err
    assert "give another file name" in result.err
    assert document.read_bytes() == before


def test_finishing_an_answers_file_may_save_back_into_it_without_force(
    run_cli: RunCli, tmp_path: Path
) -> None:
    saved = tmp_path / "answers.json"
    saved.write_text(json.dumps({"questionnaire_version": CURRENT_VERSION, "red_flags": ["none"]}))
    result = run_cli(
        "assess", "--no-input", "--answers", str(saved), "--save-answers", str(saved),
        "--itch", "4", "-f", "json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(saved.read_text()) == {
        "questionnaire_version": CURRENT_VERSION,
        "red_flags": ["none"],
        "itch": 4,
    }

    # Naming no version and holding only what 1.0 asked, they are 1.0's (1.0 saved no version)
    # and stay so, with 1.0's floors.
    saved.write_text(json.dumps({"red_flags": ["none"]}))
    again = run_cli("assess", "--no-input", "--answers", str(saved), "--save-answers", str(saved))
    assert again.code == 0, again.err
    assert json.loads(saved.read_text())["questionnaire_version"] == "1.0"

    other = tmp_path / "other.json"
    other.write_text("{}")
    refused = run_cli("assess", "--no-input", "--answers", str(saved), "--save-answers", str(other))
    assert refused.code == 2
    assert "--force" in refused.err
