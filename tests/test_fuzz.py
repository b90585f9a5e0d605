"""Fuzzing the parsers: whatever arrives, the outcome is a result or a clean input error.

A clean input error is an InputError inside the program and exit code 2 with one line at the
command line; anything else (another exception, a traceback, a hang) is a bug.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dupi_triage import strictjson
from dupi_triage.answers import answers_document, flag_field, parse_answers
from dupi_triage.errors import InputError
from dupi_triage.questionnaire import load_questionnaire
from dupi_triage.scoring import assess
from tests.conftest import RunCli

QUESTIONNAIRE = load_questionnaire()
QUESTION_IDS = [question.id for question in QUESTIONNAIRE]
OPTION_IDS = sorted({option for question in QUESTIONNAIRE for option in question.option_ids})

# Real ids (in both spellings) mixed with anything at all, so the fuzzer reaches deep paths.
WORDS = st.one_of(
    st.sampled_from(OPTION_IDS),
    st.sampled_from(OPTION_IDS).map(lambda word: word.replace("_", "-").upper()),
    st.text(max_size=20),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    WORDS,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
ANSWER_OBJECTS = st.dictionaries(
    st.one_of(st.sampled_from(QUESTION_IDS), st.text(max_size=15)),
    st.one_of(JSON_VALUES, st.lists(WORDS, max_size=4)),
    max_size=10,
)


def _answers_file_outcome(data: bytes) -> str:
    """What reading these bytes as an answers file leads to: 'result' or 'input error'."""
    try:
        document = strictjson.loads(data, "answers.json")
        answers = parse_answers(QUESTIONNAIRE, answers_document(document, "answers.json"))
    except InputError as error:
        return "input error" if str(error) else "an empty error"
    assessment = assess(QUESTIONNAIRE, answers)
    assert assessment.level.value in ("routine", "soon", "urgent", "emergency")
    return "result"


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.one_of(ANSWER_OBJECTS, JSON_VALUES))
def test_any_json_document_gives_a_result_or_an_input_error(document: Any) -> None:
    text = json.dumps(document, allow_nan=True)
    assert _answers_file_outcome(text.encode("utf-8")) in ("result", "input error")


@settings(max_examples=2000, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_give_a_result_or_an_input_error(data: bytes) -> None:
    assert _answers_file_outcome(data) in ("result", "input error")


@settings(max_examples=2000, deadline=None)
@given(
    values=st.dictionaries(
        st.sampled_from(QUESTION_IDS),
        st.one_of(WORDS, st.lists(WORDS, min_size=1, max_size=4)),
        min_size=1,
        max_size=6,
    )
)
def test_any_flag_values_give_a_result_or_an_input_error(values: dict[str, Any]) -> None:
    """What the flags hand over after the command line is split: strings, or lists of them."""
    try:
        answers = parse_answers(QUESTIONNAIRE, values, flag_field)
    except InputError as error:
        named = error.field
    else:
        assess(QUESTIONNAIRE, answers)
        return
    assert named.startswith("--"), "a flag error names the flag"


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(question=st.sampled_from(QUESTIONNAIRE.questions), value=st.text(max_size=30))
def test_any_string_on_the_command_line_exits_0_or_2(
    question: Any, value: str, run_cli: RunCli
) -> None:
    result = run_cli("assess", "--no-input", "--format", "json", f"{question.flag}={value}")
    assert result.code in (0, 2), result.err
    assert "Traceback" not in result.err
    if result.code == 2:
        assert len(result.err.strip().splitlines()) == 1
    else:
        assert json.loads(result.out)["tool"] == "dupi-triage"


@pytest.mark.parametrize("value", ["", ",", " , ", "none,none", "NONE", "\x00", "😀", "-" * 50])
def test_awkward_flag_values_exit_0_or_2(value: str, run_cli: RunCli) -> None:
    result = run_cli("assess", "--no-input", "--format", "json", f"--red-flags={value}")
    assert result.code in (0, 2)
    assert "Traceback" not in result.err
