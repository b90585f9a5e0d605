"""Who is answering (issue 14): parents of young children, clinicians, other indications, pregnancy.

The words change with the respondent, all from the data; the scoring never does, and the safety
invariants hold whoever answers and whatever the age.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.safety import WARNING_SIGNS
from dupi_triage.scoring.model import TriageLevel
from tests.conftest import ORDINARY_FLARE, PROJECT_ROOT, Assess, Render, RunCli

RESPONDENTS = ("self", "parent_or_carer", "clinician")
AGE_BANDS = ("under_2", "2_to_5", "6_to_11", "12_to_17", "adult")
HUMAN_FORMATS = ("rich", "text", "markdown", "html")
SAVED_2_0 = PROJECT_ROOT / "tests" / "fixtures" / "saved_answers_2_0.json"
SAVED_2_1 = PROJECT_ROOT / "tests" / "fixtures" / "saved_answers_2_1.json"


YOUNG = ("under_2", "2_to_5")


def _flare_at(age: str, respondent: str | None = None) -> dict[str, object]:
    """The ordinary flare, at an age: under 6 the itch scale gives way to nights woken, and
    only a person answering for themselves from 12 is asked about pregnancy. Under 6 a parent
    answers (unless `respondent` says who)."""
    respondent = respondent or ("parent_or_carer" if age in YOUNG else "self")
    answers = {**ORDINARY_FLARE, "age_band": age, "respondent": respondent}
    if age in ("under_2", "2_to_5"):
        del answers["itch"]
        answers["nights_woken_by_itch"] = 1
    if respondent != "self" or age in ("under_2", "2_to_5", "6_to_11"):
        del answers["pregnancy"]
    return answers


def _flat(text: str) -> str:
    return " ".join(text.replace("\\", "").split())


def _all_texts(questionnaire: Questionnaire) -> list[str]:
    texts = [s.intro for s in questionnaire.sections]
    texts += [level.action for level in questionnaire.levels]
    for question in questionnaire:
        texts += [question.text, question.help]
        texts += [text for o in question.options for text in (o.label, o.help)]
    texts += [text for text in questionnaire.advice if isinstance(text, str)]
    return texts


# --- the words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("respondent", "words"),
    [("self", "your prescriber"), ("parent_or_carer", "your child's prescriber"),
     ("clinician", "the patient's prescriber")],
)  # fmt: skip
def test_every_text_speaks_to_the_person_answering(
    questionnaire: Questionnaire, respondent: str, words: str
) -> None:
    voiced = questionnaire.speaking_to(respondent)
    texts = _all_texts(voiced)
    assert not any("{" in text for text in texts), "no placeholder is left unfilled"
    assert words in voiced.level("soon").action
    if respondent != "self":
        # Nothing speaks of "your" skin or treatment to a parent or a clinician.
        mine = re.compile(r"\b(your (skin|sleep|eczema|usual|first)|Have you|apply to you\b)")
        assert not [text for text in texts if mine.search(text)]


def test_the_scoring_is_the_same_whoever_answers(assessed: Assess) -> None:
    results = [assessed({**_flare_at("adult", r), "itch": 9}) for r in RESPONDENTS]
    assert {(r.level, r.pattern.id, r.drug_link.score) for r in results} == {
        (results[0].level, results[0].pattern.id, results[0].drug_link.score)
    }


def test_no_text_assumes_an_injection_every_two_weeks(questionnaire: Questionnaire) -> None:
    for respondent in RESPONDENTS:
        for text in _all_texts(questionnaire.speaking_to(respondent)):
            assert not re.search(r"every (two|2) weeks|fortnight", text, re.I), text


# --- a clinician with flags ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_clinicians_flagged_run_gets_clinical_wording(run_cli: RunCli, fmt: str) -> None:
    result = run_cli(
        "assess", "--no-input", "--respondent", "clinician", "--age-band", "adult",
        "--red-flags", "none", "--onset", "1-to-4-months", "--look", "thick-scaly-plaques",
        "--usual-treatment-helps", "no", "--format", fmt,
    )  # fmt: skip
    assert result.code == 0, result.err
    shown = _flat(html.unescape(re.sub(r"<[^>]+>", " ", result.out)))
    assert "Contact the patient's prescriber within 1 to 3 days" in shown
    if fmt != "html":  # the HTML report's answers table stands in for that list
        assert "What to tell the patient's prescriber" in shown
    assert "your prescriber" not in shown


# --- young children ------------------------------------------------------------------------------


@pytest.mark.parametrize("age", ["under_2", "2_to_5"])
def test_under_6_the_itch_scale_is_not_applicable_and_nights_woken_is_asked(
    questionnaire: Questionnaire, assessed: Assess, age: str
) -> None:
    result = assessed({"red_flags": ["none"], "age_band": age})
    assert "itch" not in result.missing
    assert "itch" in result.not_applicable
    assert "nights_woken_by_itch" in result.missing


@pytest.mark.parametrize(("nights", "level"), [(4, "routine"), (5, "soon"), (7, "soon")])
def test_five_or_more_nights_woken_counts_as_a_severe_impact(
    assessed: Assess, nights: int, level: str
) -> None:
    result = assessed({**_flare_at("2_to_5"), "nights_woken_by_itch": nights})
    assert result.level.value == level
    if level == "soon":
        assert any(r.question == "nights_woken_by_itch" for r in result.level_reasons)


def test_the_itch_scale_for_a_toddler_is_refused_naming_the_age(run_cli: RunCli) -> None:
    result = run_cli("assess", "--no-input", "--age-band", "2-to-5", "--itch", "6")
    assert result.code == 2
    assert "--itch" in result.err
    assert "--age-band" in result.err


def test_the_nappy_area_is_offered_and_accepted_only_for_young_children(
    questionnaire: Questionnaire, assessed: Assess, run_cli: RunCli
) -> None:
    location = questionnaire.question("location")
    assert "nappy_area" in [o.id for o in location.offered({"age_band": "under_2"})]
    assert "nappy_area" not in [o.id for o in location.offered({"age_band": "adult"})]
    result = assessed({"age_band": "under_2", "location": ["nappy_area"]})
    assert result.answers.choices("location") == ("nappy_area",)
    refused = run_cli("assess", "--no-input", "--age-band", "adult", "--location", "nappy-area")
    assert refused.code == 2
    assert "nappy_area" in refused.err


def test_a_childhood_infection_is_another_cause_for_naranjo_item_5(assessed: Assess) -> None:
    result = assessed(
        {**_flare_at("2_to_5"), "look": ["bumps_or_pustules"],
         "alternative_causes": ["childhood_infection"]}
    )  # fmt: skip
    item = next(i for i in result.drug_link.items if i.item == "alternative_causes")
    assert item.points == -1


# --- indications ---------------------------------------------------------------------------------


def test_for_eczema_an_ordinary_flare_is_still_an_ordinary_flare(assessed: Assess) -> None:
    result = assessed({**ORDINARY_FLARE, "indication": "atopic_dermatitis"})
    assert result.pattern.id == "eczema_flare"


@pytest.mark.parametrize(
    "indication",
    ["asthma", "nasal_polyps", "eoe", "prurigo_nodularis", "copd", "urticaria", "pemphigoid",
     "other"],
)  # fmt: skip
def test_for_another_indication_there_is_no_ordinary_eczema_flare(
    questionnaire: Questionnaire, assessed: Assess, render_as: Render, indication: str
) -> None:
    result = assessed({**ORDINARY_FLARE, "indication": indication})
    assert result.pattern.id != "eczema_flare"
    assert "eczema_flare" not in result.pattern.also_consistent_with
    item = next(i for i in result.drug_link.items if i.item == "alternative_causes")
    assert "eczema itself" not in item.reason
    label = questionnaire.question("indication").option(indication).label
    said = _flat(render_as(result, "text"))
    assert f"What dupilumab is for: {label}. dupi-triage is built for rashes during" in said


UNCONTROLLED_ECZEMA_LOOK = {**ORDINARY_FLARE, "onset": "unsure", "usual_treatment_helps": "no"}


@pytest.mark.parametrize("indication", ["asthma", "urticaria", "other"])
def test_for_another_indication_nothing_speaks_of_the_usual_eczema(
    assessed: Assess, render_as: Render, indication: str
) -> None:
    """Spec, `about`: the "as usual" wording is for atopic dermatitis only. Someone on dupilumab
    for asthma is asked about eczema-like patches, not "my usual eczema", and is not told that
    stopping causes an eczema flare: it is their asthma that may come back."""
    eczema = _flat(render_as(assessed(UNCONTROLLED_ECZEMA_LOOK), "text"))
    other = _flat(
        render_as(assessed({**UNCONTROLLED_ECZEMA_LOOK, "indication": indication}), "text")
    )
    assert "like my usual eczema" in eczema
    assert "a rebound flare of eczema" in eczema
    assert "the usual treatments do not help it" in eczema
    for words in ("usual eczema", "eczema usually", "rebound flare of eczema", "usual treatment"):
        assert words not in other, words
    assert "Itchy, dry, rough patches like eczema" in other
    assert "the condition it treats to flare up again" in other
    assert "skin treatments do not help it" in other


def test_the_questions_after_the_indication_use_its_words(questionnaire: Questionnaire) -> None:
    """Interactive: the indication is answered first, and the later questions read for it."""
    from tests.test_prompts import walk

    preset = {
        k: v for k, v in ORDINARY_FLARE.items() if k not in ("indication", "usual_treatment_helps")
    }
    own_words = {"anything_else": ""}
    treatments = questionnaire.question("usual_treatment_helps")
    for keys, expected, not_expected in (
        ("\x1b[B\r", "prescribed for your skin", treatments.help),  # asthma
        ("1\r", treatments.help, "prescribed for your skin"),  # eczema
    ):
        walked = walk(questionnaire, {**preset, **own_words}, keys + "1\r" + "\r")
        assert not walked.interrupted, walked.screen
        screen = _flat(walked.screen)
        assert _flat(expected) in screen
        assert _flat(not_expected) not in screen


@pytest.mark.parametrize(("indication", "steroids"), [("asthma", True), ("copd", True),
                                                      ("nasal_polyps", True),
                                                      ("atopic_dermatitis", False)])  # fmt: skip
def test_for_another_indication_the_advice_says_not_to_stop_steroids_suddenly(
    assessed: Assess, indication: str, steroids: bool
) -> None:
    """Spec, `about` (2.2): every indication other than atopic dermatitis, emergencies too."""
    for answers in (ORDINARY_FLARE, {"red_flags": ["breathing_or_swelling"]}):
        said = " ".join(assessed({**answers, "indication": indication}).advice)
        assert ("never stop them suddenly" in said) is steroids


def test_with_chronic_hives_hives_alone_are_not_the_days_later_sign(
    questionnaire: Questionnaire,
) -> None:
    red_flags = questionnaire.question("red_flags")
    assert "chronic hives" in red_flags.option("hives_joints_after_dose").help
    assert (
        "within about 2 hours of an injection"
        in red_flags.option("faint_or_widespread_hives").label
    )


def test_with_pemphigoid_its_usual_blisters_are_not_painful_blisters_but_sores_still_count(
    questionnaire: Questionnaire, assessed: Assess
) -> None:
    red_flags = questionnaire.question("red_flags")
    assert "pemphigoid" in red_flags.option("painful_blisters").help
    assert "pemphigoid" in red_flags.option("sores_or_peeling").help
    result = assessed({"indication": "pemphigoid", "red_flags": ["sores_or_peeling"]})
    assert result.level is TriageLevel.EMERGENCY


def test_the_tool_says_up_front_what_it_is_built_for(questionnaire: Questionnaire) -> None:
    first = questionnaire.section(questionnaire.questions[0].section)
    assert "built for rashes during dupilumab treatment for eczema" in first.intro
    assert "applies to everyone" in first.intro


# --- pregnancy -----------------------------------------------------------------------------------


def test_a_pregnant_adult_with_itch_is_told_to_tell_the_maternity_team_and_not_to_stop(
    assessed: Assess,
) -> None:
    result = assessed({**ORDINARY_FLARE, "respondent": "self", "age_band": "adult",
                       "pregnancy": "pregnant", "itch": 6})  # fmt: skip
    said = " ".join(result.advice)
    assert "midwife or maternity team promptly" in said
    assert "pausing dupilumab" not in said
    assert "Do not stop, skip or change dupilumab" in said
    assert result.level is TriageLevel.ROUTINE, "pregnancy is never scored"


@pytest.mark.parametrize("pregnancy", ["pregnant", "breastfeeding"])
def test_in_pregnancy_even_an_uncontrolled_drug_reaction_lists_no_pause_of_dupilumab(
    assessed: Assess, pregnancy: str
) -> None:
    """A facial-redness reaction the usual treatment does not help lists "pausing dupilumab
    under supervision" for the prescriber; in pregnancy that is theirs to raise, not ours."""
    reaction = {
        **ORDINARY_FLARE,
        "onset": "1_to_4_months",
        "location": ["face_neck", "new_areas"],
        "look": ["redness_no_scaling"],
        "usual_treatment_helps": "no",
        "itch": 8,
    }
    assert "pausing dupilumab" in " ".join(assessed({**reaction, "pregnancy": "neither"}).advice)
    result = assessed({**reaction, "pregnancy": pregnancy})
    said = " ".join(result.advice)
    assert "pausing dupilumab" not in said
    assert ("midwife or maternity team" in said) is (pregnancy == "pregnant")
    assert result.level.value == assessed({**reaction, "pregnancy": "neither"}).level.value


