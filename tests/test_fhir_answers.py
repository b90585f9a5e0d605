"""Reading answers back from FHIR QuestionnaireResponses: ours, a real renderer's, hostile ones.

`report`, `assess --answers` and `batch` take a QuestionnaireResponse wherever they take an
answers file, and score it exactly as the same answers given any other way.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle as FhirBundle
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse as FhirQuestionnaireResponse,
)

from dupi_triage.answers import parse_answers
from dupi_triage.fhir_codes import QUESTIONNAIRE_URL, code_system
from dupi_triage.questionnaire import RED_FLAGS, RESPONDENT, Question, Questionnaire
from dupi_triage.questionnaire_loader import load_questionnaire
from dupi_triage.render.fhir import render
from dupi_triage.scoring import assess
from tests.conftest import PROJECT_ROOT, RunCli
from tests.report_cases import CASES, FACIAL_REDNESS, as_flags

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
RENDERER_FIXTURE = FIXTURES / "lforms_response.json"


def _response(questionnaire: Questionnaire, answers: dict[str, object]) -> dict[str, Any]:
    assessment = assess(questionnaire, parse_answers(questionnaire, answers))
    document: dict[str, Any] = json.loads(render(questionnaire, assessment))
    return document


def _walk(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from _walk(item.get("item", []))


def _item(document: dict[str, Any], link: str) -> dict[str, Any]:
    return next(item for item in _walk(document["item"]) if item["linkId"] == link)


def _summary(document: dict[str, Any]) -> dict[str, Any]:
    return {
        "level": document["level"],
        "pattern": document["pattern"],
        "drug_link": document["drug_link"]["score"],
        "red_flags_screened": document["red_flags_screened"],
        "answers": document["answers"],
        "missing": document["missing"],
    }


def _write(tmp_path: Path, document: object, name: str = "qr.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _report(run_cli: RunCli, path: Path) -> dict[str, Any]:
    run = run_cli("report", str(path), "--format", "json")
    assert run.code == 0, run.err
    return _summary(json.loads(run.out))


def _assess(run_cli: RunCli, answers: dict[str, object]) -> dict[str, Any]:
    run = run_cli("assess", "--no-input", *as_flags(answers), "--format", "json")
    assert run.code == 0, run.err
    return _summary(json.loads(run.out))


# --- ours, and a real renderer's ------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_our_own_response_reports_exactly_as_assess(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path, case: str
) -> None:
    path = _write(tmp_path, _response(questionnaire, CASES[case]))
    assert _report(run_cli, path) == _assess(run_cli, CASES[case])


def test_a_response_exported_by_lhc_forms_reports_as_assess(run_cli: RunCli) -> None:
    """Filled in LHC-Forms 40.1.3 by tests/roundtrip/drive.mjs, exported by the renderer itself."""
    exported = json.loads(RENDERER_FIXTURE.read_text(encoding="utf-8"))
    assert "lformsVersion" in json.dumps(exported["meta"])
    FhirQuestionnaireResponse.model_validate(exported)
    # Exported from the questionnaire 1.0 form: read as 1.0 answers, without 2.0's questions.
    new_in_2_0 = {"treatment_duration", "other_symptoms", "overall_course", "respondent",
                  "age_band", "indication", "pregnancy"}  # fmt: skip
    as_in_1_0 = {k: v for k, v in FACIAL_REDNESS.items() if k not in new_in_2_0}
    reported = _report(run_cli, RENDERER_FIXTURE)
    assert reported["answers"].pop("questionnaire_version") == "1.0", "the result says so"
    assert reported == _assess(run_cli, as_in_1_0)


def test_a_response_lhc_forms_exported_from_the_2_0_form_reports_as_assess(
    run_cli: RunCli,
) -> None:
    """The same round trip with the questionnaire 2.0 form; the case is the answers clicked."""
    exported = FIXTURES / "lforms_response_2_0.json"
    FhirQuestionnaireResponse.model_validate(json.loads(exported.read_text(encoding="utf-8")))
    clicked = json.loads((FIXTURES / "lforms_case_2_0.json").read_text(encoding="utf-8"))
    reported = _report(run_cli, exported)
    assert reported["answers"].pop("questionnaire_version") == "2.0", "the result says so"
    assert reported == _assess(run_cli, clicked)


def test_assess_reads_a_response_as_its_answers_file_and_flags_still_win(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    path = _write(tmp_path, _response(questionnaire, FACIAL_REDNESS))
    run = run_cli("assess", "--no-input", "--answers", str(path), "--itch", "9", "--format", "json")
    assert run.code == 0, run.err
    assert _summary(json.loads(run.out)) == _assess(run_cli, {**FACIAL_REDNESS, "itch": 9})


def test_the_result_group_in_a_response_is_never_trusted(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    answers = {**FACIAL_REDNESS, RED_FLAGS: ["breathing_or_swelling"]}
    document = _response(questionnaire, answers)
    level = _item(document, "result.level")["answer"][0]["valueCoding"]
    level["code"] = "routine"
    assert _report(run_cli, _write(tmp_path, document))["level"] == "emergency"


def test_meta_authored_status_and_weight_extensions_are_ignored(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    document = _response(questionnaire, FACIAL_REDNESS)
    document |= {"meta": {"tag": [{"code": "x"}]}, "authored": "2026-01-01", "status": "amended"}
    coding = _item(document, "onset")["answer"][0]["valueCoding"]
    coding["extension"] = [
        {"url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 99}
    ]
    coding["display"] = "whatever the renderer called it"
    assert _report(run_cli, _write(tmp_path, document)) == _assess(run_cli, FACIAL_REDNESS)


def test_a_canonical_without_a_version_is_this_version(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    document = _response(questionnaire, FACIAL_REDNESS) | {"questionnaire": QUESTIONNAIRE_URL}
    assert _report(run_cli, _write(tmp_path, document)) == _assess(run_cli, FACIAL_REDNESS)


def test_a_flat_response_without_section_groups_reads_the_same(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    document = _response(questionnaire, FACIAL_REDNESS)
    document["item"] = [
        item
        for group in document["item"]
        for item in (group["item"] if group["linkId"].startswith("section-") else [group])
    ]
    assert _report(run_cli, _write(tmp_path, document)) == _assess(run_cli, FACIAL_REDNESS)


def test_a_missing_red_flags_item_is_not_screened_and_at_least_soon(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    answers = {k: v for k, v in FACIAL_REDNESS.items() if k != RED_FLAGS}
    result = _report(run_cli, _write(tmp_path, _response(questionnaire, answers)))
    assert result["red_flags_screened"] is False
    assert RED_FLAGS in result["missing"]
    assert result["level"] in ("soon", "urgent", "emergency")


def test_an_empty_red_flags_answer_is_still_not_screened(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    document = _response(questionnaire, FACIAL_REDNESS)
    _item(document, RED_FLAGS)["answer"] = []
    result = _report(run_cli, _write(tmp_path, document))
    assert result["red_flags_screened"] is False


# --- answers a condition rules out: refused, naming the file and the items ----------------------


def _answer(question: Question, option_id: str | None = None) -> dict[str, Any]:
    if question.type == "integer":
        return {"valueInteger": question.max}
    if question.type == "text":
        return {"valueString": "Some words"}
    code = option_id or question.option_ids[0]
    return {"valueCoding": {"system": code_system(question.id), "code": code}}


def _ruled_out(questionnaire: Questionnaire) -> Iterator[tuple[Question, dict[str, str], bool]]:
    """Each conditional question with earlier answers that rule it out (False) or leave it
    unknown (None: what it depends on is unanswered, so the form hides it too)."""
    for question in questionnaire.conditional:
        assert question.when is not None
        parents = [questionnaire.question(q) for q in question.when.questions]
        seen = set()
        for values in itertools.product(*[(None, *p.option_ids) for p in parents]):
            earlier = {p.id: v for p, v in zip(parents, values, strict=True) if v is not None}
            if any(
                v not in {o.id for o in p.offered(earlier)}
                for p, v in zip(parents, values, strict=True)
                if v is not None
            ):
                continue  # a pair no one can give (a child under 2 answering for themselves)
            state = question.when.state(earlier)
            if state is not True and state not in seen:
                seen.add(state)
                yield question, earlier, state is None


def _applicable(questionnaire: Questionnaire, answers: dict[str, object]) -> dict[str, object]:
    """The answers without those to questions their other answers rule out."""
    return {
        k: v
        for k, v in answers.items()
        if (when := questionnaire.question(k).when) is None or when.state(answers) is True
    }


def _refusals(run_cli: RunCli, path: Path) -> list[str]:
    """The one-line error of `report` and of `assess --answers`, and batch's error row."""
    lines = []
    for args in (("report", str(path)), ("assess", "--no-input", "--answers", str(path))):
        run = run_cli(*args, "--format", "json")
        assert run.code == 2, (args, run.out)
        [line] = run.err.strip().splitlines()
        lines.append(line)
    run = run_cli("batch", str(path))
    assert run.code == 1
    [record] = [json.loads(line) for line in run.out.splitlines()]
    lines.append(record["error"])
    return lines


