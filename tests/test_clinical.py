"""The clinical second pass (issue 8): each point the review found, now held by a test.

Each test names the point it reproduces. The commands are the issue's, run through the real
command line where the issue gave a command.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.questionnaire_loader import load_questionnaire
from dupi_triage.render.view import summary_view
from dupi_triage.safety import NOT_BESIDE_AN_EMERGENCY, WARNING_SIGNS
from dupi_triage.scoring.model import TriageLevel
from tests.conftest import CURRENT_VERSION, ORDINARY_FLARE, PROJECT_ROOT, Assess, Render, RunCli

HUMAN_FORMATS = ("rich", "text", "markdown", "html")
ROUTINE_TIMING = "before the next injection, or within two weeks, whichever is sooner"


def _json(run_cli: RunCli, *flags: str) -> dict[str, Any]:
    result = run_cli("assess", "--no-input", *flags, "--format", "json")
    assert result.code == 0, result.err
    document: dict[str, Any] = json.loads(result.out)
    return document


def _flat(text: str) -> str:
    return " ".join(text.replace("\\", "").split())


# --- 1. equivalent answers, same urgency ---------------------------------------------------------


def test_point_1_widespread_pus_spots_described_elsewhere_are_the_urgent_warning_sign(
    run_cli: RunCli,
) -> None:
    result = _json(
        run_cli,
        *("--red-flags", "none", "--location", "widespread", "--look", "bumps_or_pustules"),
        *("--usual-treatment-helps", "no"),
    )
    reported = _json(run_cli, "--red-flags", "widespread_pustules")
    assert result["level"] == reported["level"] == "urgent"
    reason = next(r for r in result["level_reasons"] if r["level"] == "urgent")
    assert "pus-filled spots" in reason["reason"]
    assert any("Do not inject the next" in line for line in result["advice"])


def test_point_1_persistent_redness_over_much_of_the_body_is_red_all_over(
    assessed: Assess,
) -> None:
    result = assessed(
        {**ORDINARY_FLARE, "look": ["redness_no_scaling"], "location": ["widespread"]}
    )
    assert result.level is TriageLevel.URGENT
    assert [sign.id for sign in result.warning_signs] == ["red_all_over"]


# --- 2. a new rash that nothing helps ------------------------------------------------------------


def test_point_2_a_new_rash_that_nothing_helps_is_at_least_soon(run_cli: RunCli) -> None:
    result = _json(
        run_cli,
        *("--red-flags", "none", "--onset", "within_4_weeks", "--location", "face_neck"),
        *("--look", "other", "--itch", "6", "--usual-treatment-helps", "no"),
    )
    assert result["level"] == "soon"
    assert any(r["question"] == "usual_treatment_helps" for r in result["contributions"])


@pytest.mark.parametrize("onset", ["within_4_weeks", "1_to_4_months", "after_4_months", "unsure"])
def test_point_2_holds_for_every_onset_after_starting_or_not_known(
    assessed: Assess, onset: str
) -> None:
    result = assessed({**ORDINARY_FLARE, "onset": onset, "usual_treatment_helps": "no"})
    assert result.level is TriageLevel.SOON


# --- 3. routine timing ---------------------------------------------------------------------------

DEFINITE_BUT_CONTROLLED = [
    *("--red-flags", "none", "--onset", "within_4_weeks", "--injection-pattern", "yes"),
    *("--location", "new_areas", "--look", "thick_scaly_plaques", "--dose-paused", "yes"),
    *("--improved-on-pause", "yes", "--returned-on-restart", "yes"),
    *("--alternative-causes", "none", "--usual-treatment-helps", "yes"),
]


def test_point_3_a_definite_score_alone_stays_routine_with_the_dosing_rhythm_timing(
    run_cli: RunCli,
) -> None:
    result = _json(run_cli, *DEFINITE_BUT_CONTROLLED)
    assert result["drug_link"]["score"] == 9
    assert result["drug_link"]["category"] == "definite"
    assert result["level"] == "routine", "the score alone never raises a level"
    assert ROUTINE_TIMING in result["advice"][0]


# --- 4. facial redness that looks like eczema ----------------------------------------------------


@pytest.mark.parametrize("onset", ["within_4_weeks", "1_to_4_months"])
def test_point_4_a_face_and_neck_rash_in_new_places_on_dupilumab_is_facial_redness(
    run_cli: RunCli, onset: str
) -> None:
    result = _json(
        run_cli,
        *("--red-flags", "none", "--onset", onset, "--location", "face_neck,new_areas"),
        *("--look", "typical_eczema", "--usual-treatment-helps", "no"),
    )
    assert result["pattern"] == "facial_redness"
    assert result["level"] == "soon"
    assert any(c["question"] == "usual_treatment_helps" for c in result["contributions"])


def test_point_4_the_user_reads_head_and_neck_dermatitis(
    questionnaire: Questionnaire,
) -> None:
    label = questionnaire.pattern("facial_redness").label
    assert label == "head and neck dermatitis (facial redness)"


def test_point_4_the_usual_eczema_in_its_usual_places_is_still_an_ordinary_flare(
    assessed: Assess,
) -> None:
    result = assessed({**ORDINARY_FLARE, "location": ["face_neck", "usual_eczema_areas"]})
    assert result.pattern.id == "eczema_flare"


# --- 5. item 5 for an ordinary flare -------------------------------------------------------------


def test_point_5_the_usual_eczema_is_itself_another_cause_for_naranjo_item_5(
    assessed: Assess,
) -> None:
    result = assessed(
        {**ORDINARY_FLARE, "alternative_causes": ["none"], "usual_treatment_helps": "yes"}
    )
    item = next(i for i in result.drug_link.items if i.item == "alternative_causes")
    assert item.points == -1
    assert "eczema itself" in item.reason
    assert result.drug_link.category in ("doubtful", "possible")


def test_point_5_nothing_else_changed_still_earns_2_for_a_new_kind_of_rash(
    assessed: Assess,
) -> None:
    result = assessed(
        {**ORDINARY_FLARE, "look": ["thick_scaly_plaques"], "alternative_causes": ["none"]}
    )
    item = next(i for i in result.drug_link.items if i.item == "alternative_causes")
    assert item.points == 2


# --- 6. emergency beside reassurance; the alert ---------------------------------------------------


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
@pytest.mark.parametrize(
    "flag", sorted(f for f, s in WARNING_SIGNS.items() if s.level == "emergency")
)
def test_point_6_nothing_reassuring_sits_beside_an_emergency(
    assessed: Assess, render_as: Render, flag: str, fmt: str
) -> None:
    result = assessed({"red_flags": [flag]})
    assert result.level is TriageLevel.EMERGENCY
    shown = _flat(render_as(result, fmt))
    for words in NOT_BESIDE_AN_EMERGENCY:
        assert words not in shown.lower(), f"{fmt} says {words!r} beside an emergency"
    assert "Not answered" not in shown
    what_to_do = shown.index("Call your local emergency number now")
    later = shown.index("For the prescriber, later")
    assert what_to_do < later < shown.index("Link to dupilumab")
    assert "do not stop" not in shown.lower()
    assert "Do not inject the next dupilumab (Dupixent) dose" in shown


@pytest.mark.parametrize("flag", ["breathing_or_swelling", "faint_or_widespread_hives"])
def test_point_6_the_allergy_advice_gives_first_aid(assessed: Assess, flag: str) -> None:
    advice = " ".join(assessed({"red_flags": [flag]}).advice)
    assert "adrenaline auto-injector" in advice
    assert "legs raised" in advice
    assert "do not stand up suddenly" in advice


def test_point_6_the_drug_link_band_is_not_shown_beside_an_emergency(
    questionnaire: Questionnaire, assessed: Assess
) -> None:
    view = summary_view(questionnaire, assessed({"red_flags": ["breathing_or_swelling"]}))
    assert "doubtful" not in view.drug_link_sentence
    assert view.completeness is None
    assert view.uncommon == ""


# --- 7. SJS/TEN ----------------------------------------------------------------------------------


def test_point_7_sores_in_the_mouth_eyes_or_genitals_or_peeling_skin_is_an_emergency(
    run_cli: RunCli,
) -> None:
    assert _json(run_cli, "--red-flags", "sores_or_peeling")["level"] == "emergency"


# --- 8. what the score says ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_point_8_reports_say_what_the_answers_score_never_that_a_link_exists(
    run_cli: RunCli, fmt: str
) -> None:
    flags = [*DEFINITE_BUT_CONTROLLED[:-1], "no"]
    result = run_cli("assess", "--no-input", *flags, "--format", "text" if fmt == "rich" else fmt)
    shown = _flat(result.out)
    assert not re.search(r"\b(definite|probable|possible|doubtful) link\b", shown)
    assert "score 9 on the adapted" in shown


# --- 9. not applicable ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [*HUMAN_FORMATS, "json"])
def test_point_9_pause_items_read_not_applicable_when_no_dose_was_paused(
    assessed: Assess, render_as: Render, fmt: str
) -> None:
    result = assessed({**ORDINARY_FLARE, "dose_paused": "no"})
    assert "improved_on_pause" not in result.missing
    assert {"improved_on_pause", "returned_on_restart"} <= set(result.not_applicable)
    items = {i.item: i for i in result.drug_link.items}
    for item in ("dechallenge", "rechallenge"):
        assert not items[item].applicable
        assert "Not applicable" in items[item].reason
    shown = _flat(render_as(result, fmt)).lower()
    assert "not applicable" in shown
    assert "not answered" not in shown


# --- 10. conditional and repeated flags -----------------------------------------------------------


def test_point_10_a_conditional_flag_without_its_condition_is_refused_naming_both(
    run_cli: RunCli,
) -> None:
    result = run_cli("assess", "--no-input", "--improved-on-pause", "yes")
    assert result.code == 2
    assert "--improved-on-pause" in result.err
    assert "--dose-paused" in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "flags",
    [
        ["--onset", "unsure", "--onset", "within_4_weeks"],
        ["--itch", "3", "--itch", "8"],
        ["--dose-paused", "yes", "--dose-paused", "no"],
    ],
)
def test_point_10_a_single_value_flag_given_twice_is_refused(
    run_cli: RunCli, flags: list[str]
) -> None:
    result = run_cli("assess", "--no-input", "--red-flags", "none", *flags)
    assert result.code == 2
    assert flags[0] in result.err
    assert "give it once" in result.err


# --- 11. the source's management advice ----------------------------------------------------------


def test_point_11_a_drug_reaction_gets_the_articles_management_points_with_sources(
    assessed: Assess,
) -> None:
    result = assessed(
        {**ORDINARY_FLARE, "look": ["thick_scaly_plaques"], "usual_treatment_helps": "no",
         "onset": "1_to_4_months"}
    )  # fmt: skip
    said = " ".join(result.advice)
    for words in ("dermatologist", "topical corticosteroids", "tacrolimus", "antifungal",
                  "moisturisers", "injection schedule", "plan to restart"):  # fmt: skip
        assert words in said, words
    for line in result.advice_lines:
        if line.text.startswith("The prescriber may consider"):
            assert line.source.startswith("ARTICLE"), line


def test_point_11_every_non_emergency_result_mentions_moisturisers_and_irritants(
    assessed: Assess,
) -> None:
    for answers in (ORDINARY_FLARE, {"red_flags": ["eye_pain_or_vision"]}, {"itch": 9}):
        said = " ".join(assessed(answers).advice)
        assert "moisturisers" in said
        assert "irritants" in said


def test_point_11_a_possible_infection_names_antibiotics(assessed: Assess) -> None:
    said = " ".join(assessed({**ORDINARY_FLARE, "look": ["weeping_crusts"]}).advice)
    assert "antibiotics" in said


# --- 12. the label's and NHS warning signs --------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "level"),
    [
        ("hives_joints_after_dose", "urgent"),
        ("breath_chest_numbness", "urgent"),
        ("very_unwell", "emergency"),
        ("red_all_over", "urgent"),
        ("face_swelling", "urgent"),
        ("breathing_or_swelling", "emergency"),
        ("target_spots", "urgent"),
        ("spreading_infection", "urgent"),
    ],
)
def test_point_12_each_new_or_split_sign_has_its_level(
    run_cli: RunCli, flag: str, level: str
) -> None:
    assert _json(run_cli, "--red-flags", flag)["level"] == level


def test_point_12_hives_are_an_emergency_only_within_hours_of_an_injection(
    questionnaire: Questionnaire,
) -> None:
    hives = questionnaire.question("red_flags").option("faint_or_widespread_hives")
    assert "within about 2 hours of an injection" in hives.label
    later = questionnaire.question("red_flags").option("hives_joints_after_dose")
    assert later.red_flag == "urgent"


def test_point_12_oozing_or_crusts_alone_is_soon_not_urgent(assessed: Assess) -> None:
    result = assessed({**ORDINARY_FLARE, "look": ["weeping_crusts"]})
    assert result.level is TriageLevel.SOON
    assert result.pattern.id == "possible_infection"


# --- 13. over-triage and missing signals ----------------------------------------------------------


def test_point_13_itch_of_7_alone_is_an_ordinary_flare_and_stays_routine(assessed: Assess) -> None:
    assert assessed({**ORDINARY_FLARE, "itch": 7}).level is TriageLevel.ROUTINE


@pytest.mark.parametrize(
    ("changes", "question"),
    [
        ({"look": ["typical_eczema", "lumps_or_nodules"]}, "look"),
        ({"other_symptoms": ["joint_or_tendon_pain"]}, "other_symptoms"),
        ({"treatment_duration": "over_12_months", "overall_course": "worse"}, "overall_course"),
        ({"treatment_duration": "4_to_12_months", "overall_course": "same"}, "overall_course"),
        # Began more than 4 months after starting: more than 4 months on it, said or not.
        (
            {"onset": "after_4_months", "treatment_duration": None, "overall_course": "worse"},
            "overall_course",
        ),
        (
            {"onset": "after_4_months", "treatment_duration": None, "overall_course": "same"},
            "overall_course",
        ),
    ],
)
def test_point_13_lumps_joint_pain_and_persistent_worsening_are_at_least_soon(
    assessed: Assess, changes: dict[str, object], question: str
) -> None:
    result = assessed({**ORDINARY_FLARE, **changes})
    assert result.level is TriageLevel.SOON
    assert any(reason.question == question for reason in result.level_reasons)


def test_point_13_the_first_months_without_improvement_are_not_persistent_worsening(
    assessed: Assess,
) -> None:
    result = assessed({**ORDINARY_FLARE, "treatment_duration": "under_4_months",
                       "overall_course": "worse"})  # fmt: skip
    assert result.level is TriageLevel.ROUTINE


# --- 14. safety net ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
@pytest.mark.parametrize(
    "answers",
    [ORDINARY_FLARE, {**ORDINARY_FLARE, "itch": 9}, {"red_flags": ["eye_pain_or_vision"]}],
)
def test_point_14_every_result_below_emergency_lists_the_signs_to_act_on_at_once(
    questionnaire: Questionnaire,
    assessed: Assess,
    render_as: Render,
    answers: Mapping[str, object],
    fmt: str,
) -> None:
    result = assessed(answers)
    assert result.level is not TriageLevel.EMERGENCY
    assert questionnaire.advice.safety_net in result.advice
    assert "Act at once if a warning sign appears" in _flat(render_as(result, fmt))


def test_point_14_an_emergency_has_no_safety_net_line_it_is_already_acting(
    questionnaire: Questionnaire, assessed: Assess
) -> None:
    result = assessed({"red_flags": ["very_unwell"]})
    assert questionnaire.advice.safety_net not in result.advice


# --- the safety invariants, read from dupi_triage/safety.py ---------------------------------------


@pytest.mark.parametrize("flag", sorted(WARNING_SIGNS))
def test_each_warning_sign_gives_its_level_and_its_dose_advice_in_every_format(
    assessed: Assess, render_as: Render, flag: str
) -> None:
    pinned = WARNING_SIGNS[flag]
    for background in ({}, ORDINARY_FLARE):
        result = assessed({**background, "red_flags": [flag]})
        assert result.level.value == pinned.level
        assert result.hold_next_dose is pinned.hold_next_dose
        for fmt in HUMAN_FORMATS:
            shown = _flat(render_as(result, fmt)).lower()
            assert "prescriber" in shown
            if pinned.hold_next_dose:
                assert "do not inject the next" in shown
                assert "do not stop" not in shown, fmt
            else:
                assert "tell the clinician seen today that you use dupilumab" in shown


def test_a_hold_sign_beside_another_sign_still_holds_the_dose(assessed: Assess) -> None:
    result = assessed({"red_flags": ["eye_pain_or_vision", "target_spots"]})
    said = " ".join(result.advice).lower()
    assert "do not inject the next" in said
    assert "do not stop" not in said


def test_the_interactive_alert_holds_the_dose_and_gives_first_aid_without_do_not_stop(
    questionnaire: Questionnaire,
) -> None:
    from tests.test_prompts import walk

    result = walk(questionnaire, {"red_flags": ["breathing_or_swelling"]}, "\r")
    screen = _flat(result.screen)
    assert "adrenaline auto-injector" in screen
    assert "Do not inject the next dupilumab (Dupixent) dose" in screen
    assert "do not stop" not in screen.lower()


def test_the_urgent_alert_asks_the_clinician_about_the_next_dose(
    questionnaire: Questionnaire,
) -> None:
    from tests.test_prompts import walk

    result = walk(questionnaire, {"red_flags": ["eye_pain_or_vision"]}, "\x03")
    screen = _flat(result.screen)
    assert "Tell the clinician seen today that you use dupilumab" in screen
    assert "Tell your prescriber as well" not in screen


def test_a_contradicting_answer_drops_the_conditional_one_with_a_note(
    questionnaire: Questionnaire,
) -> None:
    from tests.test_prompts import DOWN, ENTER, walk

    preset = {k: v for k, v in ORDINARY_FLARE.items() if k != "dose_paused"}
    preset["improved_on_pause"] = "yes"
    result = walk(questionnaire, preset, DOWN + ENTER + ENTER)  # dose_paused: no; then accept
    assert result.answers.get("dose_paused") == "no"
    assert "improved_on_pause" not in result.answers
    assert "was dropped" in result.screen


# --- answers saved under 1.0 ----------------------------------------------------------------------

V1_RED_FLAG_LEVELS = {
    "breathing_or_swelling": "emergency",
    "faint_or_widespread_hives": "emergency",
    "eye_pain_or_vision": "urgent",
    "painful_blisters": "urgent",
    "fever_or_unwell": "urgent",
    "spreading_infection": "urgent",
    "sores_or_peeling": "urgent",
}
LEVELS = ["routine", "soon", "urgent", "emergency"]


@pytest.mark.parametrize("flag", sorted(V1_RED_FLAG_LEVELS))
@pytest.mark.parametrize("kind", ["saved_result", "answers_with_version", "plain_answers"])
def test_a_1_0_file_with_each_1_0_red_flag_loads_and_scores_at_least_its_1_0_level(
    run_cli: RunCli, tmp_path: Path, flag: str, kind: str
) -> None:
    answers = {"red_flags": [flag], "onset": "1_to_4_months", "itch": 4}
    document: dict[str, object]
    if kind == "saved_result":
        document = {"tool": "dupi-triage", "version": "0.1.0", "questionnaire_version": "1.0",
                    "level": V1_RED_FLAG_LEVELS[flag], "answers": answers}  # fmt: skip
    elif kind == "answers_with_version":
        document = {"questionnaire_version": "1.0", **answers}
    else:
        document = dict(answers)
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(document))
    result = run_cli("report", str(path), "--format", "json")
    assert result.code == 0, result.err
    level = json.loads(result.out)["level"]
    assert LEVELS.index(level) >= LEVELS.index(V1_RED_FLAG_LEVELS[flag])


def test_the_migration_table_covers_every_1_0_red_flag() -> None:
    from dupi_triage.migrations import MIGRATIONS

    assert dict(MIGRATIONS["1.0"].red_flag_levels) == V1_RED_FLAG_LEVELS


def test_a_1_0_result_with_itch_7_keeps_its_1_0_level(run_cli: RunCli, tmp_path: Path) -> None:
    answers = {**ORDINARY_FLARE, "itch": 7}
    for key in ("treatment_duration", "other_symptoms", "overall_course"):
        answers.pop(key)
    saved = tmp_path / "v1.json"
    saved.write_text(json.dumps({"tool": "dupi-triage", "questionnaire_version": "1.0",
                                 "level": "soon", "answers": answers}))  # fmt: skip
    result = json.loads(run_cli("report", str(saved), "--format", "json").out)
    assert result["level"] == "soon"
    assert any("questionnaire 1.0" in r["reason"] for r in result["level_reasons"])
    today = run_cli("assess", "--no-input", "--answers", str(saved), "--format", "json")
    assert json.loads(today.out)["level"] == "soon", "assess --answers reads it the same way"


SAVED_1_0 = PROJECT_ROOT / "tests" / "fixtures" / "saved_answers_1_0.json"


def test_answers_saved_by_the_1_0_code_load_and_never_score_lower(
    questionnaire: Questionnaire,
) -> None:
    """300 answer sets drawn at random and saved by the 1.0 code itself (`--save-answers` then
    wrote no questionnaire_version, and accepted an answer whose condition was left out), each
    with the level 1.0 gave it."""
    from dupi_triage.answers_file import read_document
    from dupi_triage.scoring import assess

    saved: dict[str, dict[str, Any]] = json.loads(SAVED_1_0.read_text(encoding="utf-8"))
    assert all("questionnaire_version" not in case["answers"] for case in saved.values())
    for name, case in saved.items():
        answers = read_document(questionnaire, case["answers"], name)
        level = assess(questionnaire, answers).level.value
        assert LEVELS.index(level) >= LEVELS.index(case["level"]), (name, level, case)


SAVED_2_1 = PROJECT_ROOT / "tests" / "fixtures" / "saved_answers_2_1.json"


@pytest.mark.parametrize("fmt", ["json", "fhir"])
@pytest.mark.parametrize("fixture", [SAVED_1_0, SAVED_2_1], ids=["1.0", "2.1"])
def test_a_result_of_older_answers_read_again_scores_the_same(
    questionnaire: Questionnaire, fixture: Path, fmt: str
) -> None:
    """A saved JSON result or FHIR response of answers saved under an older version says so,
    so `report` of it scores them as they were: never lower, never refused."""
    from dupi_triage.answers_file import read_document
    from dupi_triage.render import fhir
    from dupi_triage.render import json as json_render
    from dupi_triage.scoring import assess

    saved: dict[str, dict[str, Any]] = json.loads(fixture.read_text(encoding="utf-8"))
    for name, case in saved.items():
        first = assess(questionnaire, read_document(questionnaire, case["answers"], name))
        written = (json_render if fmt == "json" else fhir).render(questionnaire, first)
        again = assess(questionnaire, read_document(questionnaire, json.loads(written), name))
        assert again.answers == first.answers, name
        assert again.level is first.level, name


def test_a_1_0_save_with_severe_itch_and_a_pause_answer_alone_keeps_its_1_0_level(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """As 1.0 saved `assess --no-input --red-flags none --itch 8 --improved-on-pause yes`."""
    path = tmp_path / "v1.json"
    path.write_text(json.dumps({"red_flags": ["none"], "itch": 8, "improved_on_pause": "yes"}))
    for args in (("report", str(path)), ("assess", "--no-input", "--answers", str(path))):
        result = run_cli(*args, "--format", "json")
        assert result.code == 0, result.err
        assert json.loads(result.out)["level"] == "soon", "1.0 scored it soon"


@pytest.mark.parametrize(
    "spelled",
    [
        {"red_flags": ["none"], "location": ["face_neck", "scalp"], "itch": 7},
        {"red_flags": "none", "location": "face_neck,scalp", "itch": 7},
        {"red_flags": ["none"], "location": ["face_neck", "scalp"], "itch": 7, "respondent": None},
    ],
    ids=["lists", "comma-joined", "a null later question"],
)
def test_the_1_0_reading_does_not_depend_on_how_the_answers_are_spelled(
    run_cli: RunCli, tmp_path: Path, spelled: dict[str, object]
) -> None:
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(spelled))
    assert json.loads(run_cli("report", str(path), "--format", "json").out)["level"] == "soon"
    rows = tmp_path / "rows.csv"
    rows.write_text('red_flags,location,itch\nnone,"face_neck,scalp",7\n')
    batch = run_cli("batch", str(rows), "--format", "csv", "--jobs", "1")
    assert batch.out.splitlines()[1].split(",")[:2] == ["1", "soon"], "a CSV row the same"


@pytest.mark.parametrize(
    ("saved", "level"),
    [
        (
            {
                "red_flags": ["none"],
                "onset": "1_to_4_months",
                "itch": 8,
                "look": ["typical_eczema", ""],
            },
            "soon",
        ),
        ({"red_flags": ["none"], "improved_on_pause": "yes", "itch": 8}, "soon"),
        (json.loads(SAVED_2_1.read_text(encoding="utf-8"))["case_000"]["answers"], None),
    ],
    ids=["1.0 with a stray blank", "1.0 with a pause answer alone", "2.1, copd under 12"],
)
def test_older_answers_keep_their_version_beside_the_diary(
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    saved: dict[str, object],
    level: str | None,
) -> None:
    """The diary's answers under an older file took the file's version away: 1.0's floors
    went, and older answers the diary joined were refused."""
    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(tmp_path / "diary.sqlite"))
    assert run_cli("diary", "dose", "--date", "3 days ago").code == 0
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(saved))
    alone = run_cli("assess", "--no-input", "--answers", str(path), "-f", "json")
    assert alone.code == 0, alone.err
    beside = run_cli("assess", "--no-input", "--answers", str(path), "--from-diary", "-f", "json")
    assert beside.code == 0, beside.err
    expected = level or json.loads(alone.out)["level"]
    assert json.loads(alone.out)["level"] == expected
    assert json.loads(beside.out)["level"] == expected


def test_a_csv_column_may_name_the_version_and_a_null_version_is_refused(
    run_cli: RunCli, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(f"questionnaire_version,red_flags,itch\n{CURRENT_VERSION},none,7\n,none,7\n")
    batch = run_cli("batch", str(rows), "--format", "csv", "--jobs", "1")
    assert [line.split(",")[1] for line in batch.out.splitlines()[1:]] == ["routine", "soon"]
    path = tmp_path / "null.json"
    path.write_text(json.dumps({"questionnaire_version": None, "red_flags": ["none"]}))
    refused = run_cli("report", str(path))
    assert refused.code == 2
    assert "questionnaire_version: null is not a questionnaire version" in refused.err


def test_answers_naming_no_version_with_anything_1_0_never_asked_are_todays(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Only what 1.0 could have saved is read as 1.0's: a question or an option it never had
    makes them today's answers, scored (and checked) as today's."""
    today = {**ORDINARY_FLARE, "itch": 8}
    path = tmp_path / "today.json"
    path.write_text(json.dumps(today))
    result = json.loads(run_cli("report", str(path), "--format", "json").out)
    assert result["level"] == "routine"
    assert not any("questionnaire 1.0" in r["reason"] for r in result["level_reasons"])
    orphan = {"red_flags": ["none"], "look": ["hives"], "improved_on_pause": "yes"}
    path.write_text(json.dumps(orphan))
    refused = run_cli("report", str(path))
    assert refused.code == 2
    assert "dose_paused" in refused.err


