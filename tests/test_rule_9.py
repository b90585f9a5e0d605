"""Safety rule 9: the person reads the action first and last.

In every patient-facing format, at every level and for every respondent: the level and what to do,
why, what to tell the prescriber; then, under a heading that says it is for the prescriber, the
drug-link item table and the risk-factor detail. On a terminal an urgent or emergency action is
also the last thing on screen. JSON keeps its keys.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.render import render_document
from dupi_triage.render.terminal import print_summary
from dupi_triage.render.view import summary_view
from dupi_triage.scoring.model import Assessment
from tests.conftest import ORDINARY_FLARE, Assess, Render

HUMAN_FORMATS = ("rich", "text", "markdown", "html")

LEVEL_CASES: dict[str, dict[str, object]] = {
    "routine": {},
    "soon": {"itch": 9},
    "urgent": {"red_flags": ["eye_pain_or_vision"]},
    "emergency": {"red_flags": ["breathing_or_swelling"]},
}
WHO: dict[str, dict[str, object]] = {
    "self": {"respondent": "self", "age_band": "adult"},
    "parent": {"respondent": "parent_or_carer", "age_band": "2_to_5"},
    "carer_of_adult": {"respondent": "parent_or_carer", "age_band": "adult"},
    "clinician": {"respondent": "clinician", "age_band": "12_to_17"},
}


def _answers(level: str, who: str) -> dict[str, object]:
    raw: dict[str, object] = {**ORDINARY_FLARE, **WHO[who], **LEVEL_CASES[level]}
    if raw["age_band"] == "2_to_5":  # under 6: nights woken instead of the itch scale
        del raw["itch"], raw["pregnancy"]
        raw["nights_woken_by_itch"] = 6 if level == "soon" else 1
    return raw


def _flat(text: str) -> str:
    """Words only: no markdown escapes, no box lines of a terminal panel."""
    return " ".join(text.replace("\\", "").translate(BOX).split())


BOX = str.maketrans({char: " " for char in "│╭╮╰╯─"})


def _at(text: str, needle: str) -> int:
    position = text.find(needle)
    assert position >= 0, f"{needle!r} is not in the summary"
    return position


@pytest.mark.parametrize("who", sorted(WHO))
@pytest.mark.parametrize("level", sorted(LEVEL_CASES))
@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_the_action_comes_first_and_the_prescribers_detail_after_its_heading(
    assessed: Assess,
    render_as: Render,
    questionnaire: Questionnaire,
    fmt: str,
    level: str,
    who: str,
) -> None:
    result = assessed(_answers(level, who))
    assert result.level == level
    view = summary_view(questionnaire, result)
    text = _flat(render_as(result, fmt))
    action = _at(text, _flat(view.level_action))
    todo = _at(text, "What to do")
    why = _at(text, "Why this level") if view.level_reasons else todo
    tell = _at(text, _flat(view.tell_heading)) if fmt != "html" else _at(text, "Your answers")
    plain = _at(text, view.drug_link_plain)
    heading = _at(text, view.detail_heading)
    table = _at(text, "Link to dupilumab")
    # "Risk factors" is also an answer in the list to tell: the heading is the one after the table.
    risk = table + _at(text[table:], "Risk factors")
    assert action < todo <= why < plain < tell < heading < table < risk, fmt
    # The action again where the person's part ends.
    assert text.rfind(_flat(view.level_action), 0, heading) > tell, fmt
    # Nothing of the scale's table in the person's part.
    assert "placebo" not in text[:heading]


@pytest.mark.parametrize("who", sorted(WHO))
@pytest.mark.parametrize("level", ["urgent", "emergency"])
def test_on_a_terminal_an_urgent_or_emergency_action_is_the_last_thing_on_screen(
    assessed: Assess, questionnaire: Questionnaire, level: str, who: str
) -> None:
    result = assessed(_answers(level, who))
    view = summary_view(questionnaire, result)
    for width in (40, 80, 100):
        screen = _terminal(questionnaire, result, width)
        lines = [line for line in screen.splitlines() if line.strip()]
        tail = _flat(" ".join(lines[-8:]))
        assert _flat(view.level_action) in tail, (width, tail)
        assert view.level_label.upper() in tail


def test_a_routine_or_soon_summary_ends_its_part_with_the_action_in_short(
    assessed: Assess, questionnaire: Questionnaire
) -> None:
    result = assessed(_answers("soon", "self"))
    screen = _flat(_terminal(questionnaire, result, 80))
    assert "In short: SOON. Contact your prescriber within 1 to 3 days." in screen


def test_json_keeps_its_keys(assessed: Assess, questionnaire: Questionnaire) -> None:
    document = json.loads(render_document("json", questionnaire, assessed(ORDINARY_FLARE)))
    contract = {
        "tool", "version", "questionnaire_version", "level", "pattern", "drug_link", "risk",
        "red_flags", "red_flags_screened", "contributions", "advice", "tell_your_prescriber",
        "answers", "missing",
    }  # fmt: skip
    assert contract <= set(document)
    assert {"score", "category", "items"} <= set(document["drug_link"])


def _terminal(questionnaire: Questionnaire, result: Assessment, width: int) -> str:
    buffer = io.StringIO()
    print_summary(Console(file=buffer, width=width, color_system=None), questionnaire, result)
    return buffer.getvalue()


@pytest.mark.parametrize("columns", [40, 80, 100])
def test_after_the_report_offer_an_urgent_action_is_the_last_thing_on_screen(
    questionnaire: Questionnaire, tmp_path: Path, columns: int
) -> None:
    from tests.pty_screen import ENTER, Terminal

    given = {k: v for k, v in ORDINARY_FLARE.items() if k != "itch"}
    given["red_flags"] = ["eye_pain_or_vision"]
    flags = [
        f"--{k.replace('_', '-')}={','.join(v) if isinstance(v, list) else v}"
        for k, v in given.items()
    ]
    with Terminal("assess", *flags, columns=columns, rows=40, cwd=tmp_path) as term:
        term.wait_for(questionnaire.question("itch").text)
        term.send("3" + ENTER)
        term.wait_for(questionnaire.question("anything_else").text)
        term.send(ENTER)
        term.wait_for("Review your answers")
        term.send(ENTER)
        term.wait_for("Save this report", "press Enter to skip")
        term.send(ENTER)
        assert term.finish() == 0
        lines = [line for line in term.lines() if line.strip()]
    tail = _flat(" ".join(lines[-6:]))
    assert "URGENT" in tail
    assert "out-of-hours service now" in tail, tail


@pytest.mark.parametrize("columns", [40, 80, 100])
def test_after_stop_here_the_emergency_action_is_the_last_thing_on_screen(
    tmp_path: Path, columns: int
) -> None:
    """Issue 19 item 1: the emergency action no longer scrolls away behind the scale's table."""
    from tests.pty_screen import ENTER, Terminal

    with Terminal("assess", columns=columns, rows=30, cwd=tmp_path) as term:
        term.wait_for("warning signs")
        term.send(" " + ENTER)  # the first sign: trouble breathing
        term.wait_for("Stop here and show the summary")
        term.send(ENTER)
        assert term.finish() == 0
        lines = [line for line in term.lines() if line.strip()]
    tail = _flat(" ".join(lines[-4:]))
    assert "EMERGENCY" in tail, tail
    assert "Call your local emergency number now." in tail, tail


