"""Scoring: the spec's safety rules, one test each, then its triage policy rule by rule.

Answer sets here are written as an answers file would hold them, so each test reads as what a
person answered.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.render.json import assessment_to_dict
from dupi_triage.scoring import assess
from dupi_triage.scoring.model import Assessment, TriageLevel
from tests.conftest import ALL_FORMATS, ORDINARY_FLARE, Assess, Render, RunCli, run_module
from tests.test_questionnaire import EMERGENCY_FLAGS as SPEC_EMERGENCY_FLAGS
from tests.test_questionnaire import URGENT_FLAGS as SPEC_URGENT_FLAGS

LEVELS = ["routine", "soon", "urgent", "emergency"]
EMERGENCY_FLAGS = sorted(SPEC_EMERGENCY_FLAGS)
URGENT_FLAGS = sorted(SPEC_URGENT_FLAGS)
DRUG_REACTION_PATTERNS = ["facial_redness", "psoriasiform", "seborrheic_like", "injection_site"]

# A rash that looks like a reaction to the medicine, with nothing else flagged: a drug link of
# 3 ("possible") once a look is added, treatment only partly helping.
DRUG_REACTION_BASE: dict[str, object] = {
    "red_flags": ["none"],
    "onset": "1_to_4_months",
    "injection_pattern": "unsure",
    "itch": 4,
    "impact": "some",
    "dose_paused": "no",
    "usual_treatment_helps": "partly",
    "alternative_causes": ["unsure"],
    "similar_before": "no",
    "confirmed_by_clinician": "no",
    "risk_factors": ["none"],
}

# Pattern id -> (what the person answered on top of DRUG_REACTION_BASE, the supporting answers).
PATTERN_CASES: dict[str, tuple[dict[str, object], set[tuple[str, str]]]] = {
    "facial_redness": (
        {"location": ["face_neck"], "look": ["redness_no_scaling"]},
        {
            ("look", "redness_no_scaling"),
            ("location", "face_neck"),
            ("onset", "1_to_4_months"),
            # a face rash after starting that the usual treatments only partly help: a key too
            ("usual_treatment_helps", "partly"),
        },
    ),
    "psoriasiform": (
        {"location": ["new_areas"], "look": ["thick_scaly_plaques"]},
        {("look", "thick_scaly_plaques"), ("location", "new_areas"), ("onset", "1_to_4_months")},
    ),
    "seborrheic_like": (
        {"location": ["scalp"], "look": ["greasy_yellow_scale"]},
        {("look", "greasy_yellow_scale"), ("location", "scalp"), ("onset", "1_to_4_months")},
    ),
    "injection_site": (
        {"location": ["injection_site"], "look": ["injection_site_reaction"]},
        {("look", "injection_site_reaction"), ("location", "injection_site")},
    ),
    "conjunctivitis": (
        {"location": ["face_neck"], "look": ["red_itchy_eyes"]},
        {("look", "red_itchy_eyes"), ("location", "face_neck")},
    ),
    "possible_infection": (
        {
            "location": ["usual_eczema_areas"],
            "look": ["bumps_or_pustules"],
            "alternative_causes": ["recent_infection"],
        },
        {("look", "bumps_or_pustules"), ("alternative_causes", "recent_infection")},
    ),
    "eczema_flare": (
        dict(ORDINARY_FLARE),
        {
            ("look", "typical_eczema"),
            ("location", "usual_eczema_areas"),
            ("onset", "before_starting"),
            ("usual_treatment_helps", "yes"),
            ("alternative_causes", "stress_or_sleep"),
        },
    ),
    "unclear": ({"location": ["new_areas"], "look": ["other"]}, set()),
}

# Every Naranjo item scoring its most: 11 of the 13 points (items 6 and 7 cannot be answered).
DEFINITE: dict[str, object] = {
    "red_flags": ["none"],
    "onset": "within_4_weeks",
    "injection_pattern": "yes",
    "location": ["face_neck"],
    "look": ["redness_no_scaling"],
    "itch": 5,
    "impact": "some",
    "dose_paused": "yes",
    "improved_on_pause": "yes",
    "returned_on_restart": "yes",
    "usual_treatment_helps": "no",
    "alternative_causes": ["none"],
    "similar_before": "yes",
    "confirmed_by_clinician": "yes",
    "risk_factors": ["other_skin_conditions"],
}
DEFINITE_ITEMS = {
    "known_reaction": 1,
    "timing": 2,
    "dechallenge": 1,
    "rechallenge": 2,
    "alternative_causes": 2,
    "placebo": 0,
    "drug_levels": 0,
    "dose_response": 1,
    "previous_reaction": 1,
    "objective_evidence": 1,
}
# A rash that was there before dupilumab, did not ease on a pause and has other causes.
DOUBTFUL: dict[str, object] = {
    "red_flags": ["none"],
    "onset": "before_starting",
    "injection_pattern": "no",
    "location": ["usual_eczema_areas"],
    "look": ["typical_eczema"],
    "itch": 5,
    "impact": "some",
    "dose_paused": "yes",
    "improved_on_pause": "no",
    "returned_on_restart": "no",
    "usual_treatment_helps": "yes",
    "alternative_causes": ["new_medicine", "weather_or_sweat"],
    "similar_before": "no",
    "confirmed_by_clinician": "no",
    "risk_factors": ["none"],
}
DOUBTFUL_ITEMS = {
    "known_reaction": 0,
    "timing": -1,
    "dechallenge": 0,
    "rechallenge": -1,
    "alternative_causes": -1,
    "placebo": 0,
    "drug_levels": 0,
    "dose_response": 0,
    "previous_reaction": 0,
    "objective_evidence": 0,
}

# One answer set per level, and the unscreened case: the advice must hold for each.
OUTCOMES: dict[str, dict[str, object]] = {
    "routine": dict(ORDINARY_FLARE),
    "soon": {**ORDINARY_FLARE, "itch": 9},
    "soon_not_screened": {k: v for k, v in ORDINARY_FLARE.items() if k != "red_flags"},
    "urgent": {**ORDINARY_FLARE, "red_flags": ["eye_pain_or_vision"]},
    "urgent_hold": {**ORDINARY_FLARE, "red_flags": ["fever_or_unwell"]},
    "emergency": {"red_flags": ["breathing_or_swelling"]},
    "emergency_with_everything": {**DEFINITE, "red_flags": ["faint_or_widespread_hives"]},
}


def _with(base: Mapping[str, object], **changes: object) -> dict[str, object]:
    return {**base, **changes}


def _without(base: Mapping[str, object], *question_ids: str) -> dict[str, object]:
    return {k: v for k, v in base.items() if k not in question_ids}


def _rank(assessment: Assessment) -> int:
    return LEVELS.index(assessment.level.value)


def _items(assessment: Assessment) -> dict[str, int]:
    return {item.item: item.points for item in assessment.drug_link.items}


def _spec_category(score: int) -> str:
    if score >= 9:
        return "definite"
    if score >= 5:
        return "probable"
    if score >= 1:
        return "possible"
    return "doubtful"


# =================================================================================================
# Safety rules (spec, "Safety rules (never broken, tested)"), one test each
# =================================================================================================


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_rule1_unanswered_red_flags_are_reported_as_not_screened_and_never_below_soon(
    questionnaire: Questionnaire, assessed: Assess, render_as: Render, fmt: str
) -> None:
    screened = assessed(ORDINARY_FLARE)
    silent = assessed(_without(ORDINARY_FLARE, "red_flags"))

    assert screened.level.value == "routine"
    assert silent.level.value == "soon"
    assert silent.red_flags_screened is False
    assert "red_flags" in silent.missing
    document = assessment_to_dict(questionnaire, silent)
    assert document["red_flags_screened"] is False

    shown = " ".join(render_as(silent, fmt).split())
    if fmt in ("json", "fhir"):
        assert "warning signs were not checked" in shown.lower()
        return
    warning = "WARNING SIGNS WERE NOT CHECKED"
    assert warning in shown, "the not-screened warning is missing"
    assert shown.index(warning) < shown.lower().index("pattern"), "the warning is not prominent"
    assert warning not in " ".join(render_as(screened, fmt).split())


def test_rule2_emergency_red_flags_give_emergency_and_urgent_ones_at_least_urgent(
    assessed: Assess,
) -> None:
    backgrounds: list[dict[str, object]] = [
        {},
        dict(ORDINARY_FLARE),
        dict(DEFINITE),
        dict(DOUBTFUL),
        _with(ORDINARY_FLARE, itch=0, impact="none", usual_treatment_helps="yes"),
    ]
    for background in backgrounds:
        for flag in EMERGENCY_FLAGS:
            for extra in ([], URGENT_FLAGS[:1], URGENT_FLAGS):
                result = assessed(_with(background, red_flags=[flag, *extra]))
                assert result.level.value == "emergency", (flag, extra, background)
        for flag in URGENT_FLAGS:
            result = assessed(_with(background, red_flags=[flag]))
            assert result.level.value == "urgent", (flag, background)
            assert flag in result.red_flags


FORBIDDEN_ADVICE = re.compile(
    r"\bignore\b|no need to|nothing to worry|"
    r"\b(you can|you may|it is safe to|it's safe to|ok to|okay to|feel free to) "
    r"(stop|skip|pause|change|reduce|ignore)|"
    r"\bstop (taking|using|your) (dupilumab|dupixent|the medicine|injections)",
    re.IGNORECASE,
)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_rule3_every_outcome_says_contact_the_prescriber_and_never_to_stop_alone(
    questionnaire: Questionnaire, assessed: Assess, render_as: Render, outcome: str, fmt: str
) -> None:
    assessment = assessed(OUTCOMES[outcome])
    assert assessment.level.value == outcome.split("_")[0]

    advice = assessment.advice
    # What to do comes first; only a settled flare leads with the self-care that works (spec).
    contact = next(i for i, line in enumerate(advice) if assessment.action in line)
    assert contact == (1 if assessment.pattern.id == "eczema_flare" and outcome == "routine" else 0)
    assert "prescriber" in advice[contact].lower(), "what to do must name the prescriber"
    if contact == 0:
        assert assessment.action == questionnaire.level(assessment.level.value).action
    shown = " ".join(render_as(assessment, fmt).split())
    assert "prescriber" in shown
    if assessment.hold_next_dose:
        # The label's exception: a hypersensitivity sign means no further dose until a clinician
        # has said it is safe, and nothing beside it says "do not stop".
        assert questionnaire.advice.hold_next_dose in advice
        assert questionnaire.advice.hold_next_dose in shown.replace("\\", "")
        assert not re.search(r"\bdo not stop\b", shown, re.I), f"{fmt} says do not stop"
    else:
        do_not_stop = [line for line in advice if re.search(r"\bdo not stop\b", line, re.I)]
        assert do_not_stop, "the advice must say not to stop dupilumab alone"
        assert do_not_stop[0] in shown.replace("\\", ""), f"{fmt} drops the do-not-stop advice"
    found = FORBIDDEN_ADVICE.search(shown)
    assert found is None, f"{fmt} says {found.group(0)!r}" if found else ""


@pytest.mark.parametrize("fmt", ALL_FORMATS)
@pytest.mark.parametrize("pattern_id", list(PATTERN_CASES))
def test_rule4_results_say_consistent_with_and_carry_a_not_a_diagnosis_statement(
    questionnaire: Questionnaire, assessed: Assess, render_as: Render, pattern_id: str, fmt: str
) -> None:
    answers, _ = PATTERN_CASES[pattern_id]
    assessment = assessed(_with(DRUG_REACTION_BASE, **answers))
    assert assessment.pattern.id == pattern_id
    label = questionnaire.pattern(pattern_id).label.lower()
    assert "consistent with" in assessment.tell_your_prescriber[-1]

    lowered = " ".join(render_as(assessment, fmt).split()).replace("\\_", "_").lower()
    assert "not a diagnosis" in lowered, f"{fmt} lacks the not-a-diagnosis statement"
    if fmt != "fhir":  # FHIR codes the pattern; its item text says "most consistent with"
        assert f"consistent with {label}" in lowered, fmt
    else:
        assert "consistent with" in lowered
    for claim in (f"you have {label}", f"this is {label}", "diagnosed with", "diagnosis:"):
        assert claim not in lowered, f"{fmt} says {claim!r}"


def test_rule5_same_answers_same_result_and_every_contribution_explained(
    questionnaire: Questionnaire, answers_from: Callable[[Mapping[str, object]], Any]
) -> None:
    answers = answers_from(_with(DEFINITE, itch=8, location=["face_neck", "widespread"]))
    first = assessment_to_dict(questionnaire, assess(questionnaire, answers))
    second = assessment_to_dict(questionnaire, assess(questionnaire, answers))
    assert first == second

    contributions = first["contributions"]
    for contribution in contributions:
        assert contribution["reason"].strip(), contribution
    for item in first["drug_link"]["items"]:
        if item["points"]:
            assert any(
                c["question"] == item["question"]
                and c["points"] == item["points"]
                and "drug_link" in c["effect"]
                for c in contributions
            ), f"drug-link item {item['item']} ({item['points']:+d}) is not explained"
    for reason in first["level_reasons"]:
        assert any(
            c["question"] == reason["question"]
            and c["answer"] == reason["answer"]
            and "level" in c["effect"]
            for c in contributions
        ), f"the level reason {reason} is not listed"
    for support in first["pattern_support"]:
        assert any(
            c["question"] == support["question"]
            and c["answer"] == support["answer"]
            and first["pattern"] in c["effect"]
            for c in contributions
        ), f"the pattern evidence {support} is not listed"
    assert (
        sum(c["points"] for c in contributions if "drug_link" in c["effect"])
        == (first["drug_link"]["score"])
    )


def test_rule5_same_answers_give_the_same_json_in_separate_processes(tmp_path: Path) -> None:
    """Hash randomisation must not change anything: multi-choice sets, ties, ordering."""
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(
        json.dumps(_with(DEFINITE, look=["thick_scaly_plaques", "greasy_yellow_scale"]))
    )
    outputs = [
        run_module(
            "assess", "--no-input", "--answers", str(answers_file), "--format", "json",
            env={"PYTHONHASHSEED": seed},
        )
        for seed in ("1", "2")
    ]  # fmt: skip
    assert [result.returncode for result in outputs] == [0, 0], outputs[0].stderr
    assert json.loads(outputs[0].stdout) == json.loads(outputs[1].stdout)


NETWORK_PROBE = """
import json, sys
events = []