def test_an_unknown_questionnaire_version_is_one_line_naming_the_known_ones(
    run_cli: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "future.json"
    path.write_text(json.dumps({"questionnaire_version": "9.0", "red_flags": ["none"]}))
    result = run_cli("report", str(path))
    assert result.code == 2
    assert "questionnaire_version" in result.err
    assert "1.0" in result.err
    assert load_questionnaire().version in result.err
    assert len(result.err.strip().splitlines()) == 1


# --- the README's table is the data's -------------------------------------------------------------


def test_the_readme_level_table_is_generated_from_the_data(run_cli: RunCli) -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- level-rules:start -->\n") + len("<!-- level-rules:start -->\n")
    end = readme.index("<!-- level-rules:end -->")
    generated = run_cli("questions", "--format", "rules")
    assert generated.code == 0
    assert readme[start:end] == generated.out


def test_every_level_rule_in_the_data_has_its_signs_or_its_function_and_the_reverse(
    questionnaire: Questionnaire,
) -> None:
    from dupi_triage.scoring.triage import RULES

    stated = {rule.id for rule in questionnaire.level_rules if rule.signs}
    assert {rule.id for rule in questionnaire.level_rules} - stated == set(RULES)
    assert not stated & set(RULES), "a rule is decided in one place"
    assert all(rule.reason for rule in questionnaire.level_rules if rule.signs)
    for rule in questionnaire.level_rules:
        assert rule.source.strip()
        assert rule.level != "emergency"


# --- advice beside an infection, new lumps, another indication (case-report review) -------------

HEAD_AND_NECK = {
    **ORDINARY_FLARE,
    "onset": "1_to_4_months",
    "location": ["face_neck", "new_areas"],
    "look": ["redness_no_scaling", "weeping_crusts"],
    "injection_pattern": "yes",
    "usual_treatment_helps": "no",
}
CREAMS = "calcineurin inhibitors such as tacrolimus"


@pytest.mark.parametrize("sign", ["painful_blisters", "spreading_infection"])
def test_beside_a_skin_infection_sign_no_creams_schedule_change_or_pause_is_suggested(
    assessed: Assess, sign: str
) -> None:
    """The answers also fit head and neck dermatitis, whose advice lists steroid and tacrolimus
    creams: not on skin that may hold eczema herpeticum or cellulitis (tacrolimus is never put
    on a viral infection). Eczema herpeticum gets the antiviral line (NICE CG57, QS44)."""
    without = " ".join(assessed({**HEAD_AND_NECK, "look": ["redness_no_scaling"]}).advice)
    assert CREAMS in without, "the same answers without the infection do list the creams"
    said = " ".join(assessed({**HEAD_AND_NECK, "red_flags": [sign]}).advice)
    for line in (CREAMS, "Reviewing the injection schedule", "pausing dupilumab"):
        assert line.lower() not in said.lower(), line
    assert ("antiviral treatment straight away" in said) is (sign == "painful_blisters")
    # The crusts are a bacterial picture: antibiotics are for it (never for a viral one alone).
    assert "antibiotics if there is one" in said


def test_new_lumps_get_no_can_often_be_managed_reassurance(assessed: Assess) -> None:
    """Nodules with skin no better after months on dupilumab may need a skin sample (SPEC,
    level; cutaneous T-cell lymphoma has been reported unmasked on dupilumab)."""
    plaques = {**ORDINARY_FLARE, "onset": "after_4_months", "look": ["thick_scaly_plaques"],
               "treatment_duration": "over_12_months", "overall_course": "worse",
               "usual_treatment_helps": "no"}  # fmt: skip
    assert "can often be managed" in " ".join(assessed(plaques).advice)
    said = " ".join(
        assessed({**plaques, "look": ["thick_scaly_plaques", "lumps_or_nodules"]}).advice
    )
    assert "can often be managed" not in said
    assert "may take a skin sample" in said


def test_for_another_indication_a_rash_is_not_called_just_eczema(assessed: Assess) -> None:
    hives = {**ORDINARY_FLARE, "indication": "urticaria", "look": ["other"],
             "location": ["widespread"]}  # fmt: skip
    said = " ".join(assessed(hives).advice)
    assert "just eczema" not in said
    assert "New rashes are worth reporting" in said
    assert "just eczema" in " ".join(assessed({**hives, "indication": "atopic_dermatitis"}).advice)