@pytest.mark.parametrize("columns", [40, 80, 100])
def test_ctrl_c_after_a_warning_signs_alert_ends_on_its_action_not_on_carrying_on(
    tmp_path: Path, columns: int, state_folder: Path
) -> None:
    """Someone who stops to phone for help is not left with only "to carry on, run ...": the
    alert's level and action come again, last, below where the answers were kept."""
    from tests.pty_screen import CTRL_C, ENTER, Terminal

    with Terminal("assess", columns=columns, rows=30, cwd=tmp_path) as term:
        term.wait_for("warning signs")
        term.send(" " + ENTER)  # the first sign: trouble breathing
        term.wait_for("Stop here and show the summary")
        term.send(CTRL_C)
        assert term.finish() == 130
        lines = [line for line in term.lines() if line.strip()]
    text = _flat(" ".join(lines))
    assert "To carry on where you stopped" in text, "the answers are still kept"
    tail = _flat(" ".join(lines[-3:]))
    assert "EMERGENCY: Call your local emergency number now." in tail, tail


def test_ctrl_c_at_a_later_question_after_an_alert_still_ends_on_its_action(
    tmp_path: Path, state_folder: Path, questionnaire: Questionnaire
) -> None:
    from tests.pty_screen import CTRL_C, DOWN, ENTER, SPACE, Terminal

    with Terminal("assess", columns=80, rows=30, cwd=tmp_path) as term:
        term.wait_for("warning signs")
        term.send(SPACE + ENTER)  # the first sign: trouble breathing
        term.wait_for("Stop here and show the summary")
        term.send(DOWN + ENTER)  # finish the questions
        term.wait_for(questionnaire.question("respondent").text)
        term.send(CTRL_C)
        assert term.finish() == 130
        lines = [line for line in term.lines() if line.strip()]
    assert "EMERGENCY: Call your local emergency number now." in _flat(" ".join(lines[-3:]))


def test_ctrl_c_with_no_warning_sign_ends_on_how_to_carry_on(
    tmp_path: Path, state_folder: Path, questionnaire: Questionnaire
) -> None:
    from tests.pty_screen import CTRL_C, DOWN, ENTER, SPACE, Terminal

    none = questionnaire.question("red_flags").option_ids.index("none")
    with Terminal("assess", columns=80, rows=30, cwd=tmp_path) as term:
        term.wait_for("warning signs")
        term.send(DOWN * none + SPACE + ENTER)
        term.wait_for(questionnaire.question("respondent").text)
        term.send(CTRL_C)
        assert term.finish() == 130
        lines = [line for line in term.lines() if line.strip()]
    tail = _flat(" ".join(lines[-2:]))
    assert "To carry on where you stopped, run:" in tail, tail
    assert "EMERGENCY" not in tail
    assert "URGENT" not in tail
