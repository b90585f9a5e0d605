"""The last question, the person's own words: optional, never scored, in every report, and safe.

The text can hold anything a person (or a hostile file) types: terminal escape sequences, Rich
markup, HTML, Markdown. It is stored as plain text and each format shows it as written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dupi_triage.answers import missing, parse_answers
from dupi_triage.questionnaire import Question, Questionnaire
from dupi_triage.render import render_document
from dupi_triage.render.view import summary_view
from dupi_triage.scoring import assess
from tests.conftest import ALL_FORMATS, ORDINARY_FLARE, Render, RunCli
from tests.pty_screen import ENTER, Terminal

HOSTILE = (
    "[bold red]loud[/] <script>alert(1)</script> *em* _u_ `code` [link](http://x.invalid) "
    "| cell | &amp; \x1b[31mRED\x1b[0m \x1b]0;title\x07 \u202eevil\r\nnext\tline"
)
SHOWN = (
    "[bold red]loud[/] <script>alert(1)</script> *em* _u_ `code` [link](http://x.invalid) "
    "| cell | &amp; [31mRED [0m ]0;title evil next line"
)


@pytest.fixture
def own_words(questionnaire: Questionnaire) -> Question:
    [question] = [q for q in questionnaire if q.type == "text"]
    return question


def test_the_last_question_asks_for_anything_else_in_the_persons_own_words(
    questionnaire: Questionnaire, own_words: Question
) -> None:
    assert questionnaire.questions[-1] is own_words
    assert own_words.text == "Anything else your prescriber should know?"
    assert not own_words.options
    assert own_words.when is None


def test_control_characters_become_spaces_and_the_length_is_capped(
    questionnaire: Questionnaire, own_words: Question
) -> None:
    answers = parse_answers(questionnaire, {own_words.id: HOSTILE})
    assert answers.get(own_words.id) == SHOWN
    assert own_words.max is not None
    long = parse_answers(questionnaire, {own_words.id: "word " * 1000})
    assert len(str(long.get(own_words.id))) <= own_words.max


def test_it_is_never_scored_and_never_counted_as_unanswered(
    questionnaire: Questionnaire, own_words: Question
) -> None:
    without = assess(questionnaire, parse_answers(questionnaire, ORDINARY_FLARE))
    with_words = assess(
        questionnaire, parse_answers(questionnaire, {**ORDINARY_FLARE, own_words.id: HOSTILE})
    )
    assert with_words.level == without.level
    assert with_words.pattern == without.pattern
    assert with_words.drug_link == without.drug_link
    assert with_words.contributions == without.contributions
    assert own_words.id not in missing(questionnaire, parse_answers(questionnaire, ORDINARY_FLARE))
    view = summary_view(questionnaire, without)
    assert view.completeness is None, "a complete answer set without own words is complete"


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_report_shows_the_words_as_written(
    questionnaire: Questionnaire, own_words: Question, render_as: Render, fmt: str
) -> None:
    assessment = assess(
        questionnaire, parse_answers(questionnaire, {**ORDINARY_FLARE, own_words.id: HOSTILE})
    )
    shown = render_as(assessment, fmt)
    for unsafe in ("\x1b", "\u202e", "\x07", "\r"):
        assert unsafe not in shown
    flat = " ".join(shown.split())
    if fmt == "markdown":
        flat = flat.replace("\\", "")
    if fmt == "json":
        assert json.loads(shown)["answers"][own_words.id] == SHOWN
    elif fmt == "fhir":
        assert json.dumps(SHOWN)[1:-1] in shown
    else:
        assert SHOWN in flat, f"the {fmt} report does not show the words as written"


def test_markup_in_the_words_stays_text_in_html_and_markdown(
    questionnaire: Questionnaire, own_words: Question
) -> None:
    assessment = assess(
        questionnaire, parse_answers(questionnaire, {**ORDINARY_FLARE, own_words.id: HOSTILE})
    )
    page = render_document("html", questionnaire, assessment)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", page), "no control character at all"
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&amp;amp;" in page, "a typed entity is shown, not decoded"
    markdown = render_document("markdown", questionnaire, assessment)
    assert "<script>" not in markdown
    assert "\\<script\\>" in markdown
    assert "\\[link\\](http://x.invalid)" in markdown, "no link is made"
    for escaped in ("\\*em\\*", "\\`code\\`", "\\&amp;"):
        assert escaped in markdown


def test_rich_markup_in_the_words_is_printed_not_obeyed(
    questionnaire: Questionnaire, own_words: Question, render_as: Render
) -> None:
    assessment = assess(
        questionnaire,
        parse_answers(questionnaire, {**ORDINARY_FLARE, own_words.id: "[red]hot[/red] [link]"}),
    )
    assert "[red]hot[/red] [link]" in render_as(assessment, "rich")


def test_the_words_survive_a_fhir_round_trip(
    questionnaire: Questionnaire, own_words: Question, run_cli: RunCli, tmp_path: Path
) -> None:
    answers = parse_answers(questionnaire, {**ORDINARY_FLARE, own_words.id: HOSTILE})
    response = tmp_path / "response.json"
    response.write_text(render_document("fhir", questionnaire, assess(questionnaire, answers)))
    result = run_cli("report", str(response), "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["answers"][own_words.id] == SHOWN


def test_a_flag_gives_the_words_without_questions(run_cli: RunCli, own_words: Question) -> None:
    flags = [
        f"--{k.replace('_', '-')}={','.join(v) if isinstance(v, list) else v}"
        for k, v in ORDINARY_FLARE.items()
    ]
    result = run_cli(
        "assess", "--no-input", *flags, own_words.flag, "Since the new cream", "-f", "json"
    )
    assert result.code == 0, result.err
    assert json.loads(result.out)["answers"][own_words.id] == "Since the new cream"


def test_in_a_terminal_the_words_are_asked_last_shown_in_the_review_and_the_summary(
    questionnaire: Questionnaire, own_words: Question, tmp_path: Path
) -> None:
    given = {k: v for k, v in ORDINARY_FLARE.items() if k != "itch"}
    flags = [
        f"--{k.replace('_', '-')}={','.join(v) if isinstance(v, list) else v}"
        for k, v in given.items()
    ]
    typed = "[bold]Worse[/bold] since <b>the</b> new *soap*"
    with Terminal("assess", *flags, columns=80, rows=60, cwd=tmp_path) as term:
        term.wait_for(questionnaire.question("itch").text)
        term.send("3" + ENTER)
        term.wait_for(own_words.text, own_words.help)
        term.send(typed + ENTER)
        term.wait_for("Review your answers", f"{own_words.short}: {typed}")
        term.send(ENTER)
        term.wait_for("Save this report")
        assert typed in term.reads()
        term.send(ENTER)
        assert term.finish() == 0


def test_enter_alone_skips_the_words_and_the_review_says_nothing_was_added(
    questionnaire: Questionnaire, own_words: Question, tmp_path: Path
) -> None:
    given = {k: v for k, v in ORDINARY_FLARE.items() if k != "itch"}
    flags = [
        f"--{k.replace('_', '-')}={','.join(v) if isinstance(v, list) else v}"
        for k, v in given.items()
    ]
    with Terminal("assess", *flags, columns=80, rows=60, cwd=tmp_path) as term:
        term.wait_for(questionnaire.question("itch").text)
        term.send("3" + ENTER)
        term.wait_for(own_words.text)
        term.send(ENTER)
        term.wait_for("Review your answers", f"{own_words.short}: Nothing added")
        term.send(ENTER)
        term.wait_for("Save this report")
        term.send(ENTER)
        assert term.finish() == 0
