"""What a person reads on a real terminal, at 40, 80 and 100 columns, through a terminal emulator.

Each test drives `dupi-triage` in a pseudo-terminal and reads the screen pyte renders: nothing a
person must read may be cut off or split inside a word; Enter that does nothing says why; the
progress count only goes up by one; the review shows whole answers.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from dupi_triage.answers import Answers, describe_answer, is_applicable, parse_answers
from dupi_triage.questionnaire import NONE_OPTION, RED_FLAGS, Question, Questionnaire
from tests.pty_screen import CTRL_C, DOWN, ENTER, SPACE, UP, Terminal, flat, words_whole

WIDTHS = [40, 80, 100]
PROGRESS = re.compile(r"Question (\d+) of (\d+)\.( \d+ follow-up questions? added)?")


def _prompt_region(term: Terminal) -> str:
    """The screen from the current question's "? " line down: what this prompt drew."""
    lines = term.lines()
    starts = [i for i, line in enumerate(lines) if line.startswith("? ")]
    return "\n".join(lines[starts[-1] :] if starts else lines)


def _wait_in_prompt(term: Terminal, *texts: str) -> None:
    wanted = [flat(t) for t in texts]
    term.wait_until(lambda: all(w in flat(_prompt_region(term)) for w in wanted), " + ".join(texts))


ABOUT = {"respondent": "self", "age_band": "adult", "indication": "atopic_dermatitis",
         "pregnancy": "neither"}  # fmt: skip


def _answer_for(question: Question, earlier: dict[str, object] | None = None) -> tuple[str, object]:
    """Keys (from the last option) and the value they give: the first option, or 'none'.

    Only the options offered given the earlier answers are on screen (nappy_area: under 6).
    """
    options = question.offered(earlier or {})
    ids = [option.id for option in options]
    count = len(options)
    if question.type == "text":
        return ENTER, ""
    if question.type == "integer":
        return "3" + ENTER, 3
    if question.type == "multi":
        target = NONE_OPTION if NONE_OPTION in ids else ids[0]
        index = ids.index(target)
        return UP * (count - 1 - index) + SPACE + ENTER, [target]
    return UP * (count - 1) + ENTER, ids[0]


def _read_every_option(
    term: Terminal, question: Question, earlier: dict[str, object] | None = None
) -> None:
    """Point at each option in turn: its label and help must read whole under the question."""
    for index, option in enumerate(question.offered(earlier or {})):
        if index:
            term.send(DOWN)
        _wait_in_prompt(term, option.label, *([option.help] if option.help else []))


@pytest.mark.parametrize("columns", WIDTHS)
def test_every_question_option_and_help_reads_whole_at_each_width(
    questionnaire: Questionnaire, columns: int
) -> None:
    # Who is answering comes as flags (test_respondent walks it), so every later question shows.
    given: dict[str, object] = dict(ABOUT)
    progress: list[tuple[int, int, bool]] = []
    about = [f"--{key.replace('_', '-')}={value}" for key, value in ABOUT.items()]
    with Terminal("assess", *about, columns=columns, rows=80) as term:
        for question in questionnaire:
            if question.id in ABOUT:
                continue
            if not is_applicable(question, parse_answers(questionnaire, given)):
                continue
            _wait_in_prompt(term, question.text)
            term.wait_for(question.help)
            screen = term.text()
            assert not words_whole(question.text, screen), "a word of the question was split"
            found = PROGRESS.findall(flat(screen))
            assert found, f"no progress line for {question.id}:\n{screen}"
            number, total, added = found[-1]
            progress.append((int(number), int(total), bool(added)))
            earlier: dict[str, object] = dict(parse_answers(questionnaire, given).values)
            if question.options:
                _read_every_option(term, question, earlier)
            keys, value = _answer_for(question, earlier)
            term.send(keys)
            given[question.id] = value
        _read_the_review(term, questionnaire, parse_answers(questionnaire, given))
        term.send(CTRL_C)
        term.finish()

    numbers = [number for number, _, _ in progress]
    first = len(ABOUT) + 1  # who is answering was given as flags: "4 questions already answered"
    assert numbers == list(range(first, first + len(numbers))), "the count goes up one at a time"
    for (_, before, _), (_, after, added) in itertools.pairwise(progress):
        assert after >= before, "the total never goes back"
        assert after == before or added, "a bigger total says follow-ups were added"
    last = first + len(numbers) - 1
    assert progress[-1][:2] == (last, last), "it ends at 'N of N'"


def _read_the_review(term: Terminal, questionnaire: Questionnaire, answers: Answers) -> None:
    """Every answer in the review reads whole, wherever the list has to scroll to show it."""
    _wait_in_prompt(term, "Review your answers")
    for question in questionnaire:
        if question.id not in answers:
            continue
        term.send(DOWN)
        whole = f"{question.short}: {describe_answer(question, answers.values[question.id])}"
        _wait_in_prompt(term, whole)