@pytest.mark.parametrize(
    "answers",
    [{"pregnancy": "breastfeeding", "itch": 6}, {"pregnancy": "pregnant", "itch": 0}],
)
def test_the_midwife_line_is_only_for_itch_in_pregnancy(
    assessed: Assess, answers: dict[str, object]
) -> None:
    adult = {**ORDINARY_FLARE, "respondent": "self", "age_band": "adult"}
    said = " ".join(assessed({**adult, **answers}).advice)
    assert "midwife" not in said


def test_pregnancy_is_asked_whoever_answers_from_12(questionnaire: Questionnaire) -> None:
    """Spec, `about` (2.2): for every respondent when the person with the rash is 12 or over."""
    pregnancy = questionnaire.question("pregnancy")
    assert pregnancy.when is not None
    for respondent in ("self", "parent_or_carer", "clinician"):
        for age in ("12_to_17", "adult"):
            assert pregnancy.when.state({"respondent": respondent, "age_band": age}) is True
        assert pregnancy.when.state({"respondent": respondent, "age_band": "6_to_11"}) is False


# --- the 2.0 safety invariants hold for every respondent and age ----------------------------------


@pytest.mark.parametrize(
    ("age", "respondent"),
    # Every pair a person can give: a child under 6 does not answer for themselves.
    [(a, r) for a in AGE_BANDS for r in RESPONDENTS if not (r == "self" and a in YOUNG)],
)
def test_each_warning_sign_keeps_its_level_and_dose_advice_for_everyone(
    assessed: Assess, render_as: Render, respondent: str, age: str
) -> None:
    for flag, pinned in WARNING_SIGNS.items():
        result = assessed({"red_flags": [flag], "respondent": respondent, "age_band": age})
        assert result.level.value == pinned.level, flag
        said = " ".join(result.advice).lower()
        assert "prescriber" in said or "clinician" in said
        if pinned.hold_next_dose:
            assert "do not inject the next" in said
            assert "do not stop" not in said
    routine = assessed(_flare_at(age, respondent))
    assert routine.level is TriageLevel.ROUTINE
    assert "Act at once if a warning sign appears" in _flat(render_as(routine, "text"))


