"""What dupilumab is for, offered by age (issue 19, item 7): no COPD for a 3-year-old.

Each indication is offered from the age dupilumab is licensed for it (DUPIXENT US prescribing
information, section 1, Indications and Usage), always with 'Something else'. Answers saved under
an older questionnaire, before these ages came in, keep loading.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dupi_triage.answers import parse_answers
from dupi_triage.errors import InputError
from dupi_triage.fhir_codes import canonical
from dupi_triage.migrations import MIGRATIONS, VERSION_KEY
from dupi_triage.questionnaire import Questionnaire, QuestionnaireError, version_order
from dupi_triage.questionnaire_loader import parse_questionnaire
from dupi_triage.render import render_document
from dupi_triage.scoring import assess
from tests.conftest import RunCli
from tests.pty_screen import DOWN, ENTER, Terminal

AGES = ("under_2", "2_to_5", "6_to_11", "12_to_17", "adult")
#: The youngest age band each indication is licensed for (the label).
LICENSED_FROM = {
    "atopic_dermatitis": "under_2",  # from 6 months
    "eoe": "under_2",  # from 1 year
    "asthma": "6_to_11",  # from 6 years
    "nasal_polyps": "12_to_17",  # from 12 (adolescents since September 2024)
    "urticaria": "12_to_17",  # from 12
    "prurigo_nodularis": "adult",
    "copd": "adult",
    "pemphigoid": "adult",
    "other": "under_2",  # always offered
}
#: A 3-year-old with COPD, as a parent could have saved it before the ages came in.
TODDLER_WITH_COPD = {
    "red_flags": ["none"],
    "respondent": "parent_or_carer",
    "age_band": "2_to_5",
    "indication": "copd",
}


def _about(age: str, indication: str) -> dict[str, object]:
    return {"respondent": "parent_or_carer", "age_band": age, "indication": indication}


def test_every_indication_is_listed_with_its_licensed_age(questionnaire: Questionnaire) -> None:
    assert set(questionnaire.question("indication").option_ids) == set(LICENSED_FROM)


@pytest.mark.parametrize("indication", sorted(LICENSED_FROM))
@pytest.mark.parametrize("age", AGES)
def test_an_indication_is_accepted_exactly_from_its_licensed_age(
    questionnaire: Questionnaire, indication: str, age: str
) -> None:
    licensed = AGES.index(age) >= AGES.index(LICENSED_FROM[indication])
    if licensed:
        parse_answers(questionnaire, _about(age, indication))
        return
    with pytest.raises(InputError) as refused:
        parse_answers(questionnaire, _about(age, indication))
    assert refused.value.field == "indication"
    assert "age_band" in refused.value.problem
    assert indication not in (refused.value.allowed or "").split(", ")
    assert "other" in (refused.value.allowed or "").split(", ")


def test_copd_for_a_three_year_old_is_refused_naming_both_flags_and_what_is_offered(
    run_cli: RunCli,
) -> None:
    result = run_cli(
        "assess", "--no-input", "--red-flags", "none", "--respondent", "parent-or-carer",
        "--age-band", "2-to-5", "--indication", "copd",
    )  # fmt: skip
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert line == (
        "dupi-triage: error: --indication: 'copd' only applies when --age-band is adult, "
        "but --age-band is 2_to_5 (allowed: atopic_dermatitis, eoe, other)"
    )


# --- in a terminal --------------------------------------------------------------------------------

LABELS = {
    "atopic_dermatitis": "Eczema (atopic dermatitis)",
    "eoe": "Eosinophilic oesophagitis",
    "other": "Something else",
}
NOT_FOR_A_TODDLER = ("Asthma", "Nasal polyps", "Prurigo nodularis", "COPD", "Chronic hives")


@pytest.mark.parametrize("columns", [40, 80, 100])
def test_a_parent_of_a_three_year_old_is_offered_only_what_fits_the_age(
    questionnaire: Questionnaire, tmp_path: Path, columns: int
) -> None:
    indication = questionnaire.question("indication")
    with Terminal(
        "assess", "--red-flags", "none", "--respondent", "parent_or_carer",
        columns=columns, cwd=tmp_path,
    ) as term:  # fmt: skip
        term.wait_for(questionnaire.speaking_to("parent_or_carer").question("age_band").text)
        term.send(DOWN + ENTER)  # 2 to 5 years
        term.wait_for(indication.text, *LABELS.values())
        term.settle()
        shown = term.reads()
        for label in NOT_FOR_A_TODDLER:
            assert label not in shown, f"{label} is offered for a 3-year-old at {columns} columns"
        assert "Bullous pemphigoid" not in shown


# --- answers saved before the ages came in ----------------------------------------------------


def _older_versions(questionnaire: Questionnaire) -> list[str]:
    """Every version older than this one; 2.1 among them once this one is newer."""
    older = sorted(MIGRATIONS, key=version_order)
    assert {"1.0", "2.0"} <= set(older)
    if version_order(questionnaire.version) > (2, 1):
        assert "2.1" in older, "answers saved under 2.1 must keep loading"
    return older


def test_answers_given_now_are_checked_against_the_ages(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    for saved in (TODDLER_WITH_COPD, {VERSION_KEY: questionnaire.version, **TODDLER_WITH_COPD}):
        path = tmp_path / "answers.json"
        path.write_text(json.dumps(saved))
        result = run_cli("report", str(path), "--format", "json")
        assert result.code == 2, saved
        assert "'copd' only applies when age_band is adult" in result.err


def test_answers_saved_under_an_older_version_keep_an_indication_the_age_now_rules_out(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    for version in _older_versions(questionnaire):
        saved = tmp_path / f"saved-{version}.json"
        saved.write_text(json.dumps({VERSION_KEY: version, **TODDLER_WITH_COPD}))
        result = run_cli("report", str(saved), "--format", "json")
        assert result.code == 0, (version, result.err)
        assert json.loads(result.out)["answers"]["indication"] == "copd"
        # Saved again, it keeps its version, and so keeps loading.
        again = tmp_path / f"again-{version}.json"
        result = run_cli(
            "assess", "--no-input", "--answers", str(saved), "--save-answers", str(again),
            "--format", "json",
        )  # fmt: skip
        assert result.code == 0, (version, result.err)
        assert json.loads(again.read_text())[VERSION_KEY] == version
        assert run_cli("report", str(again), "--format", "json").code == 0, version


def test_a_fhir_response_to_an_older_questionnaire_keeps_an_indication_the_age_now_rules_out(
    run_cli: RunCli, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    for version in _older_versions(questionnaire):
        answers = parse_answers(questionnaire, {VERSION_KEY: version, **TODDLER_WITH_COPD})
        document = json.loads(
            render_document("fhir", questionnaire, assess(questionnaire, answers))
        )
        document["questionnaire"] = canonical(version)
        response = tmp_path / f"response-{version}.json"
        response.write_text(json.dumps(document))
        result = run_cli("report", str(response), "--format", "json")
        assert result.code == 0, (version, result.err)
        assert json.loads(result.out)["answers"]["indication"] == "copd"


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        ({"when_since": "soon"}, "when_since must be a questionnaire version"),
        ({"when_since": 2.2}, "when_since must be a questionnaire version"),
        ({"when": None}, "when_since needs a when"),
    ],
)
def test_the_loader_refuses_a_when_since_it_cannot_use(
    questionnaire_data: dict[str, Any], change: dict[str, object], refused: str
) -> None:
    [indication] = [q for q in questionnaire_data["questions"] if q["id"] == "indication"]
    [copd] = [o for o in indication["options"] if o["id"] == "copd"]
    for key, value in change.items():
        if value is None:
            del copd[key]
        else:
            copd[key] = value
    with pytest.raises(QuestionnaireError, match=refused):
        parse_questionnaire(questionnaire_data)