def hook(event, args):
    if event.split(".")[0] in {"socket", "http", "urllib", "ftplib", "smtplib", "webbrowser"}:
        events.append(event)

sys.addaudithook(hook)
from dupi_triage.cli import main
from dupi_triage.render import DOCUMENT_FORMATS

folder = sys.argv[1]
flags = ["--no-input", "--red-flags", "none", "--onset", "1_to_4_months",
         "--look", "redness_no_scaling", "--location", "face_neck"]
codes = {"rich": main(["assess", *flags, "--save-answers", folder + "/answers.json"])}
for fmt in DOCUMENT_FORMATS:
    try:
        codes[fmt] = main(["assess", *flags, "--format", fmt, "--output", folder + "/r." + fmt])
    except ImportError as error:
        codes[fmt] = "unavailable: " + str(error)
codes["report"] = main(["report", folder + "/answers.json", "--format", "text"])
codes["questions"] = main(["questions", "--format", "json"])
network = sorted(
    name for name in sys.modules
    if name.split(".")[0] in {"socket", "ssl", "http", "ftplib", "smtplib", "imaplib", "poplib",
                              "xmlrpc", "webbrowser", "requests", "urllib3", "httpx", "aiohttp"}
    or name in {"urllib.request", "urllib.error", "urllib.response", "_socket", "_ssl"}
)
with open(folder + "/probe.json", "w") as handle:
    json.dump({"codes": codes, "events": events, "network": network}, handle)