# --- answers saved before this change -------------------------------------------------------------


LEVELS = ("routine", "soon", "urgent", "emergency")


@pytest.mark.parametrize("fixture", [SAVED_2_0, SAVED_2_1], ids=["2.0", "2.1"])
def test_answers_saved_under_2_0_and_2_1_load_and_never_score_lower(
    run_cli: RunCli, tmp_path: Path, fixture: Path
) -> None:
    """Scored by the code of questionnaire 2.0 and 2.1 (see the fixtures); 2.2 changed how the
    drug-link items 1 and 5 count, so the score and pattern may change, never the level down."""
    saved: dict[str, dict[str, Any]] = json.loads(fixture.read_text(encoding="utf-8"))
    for name, case in saved.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(case["answers"]))
        for args in (("report", str(path)), ("assess", "--no-input", "--answers", str(path))):
            result = run_cli(*args, "--format", "json")
            assert result.code == 0, (name, result.err)
            now = json.loads(result.out)
            assert LEVELS.index(now["level"]) >= LEVELS.index(case["level"]), (name, now)


# --- a parent of a three-year-old, in a real terminal ---------------------------------------------

DOWN = "\x1b[B"
ENTER = "\r"
SPACE = " "


def test_a_parent_of_a_three_year_old_hears_your_child_throughout_and_is_asked_nights_woken(
    questionnaire: Questionnaire,
) -> None:
    flags = [
        "--red-flags", "none", "--onset", "1-to-4-months", "--injection-pattern", "no",
        "--look", "typical-eczema", "--other-symptoms", "none", "--dose-paused", "no",
        "--usual-treatment-helps", "yes", "--overall-course", "better",
        "--alternative-causes", "none", "--confirmed-by-clinician", "no",
    ]  # fmt: skip
    transcript = io.StringIO()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "dupi_triage", "assess", *flags, "--format", "text"],
        env={**env, "TERM": "xterm", "COLUMNS": "100", "LINES": "40"},
        cwd=str(PROJECT_ROOT),
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=90,
    )
    child.logfile_read = transcript
    none_risk = questionnaire.question("risk_factors").option_ids.index("none")
    steps = [
        ("Who is answering", DOWN + ENTER),  # a parent or carer
        ("How old is your child, or the person you look after", DOWN + ENTER),  # 2 to 5 years
        ("prescribed for", "1" + ENTER),  # eczema
        ("How long has your child been on dupilumab", DOWN + ENTER),
        ("Where my child's eczema usually is", SPACE + ENTER),
        ("wake your child", "6" + ENTER),
        ("affecting your child's sleep", DOWN + ENTER),
        ("Has your child had a reaction", DOWN + ENTER),
        ("apply to your child", DOWN * none_risk + SPACE + ENTER),
        ("your child's prescriber should know", ENTER),  # nothing to add
        ("Review your answers", ENTER),
    ]
    try:
        for shown, keys in steps:
            child.expect(re.escape(shown))
            child.send(keys)
        if child.expect(["Save this report", pexpect.EOF]) == 0:
            child.send(ENTER)  # no file this time
            child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    screen = " ".join(transcript.getvalue().split())
    assert child.exitstatus == 0, screen[-2000:]
    assert "How bad was the itch" not in screen
    assert "The nappy area" in screen
    assert "Contact your child's prescriber within 1 to 3 days" in screen
    assert "What to tell your child's prescriber" in screen
    assert "Nights woken by itch: 6" in screen