def test_an_answer_to_a_question_the_form_hides_is_refused_naming_the_file_and_the_items(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    """An adult's nights woken by itch, pregnancy for a parent, a follow-up to a dose never
    paused: no renderer following FHIR exports them, and the same answers in a JSON file are
    refused, so the response is too (never scored with the answer silently dropped)."""
    cases = list(_ruled_out(questionnaire))
    assert {unknown for *_, unknown in cases} == {True, False}
    for question, earlier, unknown in cases:
        assert question.when is not None
        answers = {
            k: v
            for k, v in FACIAL_REDNESS.items()
            if k not in {q.id for q in questionnaire.conditional} | set(question.when.questions)
        } | earlier
        if answers.get("age_band") in ("under_2", "2_to_5") and "respondent" not in earlier:
            answers["respondent"] = "parent_or_carer"  # a child under 6 does not answer
        document = _response(questionnaire, answers)
        document["item"].append({"linkId": question.id, "answer": [_answer(question)]})
        path = _write(tmp_path, document)
        lines = _refusals(run_cli, path)
        for line in lines:
            assert f"item '{question.id}': only applies when item '" in line, line
            for parent in map(questionnaire.question, question.when.questions):
                assert f"item '{parent.id}'" in line, line
                assert parent.flag not in line, "names the response's items, not flags"
            if unknown:
                assert "give item '" in line, line
        for line in lines[:2]:
            assert path.name in line, "names the file"
        value: object = {"integer": question.max, "text": "Some words"}.get(
            question.type, question.option_ids[0] if question.options else None
        )
        as_json = _write(tmp_path, {**answers, question.id: value}, "a.json")
        assert run_cli("assess", "--no-input", "--answers", str(as_json)).code == 2


def test_an_option_for_young_children_given_for_an_older_person_is_refused_naming_the_item(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    """R4 cannot hide an option, so the form offers the nappy area to an adult; the tool does
    not guess which answer was wrong (the age or the place), as with a JSON file or flags."""
    found = 0
    for question in questionnaire.questions_with_conditional_options:
        for option in question.options:
            if option.when is None:
                continue
            found += 1
            [condition] = option.when.conditions
            parent = questionnaire.question(condition.question)
            older = next(o for o in parent.option_ids if condition.state(o) is False)
            # A parent answers: the ages under 6 are then offered (an indication for adults
            # only is refused at 2 to 5, not because a child cannot answer for themselves).
            answers = {**FACIAL_REDNESS, RESPONDENT: "parent_or_carer", parent.id: older}
            document = _response(questionnaire, _applicable(questionnaire, answers))
            section = _item(document, f"section-{question.section}")
            section["item"] = [i for i in section["item"] if i["linkId"] != question.id]
            section["item"].append(
                {"linkId": question.id, "answer": [_answer(question, option.id)]}
            )
            path = _write(tmp_path, document)
            for line in _refusals(run_cli, path):
                assert (
                    f"item '{question.id}': '{option.id}' only applies when item '{parent.id}'"
                    in line
                )
                assert f"but item '{parent.id}' is {older}" in line, line
    assert found


# --- items where the Questionnaire has none: refused, never skipped unread ---------------------


def _sign_answer(code: str = "breathing_or_swelling") -> dict[str, Any]:
    return {
        "linkId": RED_FLAGS,
        "answer": [{"valueCoding": {"system": code_system(RED_FLAGS), "code": code}}],
    }


def _misplaced(questionnaire: Questionnaire) -> dict[str, tuple[str, dict[str, Any]]]:
    """Responses with an item or answer where the Questionnaire has none, and the item's linkId."""
    base = _response(questionnaire, FACIAL_REDNESS)
    assert _item(base, RED_FLAGS)["answer"][0]["valueCoding"]["code"] == "none"

    def changed(link: str, change: Any) -> tuple[str, dict[str, Any]]:
        document = copy.deepcopy(base)
        change(document)
        return link, document

    def without_red_flags(document: dict[str, Any]) -> dict[str, Any]:
        section = _item(document, "section-red_flags")
        section["item"] = [item for item in section["item"] if item["linkId"] != RED_FLAGS]
        return document

    onset = copy.deepcopy(_item(base, "onset"))
    return {
        "a warning sign inside the result group, none at the top": changed(
            RED_FLAGS, lambda d: _item(d, "result")["item"].append(_sign_answer())
        ),
        "the only warning sign answer inside the result group": changed(
            RED_FLAGS,
            lambda d: _item(without_red_flags(d), "result")["item"].append(_sign_answer()),
        ),
        "a question in another section's group": changed(
            "onset",
            lambda d: (
                _item(d, "section-timing").update(item=[]),
                _item(d, "section-appearance")["item"].append(onset),
            ),
        ),
        "a question inside a group the form nests in a section": changed(
            RED_FLAGS,
            lambda d: without_red_flags(d)["item"].append(
                {
                    "linkId": "section-red_flags",
                    "item": [
                        {"linkId": "red_flags.advice-2-urgent.when", "item": [_sign_answer()]}
                    ],
                }
            ),
        ),
        "a section group inside another": changed(
            "section-timing",
            lambda d: _item(d, "section-appearance")["item"].append(
                {"linkId": "section-timing", "item": [onset]}
            ),
        ),
        "an answer on the result group": changed(
            "result", lambda d: _item(d, "result").update(answer=_sign_answer()["answer"])
        ),
        "an unknown linkId inside the result group": changed(
            "favourite_colour",
            lambda d: _item(d, "result")["item"].append({"linkId": "favourite_colour"}),
        ),
        "items under a result field's answer": changed(
            "result.level",
            lambda d: _item(d, "result.level")["answer"][0].update(item=[_sign_answer()]),
        ),
    }


def _refused_naming(run_cli: RunCli, path: Path, words: str) -> None:
    """report and assess refuse the file on one line naming it and `words`; batch's row too."""
    lines = _refusals(run_cli, path)
    for line in lines:
        assert words in line, line
    for line in lines[:2]:
        assert path.name in line, "names the file"


@pytest.mark.parametrize("name", sorted(_misplaced(load_questionnaire())))
def test_an_item_where_the_questionnaire_has_none_is_refused_naming_the_file_and_the_item(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path, name: str
) -> None:
    """A warning sign hidden inside the result group read as routine: every item is now either
    one the Questionnaire has, where it has it, or the response is refused on one line."""
    link, document = _misplaced(questionnaire)[name]
    _refused_naming(run_cli, _write(tmp_path, document), f"item {link!r}")


@pytest.mark.parametrize(
    "answer",
    [5, None, True, {"valueInteger": 5}, "none"],
    ids=["5", "null", "true", "an object", "a string"],
)
@pytest.mark.parametrize("link", ["onset", RED_FLAGS, "result.level"])
def test_an_answer_that_is_not_a_list_is_refused_naming_the_file_and_the_item(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path, link: str, answer: object
) -> None:
    document = _response(questionnaire, FACIAL_REDNESS)
    _item(document, link)["answer"] = answer
    _refused_naming(run_cli, _write(tmp_path, document), f"item {link!r}: 'answer' must be a list")


# --- hostile responses: one line, exit 2 ----------------------------------------------------------


def _hostile(questionnaire: Questionnaire) -> dict[str, dict[str, Any]]:
    base = _response(questionnaire, FACIAL_REDNESS)

    def changed(change: Any) -> dict[str, Any]:
        document = copy.deepcopy(base)
        change(document)
        return document

    def set_coding(link: str, **values: object) -> Any:
        return lambda d: _item(d, link)["answer"][0]["valueCoding"].update(values)

    def nest(depth: int) -> dict[str, Any]:
        item: dict[str, Any] = {"linkId": "section-timing"}
        for _ in range(depth):
            item = {"linkId": "section-timing", "item": [item]}
        return item

    onset = {
        "linkId": "onset",
        "answer": [{"valueCoding": {"system": code_system("onset"), "code": "unsure"}}],
    }
    return {
        "wrong canonical": changed(
            lambda d: d.update(questionnaire="http://example.org/Questionnaire/phq9|1.0")
        ),
        "wrong version": changed(lambda d: d.update(questionnaire=f"{QUESTIONNAIRE_URL}|99.0")),
        "no canonical": changed(lambda d: d.pop("questionnaire")),
        "wrong system": changed(set_coding("onset", system="http://snomed.info/sct")),
        "another question's system": changed(set_coding("onset", system=code_system("look"))),
        "unknown code": changed(set_coding("onset", code="last_tuesday")),
        "unknown linkId": changed(lambda d: d["item"].insert(0, {"linkId": "favourite_colour"})),
        "item not an object": changed(lambda d: d["item"].insert(0, "red_flags")),
        "items not a list": changed(lambda d: d.update(item={"linkId": "onset"})),
        "nested garbage": changed(lambda d: d["item"].append(nest(50))),
        "answers nested under an answer": changed(
            lambda d: _item(d, "onset")["answer"][0].update(item=[onset])
        ),
        "a question inside a question": changed(lambda d: _item(d, "onset").update(item=[onset])),
        "answered twice": changed(lambda d: d["item"].append(onset)),
        "a string for a coding": changed(
            lambda d: _item(d, "onset").update(answer=[{"valueString": "1_to_4_months"}])
        ),
        "a string for the itch": changed(
            lambda d: _item(d, "itch").update(answer=[{"valueString": "6"}])
        ),
        "itch out of range": changed(
            lambda d: _item(d, "itch").update(answer=[{"valueInteger": 11}])
        ),
        "two answers to a single choice": changed(
            lambda d: _item(d, "onset").update(answer=[*onset["answer"], *onset["answer"]])
        ),
        "none with a warning sign": changed(
            lambda d: _item(d, RED_FLAGS)["answer"].append(
                {"valueCoding": {"system": code_system(RED_FLAGS), "code": "breathing_or_swelling"}}
            )
        ),
        "an answer to a display item": changed(
            lambda d: d["item"].append({"linkId": f"{RED_FLAGS}.help", "answer": onset["answer"]})
        ),
        "10,000 items": changed(lambda d: d.update(item=[{"linkId": "x"}] * 10_000)),
        "an answer that is a number": changed(lambda d: _item(d, "onset").update(answer=5)),
        "an answer that is null": changed(lambda d: _item(d, RED_FLAGS).update(answer=None)),
        "an answer that is true": changed(lambda d: _item(d, "itch").update(answer=True)),
        "a warning sign inside the result group": changed(
            lambda d: _item(d, "result")["item"].append(_sign_answer())
        ),
        **{f"a modifier extension on {where}": changed(change) for where, change in _MODIFIED},
        "entered in error": changed(lambda d: d.update(status="entered-in-error")),
        "answers in a contained response": changed(
            lambda d: d.update(contained=[{**d, "id": "inner"}], item=[])
        ),
    }


_MODIFIER = [{"url": "http://example.org/fhir/StructureDefinition/negated", "valueBoolean": True}]
#: Where a FHIR modifier extension can change what the response means (R4: a reader that does
#: not know one must not read the element as if it were absent).
_MODIFIED: list[tuple[str, Any]] = [
    ("the response", lambda d: d.update(modifierExtension=_MODIFIER)),
    ("an item", lambda d: _item(d, RED_FLAGS).update(modifierExtension=_MODIFIER)),
    ("a group", lambda d: _item(d, "section-timing").update(modifierExtension=_MODIFIER)),
    ("an answer", lambda d: _item(d, RED_FLAGS)["answer"][0].update(modifierExtension=_MODIFIER)),
    ("the result group", lambda d: _item(d, "result").update(modifierExtension=_MODIFIER)),
]


@pytest.mark.parametrize("where", [where for where, _ in _MODIFIED])
def test_a_modifier_extension_is_refused_naming_where_it_is(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path, where: str
) -> None:
    """A modifier extension may reverse an answer ("not" a warning sign): never read past."""
    document = _response(questionnaire, FACIAL_REDNESS)
    dict(_MODIFIED)[where](document)
    named = {"the response": "modifierExtension", "an item": f"item {RED_FLAGS!r}"}
    _refused_naming(run_cli, _write(tmp_path, document), named.get(where, "modifierExtension"))


def test_a_response_entered_in_error_is_refused_not_scored(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    document = _response(questionnaire, FACIAL_REDNESS) | {"status": "entered-in-error"}
    _refused_naming(run_cli, _write(tmp_path, document), "entered-in-error")


def test_answers_inside_a_contained_response_are_refused_not_read_as_unanswered(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    document = _response(questionnaire, FACIAL_REDNESS)
    document = {**document, "contained": [{**document, "id": "inner"}], "item": []}
    _refused_naming(run_cli, _write(tmp_path, document), "contained")


def _hostile_names() -> list[str]:
    return sorted(_hostile(load_questionnaire()))


@pytest.mark.parametrize("name", _hostile_names())
def test_a_hostile_response_is_one_line_and_exit_2(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path, name: str
) -> None:
    path = _write(tmp_path, _hostile(questionnaire)[name])
    for args in (("report", str(path)), ("assess", "--no-input", "--answers", str(path))):
        run = run_cli(*args, "--format", "json")
        assert run.code == 2, (name, run.out)
        assert run.out == ""
        lines = run.err.strip().splitlines()
        assert len(lines) == 1, run.err
        assert lines[0].startswith("dupi-triage: error: "), run.err
        assert "Traceback" not in run.err
        assert len(lines[0]) < 1500


def test_hostile_responses_become_error_rows_and_the_rest_are_scored(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    hostile = _hostile(questionnaire)
    good = _response(questionnaire, FACIAL_REDNESS)
    rows = [good, *hostile.values(), good]
    path = tmp_path / "responses.ndjson"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    run = run_cli("batch", str(path))
    assert run.code == 1
    records = [json.loads(line) for line in run.out.splitlines()]
    assert [record["row"] for record in records] == list(range(1, len(rows) + 1))
    assert "error" not in records[0]
    assert "error" not in records[-1]
    assert records[0]["level"] == _assess(run_cli, FACIAL_REDNESS)["level"]
    for record in records[1:-1]:
        assert set(record) == {"row", "error"}, record
        assert "\n" not in record["error"]


# --- batch: NDJSON of responses, and a Bundle -----------------------------------------------------


def _bundle(questionnaire: Questionnaire) -> dict[str, Any]:
    exported = json.loads(RENDERER_FIXTURE.read_text(encoding="utf-8"))
    entries = [_response(questionnaire, CASES[case]) for case in sorted(CASES)] + [exported]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": resource} for resource in entries],
    }


def _expected_levels(run_cli: RunCli) -> list[str]:
    cases = [CASES[case] for case in sorted(CASES)] + [FACIAL_REDNESS]
    return [_assess(run_cli, answers)["level"] for answers in cases]


def test_batch_scores_ndjson_of_responses(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    resources = [entry["resource"] for entry in _bundle(questionnaire)["entry"]]
    path = tmp_path / "responses.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")
    run = run_cli("batch", str(path))
    assert run.code == 0, run.err
    assert [json.loads(line)["level"] for line in run.out.splitlines()] == _expected_levels(run_cli)


@pytest.mark.parametrize("indent", [None, 2])
def test_batch_scores_a_bundle_of_responses_each_entry_a_row(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path, indent: int | None
) -> None:
    bundle = _bundle(questionnaire)
    FhirBundle.model_validate(bundle)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, indent=indent), encoding="utf-8")
    run = run_cli("batch", str(path))
    assert run.code == 0, run.err
    records = [json.loads(line) for line in run.out.splitlines()]
    assert [record["row"] for record in records] == list(range(1, len(records) + 1))
    assert [record["level"] for record in records] == _expected_levels(run_cli)


def test_a_bundle_entry_that_is_not_a_response_is_an_error_row(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    bundle = _bundle(questionnaire)
    bundle["entry"][1] = {"fullUrl": "urn:uuid:1"}
    bundle["entry"][2] = {"resource": {"resourceType": "Patient", "id": "p"}}
    path = _write(tmp_path, bundle, "bundle.json")
    run = run_cli("batch", str(path), "--input-format", "json")
    assert run.code == 1
    records = [json.loads(line) for line in run.out.splitlines()]
    assert "error" in records[1]
    assert "error" in records[2]
    assert sum("error" in record for record in records) == 2
    # The row number is its own key: not said again in the reason.
    assert records[2]["row"] == 3
    assert records[2]["error"].startswith("a FHIR 'Patient'"), records[2]["error"]


@pytest.mark.parametrize("kind", ["Patient", "Bundle", "Questionnaire"])
def test_another_fhir_resource_is_refused_saying_what_can_be_read(
    run_cli: RunCli, tmp_path: Path, kind: str
) -> None:
    path = _write(tmp_path, {"resourceType": kind, "id": "x"})
    run = run_cli("report", str(path))
    assert run.code == 2
    assert run.err.count("\n") == 1
    assert f"a FHIR '{kind}' holds no answers" in run.err
    assert "QuestionnaireResponse" in run.err


def test_the_readme_round_trip_example_prints_what_it_shows(run_cli: RunCli) -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    command = "$ dupi-triage batch tests/fixtures/lforms_response.json --format csv\n"
    block = readme[readme.index(command) + len(command) :]
    shown = block[: block.index("```")]
    run = run_cli("batch", str(RENDERER_FIXTURE), "--format", "csv")
    assert run.code == 0, run.err
    assert run.out == shown