"""


def test_rule6_a_non_interactive_run_imports_no_network_module_and_opens_no_socket(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", NETWORK_PROBE, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads((tmp_path / "probe.json").read_text())
    assert probe["network"] == [], f"network modules imported: {probe['network']}"
    assert probe["events"] == [], f"network activity: {probe['events']}"
    ran = {fmt: code for fmt, code in probe["codes"].items() if code != 0}
    assert all(str(code).startswith("unavailable") for code in ran.values()), ran


def test_rule6_report_and_answers_files_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    """Even with a umask of 0, where a plain open() would make the files world-readable."""
    report, saved = tmp_path / "report.md", tmp_path / "answers.json"
    flags = ["assess", "--no-input", "--red-flags", "none", "--onset", "within-4-weeks"]
    files = ["--output", str(report), "--save-answers", str(saved)]

    def permissive() -> None:
        os.umask(0)

    first = run_module(*flags, *files, preexec_fn=permissive)
    assert first.returncode == 0, first.stderr
    for path in (report, saved):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

    for path in (report, saved):
        path.chmod(0o666)
    again = run_module(*flags, *files, "--force", preexec_fn=permissive)
    assert again.returncode == 0, again.stderr
    for path in (report, saved):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} after --force"
    assert not [p.name for p in tmp_path.iterdir() if p.name not in {"report.md", "answers.json"}]


TRIAL_FIGURES = re.compile(
    r"sanctuary|chronos|liberty|pooled safety|\d\s*%|\d\s*per\s*cent|~\s*\d|up to 10",
    re.IGNORECASE,
)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
@pytest.mark.parametrize("case", ["facial_redness", "eczema_flare", "injection_site"])
def test_rule7_no_output_shows_per_trial_names_or_figures(
    assessed: Assess, render_as: Render, fmt: str, case: str
) -> None:
    answers, _ = PATTERN_CASES[case]
    shown = render_as(assessed(_with(DRUG_REACTION_BASE, **answers)), fmt)
    found = TRIAL_FIGURES.search(shown)
    assert found is None, f"{fmt} shows {found.group(0)!r}" if found else ""


@pytest.mark.parametrize(
    "args",
    [["questions"], ["questions", "--format", "json"], ["--help"], ["assess", "--help"]],
)
def test_rule7_the_question_listings_and_help_show_no_per_trial_figures(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = run_cli(*args)
    assert result.code == 0, result.err
    found = TRIAL_FIGURES.search(result.out)
    assert found is None, f"{args} shows {found.group(0)!r}" if found else ""


# =================================================================================================
# Triage policy (spec, "Scoring contract", `level`)
# =================================================================================================


def test_emergency_red_flag_wins_over_everything(assessed: Assess) -> None:
    everything = _with(DEFINITE, itch=10, impact="severe", location=["widespread"])
    for flag in EMERGENCY_FLAGS:
        result = assessed(_with(everything, red_flags=[flag, *URGENT_FLAGS]))
        assert result.level.value == "emergency"
        assert set(result.red_flags) == {flag, *URGENT_FLAGS}


@pytest.mark.parametrize("flag", URGENT_FLAGS)
def test_an_urgent_red_flag_gives_urgent(assessed: Assess, flag: str) -> None:
    result = assessed(_with(ORDINARY_FLARE, red_flags=[flag]))
    assert result.level.value == "urgent"
    assert any(r.question == "red_flags" and r.answer == flag for r in result.level_reasons)


def test_red_flags_none_with_nothing_else_is_routine(assessed: Assess) -> None:
    result = assessed({"red_flags": ["none"]})
    assert result.level.value == "routine"
    assert result.red_flags == ()
    assert result.red_flags_screened is True


def test_not_screened_is_at_least_soon_with_a_warning_in_the_advice(
    questionnaire: Questionnaire, assessed: Assess
) -> None:
    for answers in ({}, _without(ORDINARY_FLARE, "red_flags")):
        result = assessed(answers)
        assert result.level.value == "soon"
        assert any(r.question == "red_flags" and r.answer is None for r in result.level_reasons)
        assert any("not checked" in line.lower() for line in result.advice)
    severe = assessed(_without(_with(DEFINITE, itch=9), "red_flags"))
    assert severe.level.value == "soon"


@pytest.mark.parametrize(
    "look",
    [
        ["red_itchy_eyes"],
        ["typical_eczema", "red_itchy_eyes"],
        ["bumps_or_pustules", "red_itchy_eyes"],
    ],
)
def test_eye_symptoms_give_at_least_soon(assessed: Assess, look: list[str]) -> None:
    result = assessed(_with(ORDINARY_FLARE, look=look))
    assert result.level.value == "soon"
    assert any(r.question == "look" and r.answer == "red_itchy_eyes" for r in result.level_reasons)


def test_the_conjunctivitis_pattern_is_at_least_soon(assessed: Assess) -> None:
    answers, _ = PATTERN_CASES["conjunctivitis"]
    result = assessed(_with(DRUG_REACTION_BASE, **answers, usual_treatment_helps="yes"))
    assert result.pattern.id == "conjunctivitis"
    assert result.level.value == "soon"


@pytest.mark.parametrize(
    ("itch", "level"),
    [(0, "routine"), (6, "routine"), (7, "routine"), (8, "routine"), (9, "soon"), (10, "soon")],
)
def test_itch_alone_gives_soon_only_from_9_very_severe(
    assessed: Assess, itch: int, level: str
) -> None:
    assert assessed(_with(ORDINARY_FLARE, itch=itch)).level.value == level


@pytest.mark.parametrize(
    ("changes", "level"),
    [
        ({"impact": "severe"}, "soon"),
        ({"usual_treatment_helps": "partly"}, "soon"),
        ({"usual_treatment_helps": "no"}, "soon"),
        ({"usual_treatment_helps": "not_tried"}, "routine"),
        ({"impact": "some", "usual_treatment_helps": "yes"}, "routine"),
    ],
)
def test_itch_of_7_or_8_gives_soon_with_a_severe_impact_or_without_control(
    assessed: Assess, changes: dict[str, object], level: str
) -> None:
    for itch in (7, 8):
        result = assessed(_with(ORDINARY_FLARE, itch=itch, **changes))
        assert result.level.value == level, (itch, changes)
        if level == "soon" and "impact" not in changes:
            assert any(reason.question == "itch" for reason in result.level_reasons)


@pytest.mark.parametrize(
    ("impact", "level"), [("none", "routine"), ("some", "routine"), ("severe", "soon")]
)
def test_severe_impact_on_sleep_or_daily_life_gives_soon(
    assessed: Assess, impact: str, level: str
) -> None:
    assert assessed(_with(ORDINARY_FLARE, impact=impact)).level.value == level


def test_a_widespread_rash_gives_soon(assessed: Assess) -> None:
    widespread = assessed(_with(ORDINARY_FLARE, location=["usual_eczema_areas", "widespread"]))
    assert widespread.level.value == "soon"
    assert any(r.answer == "widespread" for r in widespread.level_reasons)


@pytest.mark.parametrize("pattern_id", DRUG_REACTION_PATTERNS)
@pytest.mark.parametrize(
    ("treatment", "level"),
    [("no", "soon"), ("partly", "soon"), ("yes", "routine"), ("not_tried", "routine")],
)
def test_a_drug_reaction_pattern_the_usual_treatment_does_not_control_gives_soon(
    assessed: Assess, pattern_id: str, treatment: str, level: str
) -> None:
    answers, _ = PATTERN_CASES[pattern_id]
    result = assessed(_with(DRUG_REACTION_BASE, **answers, usual_treatment_helps=treatment))
    assert result.pattern.id == pattern_id
    assert result.drug_link.category == "possible"
    assert result.level.value == level


@pytest.mark.parametrize("pattern_id", DRUG_REACTION_PATTERNS)
def test_an_uncontrolled_drug_reaction_pattern_with_a_doubtful_link_stays_routine(
    assessed: Assess, pattern_id: str
) -> None:
    answers, _ = PATTERN_CASES[pattern_id]
    result = assessed(
        _with(
            DRUG_REACTION_BASE,
            **answers,
            onset="before_starting",
            alternative_causes=["new_skin_products"],
            usual_treatment_helps="no",
        )
    )
    assert result.pattern.id == pattern_id
    assert result.drug_link.category == "doubtful"
    assert result.level.value == "routine"


def test_an_uncontrolled_ordinary_flare_is_routine(assessed: Assess) -> None:
    result = assessed(_with(ORDINARY_FLARE, usual_treatment_helps="no"))
    assert result.pattern.id == "eczema_flare"
    assert result.level.value == "routine"


def test_otherwise_the_level_is_routine_with_no_level_reasons(assessed: Assess) -> None:
    result = assessed(ORDINARY_FLARE)
    assert result.level.value == "routine"
    assert result.level_reasons == ()


def test_every_level_above_routine_shows_a_reason_at_that_level(assessed: Assess) -> None:
    for answers in OUTCOMES.values():
        result = assessed(answers)
        if result.level.value != "routine":
            assert any(r.level == result.level for r in result.level_reasons), answers


# =================================================================================================
# drug_link: the adapted Naranjo scale
# =================================================================================================


NINE = _with(DEFINITE, similar_before="no", confirmed_by_clinician="no")
REDNESS_SOON_AFTER: dict[str, object] = {"onset": "1_to_4_months", "look": ["redness_no_scaling"]}


@pytest.mark.parametrize("score", range(-6, 14))
def test_naranjo_cut_offs_are_the_published_ones(questionnaire: Questionnaire, score: int) -> None:
    assert questionnaire.drug_link.category(score) == _spec_category(score)


def test_a_full_definite_case_scores_every_item(assessed: Assess) -> None:
    result = assessed(DEFINITE)
    assert _items(result) == DEFINITE_ITEMS
    assert result.drug_link.score == 11
    assert result.drug_link.category == "definite"


def test_a_rash_from_before_dupilumab_with_other_causes_is_doubtful(assessed: Assess) -> None:
    result = assessed(DOUBTFUL)
    assert _items(result) == DOUBTFUL_ITEMS
    assert result.drug_link.score == -3
    assert result.drug_link.category == "doubtful"


@pytest.mark.parametrize(
    ("answers", "score", "category"),
    [
        (NINE, 9, "definite"),
        (_with(NINE, injection_pattern="no"), 8, "probable"),
        (_with(REDNESS_SOON_AFTER, alternative_causes="none"), 5, "probable"),
        (_with(REDNESS_SOON_AFTER, injection_pattern="yes"), 4, "possible"),
        ({"look": ["thick_scaly_plaques"]}, 1, "possible"),
        ({"onset": "unsure", "look": ["typical_eczema"]}, 0, "doubtful"),
        ({}, 0, "doubtful"),
        ({"onset": "before_starting"}, -1, "doubtful"),
    ],
)
def test_the_category_follows_the_score_at_each_boundary(
    assessed: Assess, answers: dict[str, object], score: int, category: str
) -> None:
    result = assessed(answers)
    assert (result.drug_link.score, result.drug_link.category) == (score, category)


@pytest.mark.parametrize("answers", [DEFINITE, DOUBTFUL, ORDINARY_FLARE, {}])
def test_drug_link_lists_all_ten_items_in_order_and_they_add_up(
    assessed: Assess, answers: dict[str, object]
) -> None:
    result = assessed(answers)
    assert [item.number for item in result.drug_link.items] == list(range(1, 11))
    assert sum(item.points for item in result.drug_link.items) == result.drug_link.score
    for item in result.drug_link.items:
        assert item.reason.strip()
        assert item.text.strip()


def test_items_a_person_cannot_answer_score_0_as_dont_know(assessed: Assess) -> None:
    for answers in (DEFINITE, DOUBTFUL):
        items = {item.item: item for item in assessed(answers).drug_link.items}
        for unanswerable in ("placebo", "drug_levels"):
            assert items[unanswerable].points == 0
            assert items[unanswerable].question is None
            assert "don't know" in items[unanswerable].reason


def test_unanswered_items_score_0_as_dont_know(assessed: Assess) -> None:
    result = assessed({"red_flags": ["none"]})
    assert result.drug_link.score == 0
    for item in result.drug_link.items:
        assert item.points == 0
        assert "don't know" in item.reason


def test_one_other_cause_is_enough_to_score_minus_1_even_with_unsure(assessed: Assess) -> None:
    assert (
        _items(assessed({"alternative_causes": ["new_medicine", "unsure"]}))["alternative_causes"]
        == -1
    )
    assert _items(assessed({"alternative_causes": ["unsure"]}))["alternative_causes"] == 0
    assert _items(assessed({"alternative_causes": ["none"]}))["alternative_causes"] == 2


def test_any_reported_reaction_type_scores_the_known_reaction_item(assessed: Assess) -> None:
    assert (
        _items(assessed({"look": ["typical_eczema", "greasy_yellow_scale"]}))["known_reaction"] == 1
    )
    assert _items(assessed({"look": ["typical_eczema", "other"]}))["known_reaction"] == 0


def test_the_report_calls_the_scale_adapted_and_not_validated_for_self_report(
    questionnaire: Questionnaire, assessed: Assess, render_as: Render
) -> None:
    note = questionnaire.wording.drug_link_note.lower()
    assert "adapted" in note
    assert "not validated" in note
    assert "naranjo" in note
    for fmt in ("rich", "text", "markdown", "json"):
        shown = " ".join(render_as(assessed(DEFINITE), fmt).split()).lower()
        assert "not validated for self-report" in shown, fmt


# =================================================================================================
# pattern
# =================================================================================================


@pytest.mark.parametrize("pattern_id", list(PATTERN_CASES))
def test_each_pattern_is_reachable_with_realistic_answers_and_lists_its_evidence(
    assessed: Assess, pattern_id: str
) -> None:
    extra, expected_evidence = PATTERN_CASES[pattern_id]
    result = assessed(_with(DRUG_REACTION_BASE, **extra))
    assert result.pattern.id == pattern_id
    assert {(e.question, e.answer) for e in result.pattern.evidence} == expected_evidence


def test_possible_infection_is_reached_from_an_infection_red_flag(assessed: Assess) -> None:
    result = assessed(_with(DRUG_REACTION_BASE, red_flags=["spreading_infection"], look=["other"]))
    assert result.pattern.id == "possible_infection"
    assert ("red_flags", "spreading_infection") in {
        (e.question, e.answer) for e in result.pattern.evidence
    }


def test_a_tie_goes_to_the_pattern_listed_first(
    questionnaire: Questionnaire, assessed: Assess
) -> None:
    order = [pattern.id for pattern in questionnaire.patterns]
    both = assessed({"look": ["redness_no_scaling", "injection_site_reaction"]})
    assert both.pattern.id == "injection_site"
    assert order.index("injection_site") < order.index("facial_redness")
    assert "facial_redness" in both.pattern.also_consistent_with

    plaques_and_scale = assessed(
        {"look": ["greasy_yellow_scale", "thick_scaly_plaques"], "location": ["scalp"]}
    )
    assert plaques_and_scale.pattern.id == "psoriasiform"
    assert "seborrheic_like" in plaques_and_scale.pattern.also_consistent_with


def test_more_supporting_answers_beat_the_listing_order(assessed: Assess) -> None:
    result = assessed(
        {"look": ["redness_no_scaling", "injection_site_reaction"], "location": ["face_neck"]}
    )
    assert result.pattern.id == "facial_redness"


@pytest.mark.parametrize(
    ("red_flag", "pattern_id"),
    [
        ("painful_blisters", "possible_infection"),
        ("spreading_infection", "possible_infection"),
        ("eye_pain_or_vision", "conjunctivitis"),
    ],
)
def test_a_warning_sign_is_never_hidden_behind_an_ordinary_looking_flare(
    assessed: Assess, red_flag: str, pattern_id: str
) -> None:
    ordinary = _with(ORDINARY_FLARE, red_flags=[red_flag], usual_treatment_helps="yes")
    result = assessed(ordinary)
    assert result.level is TriageLevel.URGENT
    assert result.pattern.id == pattern_id
    assert "eczema_flare" in result.pattern.also_consistent_with
    assert not any("flare of the usual eczema" in line for line in result.advice)


@pytest.mark.parametrize(
    ("red_flags", "look", "location"),
    [
        (["faint_or_widespread_hives"], ["injection_site_reaction"], ["injection_site"]),
        (["breathing_or_swelling"], ["typical_eczema"], ["usual_eczema_areas"]),
        (["sores_or_peeling", "fever_or_unwell"], ["redness_no_scaling"], ["face_neck"]),
    ],
)
def test_a_systemic_warning_sign_gets_no_reassuring_skin_label_or_advice(
    assessed: Assess, red_flags: list[str], look: list[str], location: list[str]
) -> None:
    result = assessed(
        {"red_flags": red_flags, "look": look, "location": location, "onset": "within_4_weeks"}
    )
    assert result.level in (TriageLevel.URGENT, TriageLevel.EMERGENCY)
    assert result.pattern.id == "unclear"
    assert result.pattern.also_consistent_with, "the skin pictures are still listed"
    advice = " ".join(result.advice)
    assert "moisturisers" not in advice
    assert "can often be managed" not in advice
    assert "skip" not in advice, "after a warning sign, the next injection is discussed first"
    assert "Do not inject the next dupilumab (Dupixent) dose" in advice


def test_a_possible_infection_without_a_warning_sign_is_at_least_soon(assessed: Assess) -> None:
    ordinary = _with(ORDINARY_FLARE, look=["typical_eczema", "bumps_or_pustules"])
    result = assessed(ordinary)
    assert "possible_infection" in (result.pattern.id, *result.pattern.also_consistent_with)
    assert result.level is TriageLevel.SOON
    assert any(r.answer == "bumps_or_pustules" for r in result.level_reasons)


def test_ticking_one_more_description_never_makes_the_advice_less_urgent(
    assessed: Assess,
) -> None:
    base = {
        "red_flags": ["none"],
        "onset": "after_4_months",
        "location": ["usual_eczema_areas", "new_areas"],
        "usual_treatment_helps": "partly",
        "alternative_causes": ["stress_or_sleep"],
        "itch": 5,
        "impact": "some",
    }
    plaques = assessed({**base, "look": ["thick_scaly_plaques"]})
    mixed = assessed({**base, "look": ["thick_scaly_plaques", "typical_eczema"]})
    assert plaques.level is TriageLevel.SOON
    assert mixed.level.rank >= plaques.level.rank


def test_no_key_sign_means_unclear(assessed: Assess) -> None:
    result = assessed(
        _with(
            DRUG_REACTION_BASE,
            location=["face_neck", "scalp"],
            look=["other"],
            usual_treatment_helps="yes",
        )
    )
    assert result.pattern.id == "unclear"
    assert result.pattern.evidence == ()


# =================================================================================================
# risk, advice, missing
# =================================================================================================


@pytest.mark.parametrize(
    ("factors", "band"),
    [
        (["none"], "low"),
        (["unsure"], "low"),
        (["poor_skin_barrier"], "moderate"),
        (["poor_skin_barrier", "unsure"], "moderate"),
        (["other_skin_conditions", "injection_sensitivity"], "high"),
        (
            [
                "other_skin_conditions",
                "injection_sensitivity",
                "immune_variability",
                "poor_skin_barrier",
            ],
            "high",
        ),
    ],
)
def test_risk_band_counts_the_factors_present(
    questionnaire: Questionnaire, assessed: Assess, factors: list[str], band: str
) -> None:
    result = assessed({"risk_factors": factors})
    assert result.risk.band == band
    present = [f for f in factors if f not in ("none", "unsure")]
    assert [factor.id for factor in result.risk.factors] == present
    question = questionnaire.question("risk_factors")
    for factor in result.risk.factors:
        assert factor.description == question.option(factor.id).description
        assert factor.impact == question.option(factor.id).impact
    document = assessment_to_dict(questionnaire, result)
    assert document["risk"] == {**document["risk"], "band": band, "factors": present}


def test_risk_factors_are_shown_with_the_source_description_and_impact(
    questionnaire: Questionnaire, assessed: Assess, render_as: Render
) -> None:
    result = assessed({"risk_factors": ["injection_sensitivity"]})
    option = questionnaire.question("risk_factors").option("injection_sensitivity")
    assert option.description
    assert option.impact
    for fmt in ("text", "markdown"):
        shown = " ".join(render_as(result, fmt).split())
        assert option.description in shown, fmt
        assert option.impact in shown, fmt


@pytest.mark.parametrize(
    ("level", "timing"),
    [
        ("routine", "two weeks"),
        ("soon", "1 to 3 days"),
        ("urgent", "today"),
        ("emergency", "emergency number"),
    ],
)
def test_advice_names_the_prescriber_with_the_timing_of_the_level(
    assessed: Assess, level: str, timing: str
) -> None:
    result = assessed(OUTCOMES[level])
    assert result.level.value == level
    # What to do leads (a settled flare leads with its self-care, then what to do).
    contact = next(line for line in result.advice if result.action in line)
    assert "prescriber" in contact.lower()
    assert timing in contact
    said = " ".join(result.advice).lower()
    assert ("do not inject the next" in said) if result.hold_next_dose else ("do not stop" in said)


def test_tell_your_prescriber_lists_when_where_what_and_what_pausing_did(
    questionnaire: Questionnaire, assessed: Assess
) -> None:
    lines = " ".join(assessed(DEFINITE).tell_your_prescriber)
    for question_id in ("onset", "location", "look", "improved_on_pause", "alternative_causes"):
        question = questionnaire.question(question_id)
        assert question.short in lines, question_id
    assert questionnaire.question("onset").option("within_4_weeks").label in lines


def test_missing_lists_unanswered_questions_but_not_conditionals_whose_condition_fails(
    assessed: Assess,
) -> None:
    assert assessed(ORDINARY_FLARE).missing == ()
    not_paused = assessed(_without(ORDINARY_FLARE, "itch"))
    assert not_paused.missing == ("itch",)

    no_pause_answer = assessed(_without(ORDINARY_FLARE, "dose_paused"))
    assert no_pause_answer.missing == ("dose_paused",)

    paused = assessed(_with(ORDINARY_FLARE, dose_paused="yes"))
    assert paused.missing == ("improved_on_pause", "returned_on_restart")
    assert set(assessed({}).missing) >= {"red_flags", "onset", "dose_paused", "risk_factors"}
    assert "improved_on_pause" not in assessed({}).missing
