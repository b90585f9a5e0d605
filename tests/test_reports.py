"""Reports: every format tells the same story, and saved answers replay to the same result.

The JSON result is the reference: for the same answers, the terminal summary, text, markdown,
HTML and the FHIR response must show its level, pattern, drug-link score and advice.
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from dupi_triage.answers import parse_answers
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.render import render_document
from dupi_triage.render.terminal import print_summary
from dupi_triage.scoring import assess
from tests.conftest import RunCli
from tests.report_cases import CASES, EXPECTED_LEVELS, FACIAL_REDNESS, as_flags

HUMAN_FORMATS = ("rich", "text", "markdown", "html")


def _rendered(questionnaire: Questionnaire, answers: dict[str, object], fmt: str) -> str:
    assessment = assess(questionnaire, parse_answers(questionnaire, answers))
    if fmt == "rich":
        buffer = io.StringIO()
        console = Console(file=buffer, width=200, color_system=None, emoji=False)
        print_summary(console, questionnaire, assessment)
        return buffer.getvalue()
    return render_document(fmt, questionnaire, assessment)


def _as_read(text: str, fmt: str) -> str:
    """The words a reader sees, whitespace collapsed: no tags, escapes or line wrapping."""
    if fmt == "html":
        text = re.sub(r"<style\b.*?</style>", " ", text, flags=re.DOTALL)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    if fmt == "markdown":
        text = re.sub(r"\\([|*_])", r"\1", text)
    return " ".join(text.split())


def _json_result(questionnaire: Questionnaire, answers: dict[str, object]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(_rendered(questionnaire, answers, "json"))
    return result


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_format_shows_the_json_results_level_pattern_score_and_advice(
    questionnaire: Questionnaire, case: str, fmt: str
) -> None:
    result = _json_result(questionnaire, CASES[case])
    assert result["level"] == EXPECTED_LEVELS[case]
    shown = _as_read(_rendered(questionnaire, CASES[case], fmt), fmt)

    level = questionnaire.level(result["level"])
    assert level.label.casefold() in shown.casefold()
    assert result["action"] in shown
    assert questionnaire.pattern(result["pattern"]).label in shown
    score = result["drug_link"]
    assert f"The answers score {score['score']} on the adapted scale" in shown
    if result["level"] != "emergency":
        assert f"the '{score['category']}' band" in shown
    for advice in result["advice"]:
        assert " ".join(advice.split()) in shown


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_fhir_response_carries_the_json_results_level_pattern_score_and_advice(
    questionnaire: Questionnaire, case: str
) -> None:
    result = _json_result(questionnaire, CASES[case])
    response = json.loads(_rendered(questionnaire, CASES[case], "fhir"))
    outcome = {item["linkId"]: item["answer"] for item in response["item"][-1]["item"]}

    assert outcome["result.level"][0]["valueCoding"]["code"] == result["level"]
    assert outcome["result.pattern"][0]["valueCoding"]["code"] == result["pattern"]
    assert outcome["result.drug_link_score"] == [{"valueInteger": result["drug_link"]["score"]}]
    category = outcome["result.drug_link_category"][0]["valueCoding"]["code"]
    assert category == result["drug_link"]["category"]
    assert [answer["valueString"] for answer in outcome["result.advice"]] == result["advice"]


def test_the_command_line_gives_the_same_result_in_every_file_format(
    run_cli: RunCli, questionnaire: Questionnaire
) -> None:
    flags = ["assess", "--no-input", *as_flags(FACIAL_REDNESS)]
    reference = json.loads(run_cli(*flags, "--format", "json").out)
    level = questionnaire.level(reference["level"])
    for fmt in ("text", "markdown", "html"):
        run = run_cli(*flags, "--format", fmt)
        assert run.code == 0, run.err
        shown = _as_read(run.out, fmt)
        assert reference["action"] in shown
        assert questionnaire.pattern(reference["pattern"]).label in shown
        for advice in reference["advice"]:
            assert advice in shown
    response = json.loads(run_cli(*flags, "--format", "fhir").out)
    assert response["item"][-1]["item"][0]["answer"][0]["valueCoding"]["code"] == level.id


# --- save and replay ------------------------------------------------------------------------------


def test_report_on_saved_answers_gives_the_identical_json_result(
    run_cli: RunCli, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    saved = tmp_path / "answers.json"
    flags = ["--no-input", *as_flags(FACIAL_REDNESS), "--format", "json"]
    original = run_cli("assess", *flags, "--save-answers", str(saved))
    assert original.code == 0, original.err

    replayed = run_cli("report", str(saved), "--format", "json")

    assert replayed.code == 0, replayed.err
    assert replayed.out == original.out
    saved_document = json.loads(saved.read_text(encoding="utf-8"))
    assert saved_document == {"questionnaire_version": questionnaire.version, **FACIAL_REDNESS}


def test_saved_answers_are_what_answers_reads(run_cli: RunCli, tmp_path: Path) -> None:
    saved = tmp_path / "answers.json"
    flags = ["--no-input", *as_flags(FACIAL_REDNESS), "--format", "json"]
    original = run_cli("assess", *flags, "--save-answers", str(saved))

    again = run_cli("assess", "--no-input", "--answers", str(saved), "--format", "json")

    assert again.out == original.out


def test_saved_answers_can_be_edited_by_hand_and_finished_later(
    run_cli: RunCli, tmp_path: Path
) -> None:
    saved = tmp_path / "answers.json"
    run_cli("assess", "--no-input", "--onset", "within_4_weeks", "--save-answers", str(saved))
    document = json.loads(saved.read_text(encoding="utf-8"))
    document["red_flags"] = ["eye_pain_or_vision"]
    saved.write_text(json.dumps(document), encoding="utf-8")

    finished = run_cli("report", str(saved), "--format", "json")

    assert json.loads(finished.out)["level"] == "urgent"


def test_report_on_a_saved_json_result_gives_the_same_result(
    run_cli: RunCli, tmp_path: Path
) -> None:
    result_file = tmp_path / "result.json"
    flags = ["--no-input", *as_flags(FACIAL_REDNESS)]
    assert run_cli("assess", *flags, "--output", str(result_file)).code == 0

    replayed = run_cli("report", str(result_file), "--format", "json")

    assert replayed.code == 0, replayed.err
    assert replayed.out == result_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "fhir"])
def test_report_renders_saved_answers_in_any_format(
    run_cli: RunCli, tmp_path: Path, fmt: str
) -> None:
    saved = tmp_path / "answers.json"
    saved.write_text(json.dumps(FACIAL_REDNESS), encoding="utf-8")
    direct = run_cli("assess", "--no-input", *as_flags(FACIAL_REDNESS), "--format", fmt)

    replayed = run_cli("report", str(saved), "--format", fmt)

    assert replayed.code == 0, replayed.err
    assert _without_date(replayed.out) == _without_date(direct.out)


def _without_date(text: str) -> str:
    """HTML carries the day it was made; two runs either side of midnight may differ there."""
    return re.sub(r"\d{4}-\d{2}-\d{2}", "DATE", text)


def test_report_names_a_missing_file_in_one_line(run_cli: RunCli, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    run = run_cli("report", str(missing), "--format", "json")
    assert run.code == 2
    assert run.err.count("\n") == 1
    assert "no such file" in run.err
    assert str(missing) in run.err


# --- the output file's suffix picks the format ----------------------------------------------------


def _looks_like_markdown(text: str) -> bool:
    return text.startswith("# ") and "\n## " in text


def _looks_like_text(text: str) -> bool:
    return text.splitlines()[1].startswith("===") and "<" not in text and "## " not in text


def _looks_like_html(text: str) -> bool:
    return text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def _looks_like_json_result(text: str) -> bool:
    return bool(json.loads(text)["tool"] == "dupi-triage")


@pytest.mark.parametrize(
    ("suffix", "looks_right"),
    [
        (".md", _looks_like_markdown),
        (".markdown", _looks_like_markdown),
        (".txt", _looks_like_text),
        (".html", _looks_like_html),
        (".htm", _looks_like_html),
        (".json", _looks_like_json_result),
    ],
)
@pytest.mark.parametrize("command", ["assess", "report"])
def test_the_output_suffix_picks_the_format(
    run_cli: RunCli, tmp_path: Path, suffix: str, looks_right: Any, command: str
) -> None:
    saved = tmp_path / "answers.json"
    saved.write_text(json.dumps(FACIAL_REDNESS), encoding="utf-8")
    target = tmp_path / f"report{suffix}"
    source = ["assess", "--no-input", "--answers", str(saved)]
    args = source if command == "assess" else ["report", str(saved)]

    run = run_cli(*args, "--output", str(target))

    assert run.code == 0, run.err
    assert run.out == ""
    assert looks_right(target.read_text(encoding="utf-8"))
    assert str(target) in run.err


def test_format_wins_over_the_suffix(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    flags = ["--no-input", *as_flags(FACIAL_REDNESS)]
    run = run_cli("assess", *flags, "--format", "fhir", "--output", str(target))
    assert run.code == 0, run.err
    assert json.loads(target.read_text(encoding="utf-8"))["resourceType"] == "QuestionnaireResponse"


def test_an_unknown_suffix_without_format_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    run = run_cli("assess", "--no-input", *as_flags(FACIAL_REDNESS), "--output", str(target))
    assert run.code == 2
    assert "--output" in run.err
    assert "--format" in run.err
    assert not target.exists()
