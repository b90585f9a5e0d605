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
from dupi_triage.answers_file import read_document
from dupi_triage.errors import InputError
from dupi_triage.questionnaire_loader import load_questionnaire
from dupi_triage.scoring import assess
from tests.conftest import PROJECT_ROOT, RunCli

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


# --- FHIR QuestionnaireResponses: ours and a renderer's, mutated anywhere -----------------------


def _fhir_seeds() -> list[dict[str, Any]]:
    from dupi_triage.render.fhir import render
    from tests.report_cases import CASES

    seeds = [
        json.loads(render(QUESTIONNAIRE, assess(QUESTIONNAIRE, parse_answers(QUESTIONNAIRE, a))))
        for a in CASES.values()
    ]
    fixtures = sorted((PROJECT_ROOT / "tests" / "fixtures").glob("lforms_response*.json"))
    return seeds + [json.loads(path.read_text(encoding="utf-8")) for path in fixtures]


def _link_ids() -> list[str]:
    from dupi_triage.render.fhir_questionnaire import questionnaire_resource

    found: list[str] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            found.append(item["linkId"])
            walk(item.get("item", []))

    walk(questionnaire_resource(QUESTIONNAIRE)["item"])
    return found


FHIR_SEEDS = _fhir_seeds()
LINK_IDS = _link_ids()
FHIR_KEYS = ["linkId", "answer", "item", "valueCoding", "valueInteger", "valueString", "system",
             "code", "questionnaire", "resourceType"]  # fmt: skip
FHIR_VALUES = st.one_of(
    JSON_VALUES,
    st.sampled_from(LINK_IDS),
    st.dictionaries(
        st.sampled_from(FHIR_KEYS), JSON_VALUES | st.sampled_from(LINK_IDS), max_size=3
    ),
)


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path to every value inside a document, the document itself first."""
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _nodes(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _nodes(child, (*path, index))
    return found


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


@st.composite
def mutated_responses(draw: st.DrawFn) -> dict[str, Any]:
    """A real response with a few values replaced, removed, moved, or given another key."""
    document: dict[str, Any] = json.loads(json.dumps(draw(st.sampled_from(FHIR_SEEDS))))
    for _ in range(draw(st.integers(1, 4))):
        paths = _nodes(document)[1:]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _at(document, path[:-1]), path[-1]
        action = draw(st.sampled_from(["replace", "remove", "copy", "add key", "relink", "item"]))
        if action == "item":  # most of what can go wrong is in an item's answer or children
            items = [p for p in _nodes(document) if isinstance(_at(document, p), dict)]
            item = _at(document, draw(st.sampled_from(items)))
            item[draw(st.sampled_from(["answer", "item"]))] = draw(FHIR_VALUES)
        elif action == "replace":
            parent[key] = draw(FHIR_VALUES)
        elif action == "remove":
            del parent[key]
        elif action == "copy":  # the value at another place: an item inside another group
            target = _at(document, draw(st.sampled_from(paths)))
            if isinstance(target, list):
                target.append(json.loads(json.dumps(parent[key])))
            elif isinstance(target, dict):
                target[draw(st.sampled_from(FHIR_KEYS))] = json.loads(json.dumps(parent[key]))
        elif action == "add key" and isinstance(parent[key], dict):
            parent[key][draw(st.sampled_from(FHIR_KEYS))] = draw(FHIR_VALUES)
        elif action == "relink" and isinstance(parent[key], dict):
            parent[key]["linkId"] = draw(st.sampled_from(LINK_IDS))
    return document


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=mutated_responses())
def test_any_mutated_fhir_response_gives_a_result_or_an_input_error(document: Any) -> None:
    """`report`, `assess --answers` and each `batch` row read a response this way."""
    try:
        answers = read_document(QUESTIONNAIRE, document, "response.json")
    except InputError as error:
        message = str(error)
    else:
        level = assess(QUESTIONNAIRE, answers).level.value
        assert level in ("routine", "soon", "urgent", "emergency")
        return
    assert message
    assert "\n" not in message, "one line"