@pytest.mark.parametrize("columns", [40, 80])
def test_enter_on_an_empty_multi_choice_says_why_nothing_happened(
    questionnaire: Questionnaire, columns: int
) -> None:
    none_label = questionnaire.question(RED_FLAGS).option(NONE_OPTION).label
    with Terminal("assess", columns=columns, rows=30) as term:
        _wait_in_prompt(term, questionnaire.question(RED_FLAGS).text)
        term.send(ENTER)
        term.wait_for("Nothing is picked yet. Pick at least one with the space bar")
        # 'a' picks every option, 'None of these' too: Enter must say why that is refused.
        term.send("a")
        term.settle()
        term.send(ENTER)
        term.wait_for(f"'{none_label}' cannot be picked with other options")
        term.send("a")  # 'a' again clears them all
        term.settle()
        term.send(CTRL_C)
        term.finish()


def test_a_resumed_walk_counts_on_from_the_answers_already_saved(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    first_three = [q for q in questionnaire if q.when is None][:3]
    saved: dict[str, object] = {}
    for question in first_three:
        saved[question.id] = _answer_for(question, saved)[1]
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(saved))
    with Terminal("assess", "--answers", str(answers_file), columns=80) as term:
        term.wait_for("Question 4 of", "3 questions already answered")
        assert "Question 1 of" not in term.reads()
        term.send(CTRL_C)
        term.finish()


def test_a_follow_up_question_says_it_was_added(questionnaire: Questionnaire) -> None:
    conditional = questionnaire.question("improved_on_pause")
    assert conditional.when is not None
    trigger = questionnaire.question(conditional.when.question)
    given = {
        q.id: _answer_for(q)[1]
        for q in questionnaire
        if q.when is None
        and questionnaire.questions.index(q) < questionnaire.questions.index(trigger)
    }
    given.update(ABOUT)
    given["itch"] = 3  # an adult's itch: every question before the trigger is given
    flags = [
        f"--{key.replace('_', '-')}={','.join(v) if isinstance(v, list) else v}"
        for key, v in given.items()
    ]
    with Terminal("assess", *flags, columns=80) as term:
        _wait_in_prompt(term, trigger.text)
        term.wait_for(trigger.option(str(conditional.when.equals)).label)
        index = trigger.option_ids.index(str(conditional.when.equals))
        term.send(f"{index + 1}{ENTER}")  # its number: Enter alone on an untouched choice waits
        _wait_in_prompt(term, conditional.text)
        assert re.search(r"\d+ follow-up questions? added by your last answer", term.reads())
        term.send(CTRL_C)
        term.finish()


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_picked_answer_reads_whole_under_its_question(
    questionnaire: Questionnaire, columns: int
) -> None:
    """The answered line keeps every word of a long option, on its own lines, between words.

    (questionary puts the answer after the question on one line; at 40 columns prompt_toolkit
    dropped the middle of "A parent or carer, for a child or someone I look after".)
    """
    respondent = questionnaire.question("respondent")
    parent = respondent.option("parent_or_carer")
    age = questionnaire.speaking_to(parent.id).question("age_band")  # asked of the parent
    with Terminal("assess", "--red-flags", "none", columns=columns, rows=40) as term:
        _wait_in_prompt(term, respondent.text)
        term.send(DOWN)
        term.settle()
        term.send(ENTER)
        _wait_in_prompt(term, age.text)
        lines = term.lines()
        asked = next(i for i, line in enumerate(lines) if line.startswith(f"? {respondent.text}"))
        shown = flat("\n".join(lines[asked : asked + 4]))
        assert f"{respondent.text} {flat(parent.label)}" in shown, term.text()
        assert all(len(line) < columns for line in lines), term.text()
        term.send(CTRL_C)
        term.finish()


def test_a_reported_warning_sign_hangs_under_its_bullet_at_40_columns(
    questionnaire: Questionnaire,
) -> None:
    sign = next(o for o in questionnaire.question(RED_FLAGS).options if o.id == "very_unwell")
    index = questionnaire.question(RED_FLAGS).option_ids.index(sign.id)
    with Terminal("assess", columns=40, rows=60) as term:
        _wait_in_prompt(term, questionnaire.question(RED_FLAGS).text)
        term.send(DOWN * index)
        term.settle()
        term.send(SPACE)
        term.settle()
        term.send(ENTER)
        term.wait_for("Stop here, or finish")
        lines = term.lines()
        start = next(i for i, line in enumerate(lines) if line.startswith("  - "))
        block = []
        for line in lines[start + 1 :]:
            if not line.startswith("    "):
                break
            block.append(line)
        assert flat(" ".join([lines[start][4:], *block])) == flat(sign.label), term.text()
        term.send(CTRL_C)
        term.finish()