def test_an_age_that_takes_out_the_only_place_picked_asks_for_the_place_again(
    questionnaire: Questionnaire,
) -> None:
    """The nappy area was given, then the age says 18 or older: the place is taken out, the
    person is told why, and "Where" is asked again (it used to end in a traceback)."""
    from tests.test_prompts import walk

    offered = questionnaire.question("age_band").offered({"respondent": "self"})
    adult = [o.id for o in offered].index("adult")
    keys = "1\r" + "\x1b[B" * adult + "\r" + "\x03"  # I am the person with the rash; 18 or older
    walked = walk(questionnaire, {"red_flags": ["none"], "location": ["nappy_area"]}, keys)
    assert walked.interrupted  # stopped with Ctrl-C at the next question, not by an error
    assert "location" not in walked.answers
    assert walked.answers.get("age_band") == "adult"
    screen = _flat(walked.screen)
    assert "'The nappy area' was taken out of 'Where'" in screen
    assert "The question will be asked again." in screen


def test_a_child_under_6_does_not_answer_for_themselves(
    questionnaire: Questionnaire, run_cli: RunCli
) -> None:
    age = questionnaire.question("age_band")
    assert [o.id for o in age.offered({"respondent": "self"})] == ["6_to_11", "12_to_17", "adult"]
    assert [o.id for o in age.offered({"respondent": "parent_or_carer"})] == list(AGE_BANDS)
    refused = run_cli("assess", "--no-input", "--respondent", "self", "--age-band", "under-2")
    assert refused.code == 2
    assert "--age-band" in refused.err
    assert "respondent" in refused.err


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_carer_of_an_adult_is_not_told_about_their_child(
    assessed: Assess, render_as: Render, fmt: str
) -> None:
    """ "A parent or carer, for a child or someone I look after": for an adult, not "your child"."""
    result = assessed(_flare_at("adult", "parent_or_carer"))
    said = _flat(html.unescape(render_as(result, fmt)))
    assert not re.search(r"(your|my) child|has your child", said, re.I)
    assert "contact their prescriber if it has not settled within two weeks" in said
    teen = _flat(render_as(assessed(_flare_at("12_to_17", "parent_or_carer")), fmt))
    assert "your child's prescriber" in html.unescape(teen)


