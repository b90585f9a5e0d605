"""Wording for whoever answers (issue 19, item 7).

Questions and help texts speak TO the person answering ("your child's eczema"); an option label
is the answer in that person's own words ("my child's eczema"). Flag help is read by anyone about
anyone, so it says "the person with the rash". A clinician's report does not call the answers a
self-report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer

from dupi_triage.cli import app
from dupi_triage.questionnaire import NEUTRAL_VOICE, RESPONDENT, Questionnaire
from dupi_triage.scoring.model import Assessment
from tests.conftest import ORDINARY_FLARE, Assess, Render, RunCli
from tests.pty_screen import Terminal

VOICES = ("self", "parent_or_carer", "carer_of_adult", "clinician", NEUTRAL_VOICE)
#: Dupilumab for eczema (the default words), and for another indication (other words).
INDICATIONS = ("atopic_dermatitis", "asthma")
FIRST_PERSON = re.compile(r"\b(I|I'm|I've|I'd|my|me|mine|myself)\b")
SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE)
#: The words by which each voice names the person with the rash, and no other voice does.
OWN_NAMES = {
    "parent_or_carer": "your child",
    "carer_of_adult": "the person you care for",
    "clinician": "the patient",
}


def _texts(questionnaire: Questionnaire) -> list[tuple[str, str, str]]:
    """(kind, where, text) of every text a person reads: `label` for an option's label (the
    answer, in the answerer's words), `question` for a question, `to_them` for every other text
    (help, section intros, what to do, advice, report wording), which speaks to the answerer."""
    texts = [("to_them", f"section {s.id}", s.intro) for s in questionnaire.sections]
    texts += [("to_them", f"level {level.id}", level.action) for level in questionnaire.levels]
    for question in questionnaire:
        texts += [("question", question.id, question.text)]
        texts += [("to_them", f"{question.id} help", question.help)]
        for option in question.options:
            where = f"{question.id}.{option.id}"
            texts += [("label", where, option.label), ("to_them", f"{where} help", option.help)]
    texts += [("to_them", "advice", text) for text in questionnaire.advice if isinstance(text, str)]
    wording = questionnaire.wording
    texts += [("to_them", "report", text) for text in wording if isinstance(text, str)]
    return texts


@pytest.mark.parametrize("indication", INDICATIONS)
@pytest.mark.parametrize("voice", VOICES)
def test_no_text_mixes_the_voice_of_whoever_answers(
    questionnaire: Questionnaire, voice: str, indication: str
) -> None:
    """Help and questions never say "my" or "I"; labels never say "you"; no voice borrows
    another's name for the person with the rash; a question to a parent, carer or clinician
    says "you" only in that voice's own words ("your child"), never about the person's body."""
    voiced = questionnaire.speaking_to(voice, indication)
    own_words = [word for word in voiced.words.values() if SECOND_PERSON.search(word)]
    mixed = []
    for kind, where, text in _texts(voiced):
        assert "{" not in text.replace("{indication}", ""), f"{where}: a word is left unfilled"
        if kind == "label" and SECOND_PERSON.search(text):
            mixed.append(f"{where} (a label, the answer in the answerer's words): {text}")
        if kind != "label" and FIRST_PERSON.search(text):
            mixed.append(f"{where} (speaks to the answerer): {text}")
        if not where.startswith(RESPONDENT):  # that question's options describe the voices
            for other, name in OWN_NAMES.items():
                if other != voice and name in text.lower():
                    mixed.append(f"{where} (says {name!r} to {voice}): {text}")
        if kind == "question" and voice != "self":
            rest = text
            for word in sorted(own_words, key=len, reverse=True):
                rest = rest.replace(word, "")
            if SECOND_PERSON.search(rest):
                mixed.append(f"{where} (asks {voice} about 'you'): {text}")
    assert not mixed, "\n".join(mixed)


@pytest.mark.parametrize(
    ("voice", "asked"),
    [
        ("self", "How old are you?"),
        ("parent_or_carer", "How old is your child, or the person you look after?"),
        ("carer_of_adult", "How old is the person you care for?"),
        ("clinician", "How old is the patient?"),
        (NEUTRAL_VOICE, "How old is the person with the rash?"),
    ],
)
def test_the_age_question_speaks_to_whoever_answers(
    questionnaire: Questionnaire, voice: str, asked: str
) -> None:
    assert questionnaire.speaking_to(voice).question("age_band").text == asked


# --- in a terminal --------------------------------------------------------------------------------

WIDTHS = (40, 80, 100)


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize(
    ("respondent", "asked"),
    [
        ("self", "How old are you?"),
        ("parent_or_carer", "How old is your child, or the person you look after?"),
        ("clinician", "How old is the patient?"),
    ],
)
def test_after_who_is_answering_the_age_question_speaks_to_them(
    tmp_path: Path, respondent: str, asked: str, columns: int
) -> None:
    with Terminal(
        "assess", "--red-flags", "none", "--respondent", respondent, columns=columns, cwd=tmp_path
    ) as term:
        term.wait_for(asked)
        assert "How old is the person with the rash" not in term.reads()


# --- flag help and the questions table -----------------------------------------------------------


def _question_flag_helps(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """(flag, help) of every question flag: assess's, and the diary check-in's."""
    from dupi_triage.diary.commands import command

    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    flags = {question.flag for question in questionnaire}
    return [
        (param.opts[0], getattr(param, "help", None) or "")
        for each in (root.commands["assess"], command("skin"), command("edit"))
        for param in each.params
        if param.opts and param.opts[0] in flags
    ]


def test_flag_help_is_worded_for_anyone_never_you(questionnaire: Questionnaire) -> None:
    helps = _question_flag_helps(questionnaire)
    assert len(helps) > len(list(questionnaire))
    for flag, text in helps:
        assert not SECOND_PERSON.search(text), f"{flag}: {text}"
    shown = dict(helps)
    assert shown["--nights-woken-by-itch"].startswith(
        "In the last week, on how many nights did itching or scratching wake the person with "
        "the rash?"
    )
    assert shown["--age-band"].startswith("How old is the person with the rash?")


def test_the_questions_table_is_worded_for_anyone(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")  # a list: each question's words in one run
    shown = run_cli("questions").out.replace("In your own words", "")
    assert not SECOND_PERSON.search(shown), SECOND_PERSON.findall(shown)
    assert "How long has the person with the rash been on dupilumab?" in " ".join(shown.split())


# --- the drug-link note ---------------------------------------------------------------------------

HUMAN_FORMATS = ("rich", "text", "markdown", "html", "json")


def _flat(text: str) -> str:
    return " ".join(text.replace("\\", "").split())


def _as(assessed: Assess, respondent: str) -> Assessment:
    return assessed({**ORDINARY_FLARE, "respondent": respondent, "pregnancy": None})


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_a_clinicians_report_calls_the_drug_link_a_clinicians_scale_filled_from_a_questionnaire(
    assessed: Assess, render_as: Render, fmt: str
) -> None:
    shown = _flat(render_as(_as(assessed, "clinician"), fmt))
    if fmt == "json":
        shown = json.loads(render_as(_as(assessed, "clinician"), fmt))["drug_link"]["note"]
    assert "a scale built for clinicians" in shown, fmt
    assert "filled in here from a questionnaire rather than a clinical assessment" in shown, fmt
    assert "self-report" not in shown, fmt
    assert "patient-reported" not in shown, fmt


@pytest.mark.parametrize("respondent", ["self", "parent_or_carer"])
@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_for_everyone_else_the_report_says_the_scale_is_not_validated_for_self_report(
    assessed: Assess, render_as: Render, respondent: str, fmt: str
) -> None:
    shown = _flat(render_as(_as(assessed, respondent), fmt))
    assert "patient-reported" in shown, fmt
    assert "not validated for self-report" in shown, fmt
