"""Two answers that cannot both be true (issue 19 item 6): refused from flags and files, naming
both; warned about, never refused nor scored lower, in answers saved by an older version; listed
for forms and the benchmark. The walk asks again: test_walk_keys.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dupi_triage.answers import Answers, parse_answers
from dupi_triage.migrations import MIGRATIONS
from dupi_triage.questionnaire import Questionnaire, QuestionnaireError
from dupi_triage.questionnaire_loader import parse_questionnaire
from dupi_triage.render.json import assessment_to_dict
from dupi_triage.scoring import assess
from tests.conftest import ORDINARY_FLARE, Render, RunCli

IMPOSSIBLE = {"onset": "after_4_months", "treatment_duration": "under_4_months"}


def test_the_onset_after_4_months_with_under_4_months_on_dupilumab_is_listed(
    questionnaire: Questionnaire,
) -> None:
    held = [
        rule.id for rule in questionnaire.contradictions if rule.holds(Answers(IMPOSSIBLE).pairs)
    ]
    assert held == ["onset_after_time_on_dupilumab"]


@pytest.mark.parametrize(
    "answers",
    [
        {"onset": "within_4_weeks", "treatment_duration": "under_4_months"},
        {"onset": "1_to_4_months", "treatment_duration": "under_4_months"},
        {"onset": "after_4_months", "treatment_duration": "4_to_12_months"},
        {"onset": "before_starting", "treatment_duration": "under_4_months"},
    ],
)
def test_answers_that_can_both_be_true_are_accepted(
    run_cli: RunCli, answers: dict[str, str]
) -> None:
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in answers.items()]
    assert run_cli("assess", "--no-input", "--red-flags", "none", *flags).code == 0


def test_flags_that_contradict_exit_2_with_one_line_naming_both_and_their_values(
    run_cli: RunCli,
) -> None:
    result = run_cli(
        "assess", "--no-input", "--red-flags", "none",
        "--onset", "after-4-months", "--treatment-duration", "under-4-months",
    )  # fmt: skip
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert "--treatment-duration" in line
    assert "under_4_months" in line
    assert "--onset" in line
    assert "after_4_months" in line
    assert "Traceback" not in result.err


def test_an_answers_file_under_this_version_that_contradicts_is_refused_naming_its_fields(
    run_cli: RunCli, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    for versioned in (False, True):
        document: dict[str, Any] = {**ORDINARY_FLARE, **IMPOSSIBLE}
        if versioned:
            document["questionnaire_version"] = questionnaire.version
        path = tmp_path / "answers.json"
        path.write_text(json.dumps(document))
        result = run_cli("report", str(path))
        assert result.code == 2
        assert "treatment_duration: is under_4_months, but onset is after_4_months" in result.err


def test_a_file_and_a_flag_that_contradict_each_other_name_the_flag_and_the_field(
    run_cli: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"red_flags": ["none"], "onset": "after_4_months"}))
    result = run_cli(
        "assess", "--no-input", "--answers", str(path), "--treatment-duration", "under-4-months"
    )
    assert result.code == 2
    assert "--treatment-duration: is under_4_months, but onset is after_4_months" in result.err


@pytest.mark.parametrize("version", ["1.0", "2.1"])
def test_a_flag_that_contradicts_an_older_file_is_refused_though_the_file_alone_loads(
    run_cli: RunCli, tmp_path: Path, version: str
) -> None:
    """Older answers keep loading as they were; an answer given now is checked against them."""
    path = tmp_path / "answers.json"
    saved = {"questionnaire_version": version, "red_flags": ["none"], "onset": "after_4_months"}
    path.write_text(json.dumps(saved))
    assert run_cli("assess", "--no-input", "--answers", str(path)).code == 0
    result = run_cli(
        "assess", "--no-input", "--answers", str(path), "--treatment-duration", "under-4-months"
    )
    assert result.code == 2
    assert "--treatment-duration: is under_4_months, but onset is after_4_months" in result.err


def test_a_batch_row_that_contradicts_is_an_error_row_and_the_rest_are_scored(
    run_cli: RunCli, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({**ORDINARY_FLARE, **IMPOSSIBLE}) + "\n" + json.dumps(ORDINARY_FLARE) + "\n"
    )
    result = run_cli("batch", str(rows), "--jobs", "1")
    assert result.code == 1
    first, second = (json.loads(line) for line in result.out.splitlines())
    assert "treatment_duration" in first["error"]
    assert second["level"] == "routine"


@pytest.mark.parametrize("version", sorted(MIGRATIONS))
def test_answers_saved_under_an_older_version_load_scored_as_given_with_a_warning(
    questionnaire: Questionnaire, render_as: Render, version: str
) -> None:
    raw = {"questionnaire_version": version, **ORDINARY_FLARE, **IMPOSSIBLE}
    loaded = parse_answers(questionnaire, raw)  # never refused
    scored = assess(questionnaire, loaded)
    # The same answers, scored with no check at all: the warning changes nothing else.
    unchecked = assess(questionnaire, Answers(loaded.values, loaded.saved_under))
    assert scored == unchecked
    timing = next(item for item in scored.drug_link.items if item.item == "timing")
    assert timing.points == 2, "the onset still scores as it did"
    result = assessment_to_dict(questionnaire, scored)
    [warning] = result["contradictions"]
    assert warning["id"] == "onset_after_time_on_dupilumab"
    assert warning["answers"] == IMPOSSIBLE
    for fmt in ("rich", "text", "markdown", "html"):
        shown = " ".join(render_as(scored, fmt).split())
        assert f"Two answers (saved under questionnaire {version}) cannot both be true" in shown
        assert "They are scored as given; check which is right." in shown


def test_answers_without_a_contradiction_carry_no_warning(
    questionnaire: Questionnaire, render_as: Render
) -> None:
    scored = assess(questionnaire, parse_answers(questionnaire, ORDINARY_FLARE))
    assert assessment_to_dict(questionnaire, scored)["contradictions"] == []
    assert "cannot both be true" not in render_as(scored, "text")


def test_questions_json_lists_each_contradiction_for_forms_and_the_benchmark(
    run_cli: RunCli, questionnaire: Questionnaire
) -> None:
    document = json.loads(run_cli("questions", "--format", "json").out)
    [listed] = document["contradictions"]
    assert listed["id"] == "onset_after_time_on_dupilumab"
    assert listed["answers"] == [
        {"question": "onset", "in": ["after_4_months"]},
        {"question": "treatment_duration", "in": ["under_4_months"]},
    ]
    assert listed["message"]
    assert listed["source"]


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        (["onset.after_4_months"], "must be two signs"),
        (["onset.after_4_months", "onset.unsure"], "different questions"),
        (["onset.later", "treatment_duration.under_4_months"], "unknown option"),
        (["red_flags.none", "onset.unsure"], "a warning sign is never refused"),
    ],
)
def test_a_malformed_contradiction_does_not_load(
    questionnaire_data: dict[str, Any], answers: list[str], problem: str
) -> None:
    questionnaire_data["contradictions"] = [
        {"id": "x", "answers": answers, "message": "m", "source": "s"}
    ]
    with pytest.raises(QuestionnaireError, match=problem):
        parse_questionnaire(questionnaire_data)


def test_a_contradiction_needs_its_reason_and_its_source(
    questionnaire_data: dict[str, Any],
) -> None:
    rule = {"id": "x", "answers": ["onset.unsure", "treatment_duration.under_4_months"]}
    questionnaire_data["contradictions"] = [{**rule, "message": "m"}]
    with pytest.raises(QuestionnaireError, match="source"):
        parse_questionnaire(questionnaire_data)