def test_the_warning_signs_say_up_front_that_usual_hives_or_blisters_are_not_signs(
    questionnaire: Questionnaire,
) -> None:
    """They are asked before the indication, and a sign's own help shows only under the cursor:
    the question's help, printed above the list, says it for everyone."""
    help_text = questionnaire.question("red_flags").help
    assert "With chronic hives or pemphigoid, the usual hives or blisters alone" in help_text


def test_the_count_goes_on_when_an_age_swaps_the_itch_scale_for_nights_woken(
    questionnaire: Questionnaire,
) -> None:
    """2.0 answers with an itch score, then a parent of a 3-year-old: the itch answer is dropped
    and nights woken added, and the count still goes up one at a time ("18 of 20" twice, before)."""
    from tests.test_prompts import walk

    saved = json.loads(SAVED_2_0.read_text())["ordinary_flare"]["answers"]
    assert "itch" in saved
    keys = "\x1b[B\r" * 2 + "1\r" + "\x03"  # a parent or carer; 2 to 5 years; eczema; stop
    walked = walk(questionnaire, saved, keys)
    drawn = [(int(n), int(t)) for n, t in re.findall(r"Question (\d+) of (\d+)\.", walked.screen)]
    # A prompt draws its progress line as it opens and again once answered: one count each.
    counts = [count for i, count in enumerate(drawn) if i == 0 or count != drawn[i - 1]]
    numbers = [n for n, _ in counts]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), counts
    assert "1 follow-up question added by your last answer" in _flat(walked.screen)
    assert "itch" not in walked.answers
