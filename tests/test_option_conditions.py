"""Options offered only under a condition (the nappy area, a childhood infection: under 6).

Wherever the questions are listed or answers are refused, such an option says when it applies,
as a question with a condition does: in the JSON listing a form builder reads, in the table a
person reads at any terminal width, and in the error a flag gets.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from dupi_triage.questionnaire import Option, Question, Questionnaire, When
from tests.conftest import RunCli

WIDTHS = (40, 80, 100)


def _conditional_options(questionnaire: Questionnaire) -> list[tuple[Question, Option]]:
    found = [
        (question, option)
        for question in questionnaire.questions_with_conditional_options
        for option in question.options
        if option.when is not None
    ]
    assert found, "the questionnaire has options offered only under a condition"
    return found


def _where_it_fails(questionnaire: Questionnaire, when: When) -> dict[str, str]:
    """Earlier answers that make `when` false (for an adult, the nappy area)."""
    answers = {
        c.question: next(
            o for o in questionnaire.question(c.question).option_ids if c.state(o) is False
        )
        for c in when.conditions
    }
    assert when.state(answers) is False
    return answers


def _holds(condition: dict[str, Any] | None, answers: dict[str, str]) -> bool:
    """A form builder's reading of a listed condition: all or any of in / not_in tests."""
    if condition is None:
        return True
    [(behaviour, tests)] = condition.items()
    results = [
        answers.get(test["question"]) in test["in"]
        if "in" in test
        else answers.get(test["question"]) not in test["not_in"]
        for test in tests
    ]
    return all(results) if behaviour == "all" else any(results)


# --- the JSON listing ---------------------------------------------------------------------------


def _listed(run_cli: RunCli) -> dict[str, dict[str, Any]]:
    run = run_cli("questions", "--format", "json")
    assert run.code == 0, run.err
    return {question["id"]: question for question in json.loads(run.out)["questions"]}


def _shape(when: When) -> dict[str, Any]:
    """How the listing writes a question's condition: {"all": [{"question": ..., "in": [...]}]}."""
    return {
        when.behaviour: [
            {"question": c.question, c.operator: list(c.options)} for c in when.conditions
        ]
    }


def test_the_json_listing_gives_each_option_its_condition_in_the_shape_questions_use(
    run_cli: RunCli, questionnaire: Questionnaire
) -> None:
    listed = _listed(run_cli)
    for question in questionnaire.conditional:
        assert question.when is not None
        assert listed[question.id]["condition"] == _shape(question.when)
    _conditional_options(questionnaire)
    for question in questionnaire:
        for option, entry in zip(question.options, listed[question.id]["options"], strict=True):
            expected = None if option.when is None else _shape(option.when)
            assert entry["condition"] == expected, (question.id, option.id)


def test_a_form_built_from_the_json_listing_offers_an_option_exactly_when_the_tool_accepts_it(
    run_cli: RunCli, questionnaire: Questionnaire
) -> None:
    listed = _listed(run_cli)
    for question, option in _conditional_options(questionnaire):
        assert option.when is not None
        [entry] = [o for o in listed[question.id]["options"] if o["id"] == option.id]
        parents = option.when.questions
        assert len(parents) == 1, "one earlier question decides (extend this test if not)"
        outcomes = set()
        for value in questionnaire.question(parents[0]).option_ids:
            answers = {parents[0]: value}
            offered = option in question.offered(answers)
            assert _holds(entry["condition"], answers) is offered, (option.id, value)
            outcomes.add(offered)
        assert outcomes == {True, False}


# --- the table ----------------------------------------------------------------------------------


def _values_in(text: str) -> set[str]:
    return set(re.split(r"[\s│|]+", text))


@pytest.mark.parametrize("width", WIDTHS)
def test_every_allowed_value_reads_whole_in_the_questions_table_at_any_width(
    run_cli: RunCli, questionnaire: Questionnaire, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    run = run_cli("questions")
    assert run.code == 0, run.err
    assert "…" not in run.out
    assert max(len(line) for line in run.out.splitlines()) <= width
    shown = _values_in(run.out)
    for question in questionnaire:
        assert question.flag in shown, (width, question.flag)
        for option_id in question.option_ids:
            assert option_id in shown, (width, question.id, option_id)


def _question_column(text: str) -> str:
    """The words of the table's question column (at narrow widths, of the whole list), in order."""
    kept = []
    column = None
    for line in text.splitlines():
        if "Question" in line and "Allowed" in line:
            column = slice(line.index("Question"), line.index("Allowed"))
            continue
        kept.append(line[column] if column else line)
    return " ".join(" ".join(kept).split())


@pytest.mark.parametrize("width", WIDTHS)
def test_the_questions_table_says_which_options_are_only_for_young_children(
    run_cli: RunCli, questionnaire: Questionnaire, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    words = _question_column(run_cli("questions").out)
    for _, option in _conditional_options(questionnaire):
        assert option.when is not None
        assert f"({option.id} only when {option.when.describe()})" in words, (width, option.id)


# --- flags --------------------------------------------------------------------------------------


def test_an_option_its_condition_refuses_names_the_flags_and_what_was_given(
    run_cli: RunCli, questionnaire: Questionnaire
) -> None:
    for question, option in _conditional_options(questionnaire):
        assert option.when is not None
        earlier = _where_it_fails(questionnaire, option.when)
        flags = [part for q, v in earlier.items() for part in (questionnaire.question(q).flag, v)]
        run = run_cli(
            "assess", "--no-input", "--red-flags", "none", *flags, question.flag, option.id
        )
        assert run.code == 2
        [line] = run.err.strip().splitlines()
        condition = " and ".join(
            c.describe(questionnaire.question(c.question).flag) for c in option.when.conditions
        )
        given = ", ".join(f"{questionnaire.question(q).flag} is {v}" for q, v in earlier.items())
        assert line.startswith(
            f"dupi-triage: error: {question.flag}: {option.id!r} only applies when {condition}, "
            f"but {given} (allowed: "
        ), line
        assert option.id not in line.split("(allowed: ")[1]


def test_flag_help_says_which_values_are_offered_only_to_some(
    run_cli: RunCli, questionnaire: Questionnaire
) -> None:
    """`assess --help` names each such option with its condition, in flags."""
    shown = " ".join(run_cli("assess", "--help").out.replace("│", " ").split())
    for question, option in _conditional_options(questionnaire):
        assert option.when is not None
        parent = questionnaire.question(option.when.conditions[0].question)
        assert re.search(rf"\b{option.id}(, \w+)* only when {re.escape(parent.flag)} is", shown), (
            question.id,
            option.id,
        )
