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
from tests.conftest import ALL_FORMATS, ORDINARY_FLARE, CliResult, Render, RunCli
from tests.pty_screen import ENTER, Terminal

BACKSPACE = "\x7f"

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
    return questionnaire.question("anything_else")


def test_the_last_question_asks_for_anything_else_in_the_persons_own_words(
    questionnaire: Questionnaire, own_words: Question
) -> None:
    assert questionnaire.questions[-1] is own_words
    assert own_words.text == "Anything else your prescriber should know?"
    assert not own_words.options
    assert own_words.when is None


def test_control_characters_become_spaces(
    questionnaire: Questionnaire, own_words: Question
) -> None:
    answers = parse_answers(questionnaire, {own_words.id: HOSTILE})
    assert answers.get(own_words.id) == SHOWN


def _words_of_length(length: int) -> str:
    return ("It got worse after the new cream. " * (length // 30 + 1))[: length - 1] + "."


def test_words_up_to_the_limit_are_kept_whole(
    questionnaire: Questionnaire, own_words: Question
) -> None:
    assert own_words.max is not None
    words = _words_of_length(own_words.max)
    assert len(words) == own_words.max
    assert parse_answers(questionnaire, {own_words.id: words}).get(own_words.id) == words


def _over_the_limit(own_words: Question) -> str:
    assert own_words.max is not None
    return _words_of_length(own_words.max + 1)


def _refused(result: CliResult, field: str, own_words: Question) -> None:
    """Exit 2 and one line naming the field, its length and the limit: nothing cut silently."""
    assert result.code == 2, result.out[-500:]
    [line] = result.err.strip().splitlines()
    assert own_words.max is not None
    assert f"{field}: is {own_words.max + 1} characters long" in line
    assert f"{field}: is {own_words.max + 1} characters long" in line
    assert f"{own_words.max} characters at most" in line
    assert not result.out


def test_a_flag_over_the_limit_is_refused_naming_the_flag_and_the_limit(
    run_cli: RunCli, own_words: Question
) -> None:
    flags = [f"--{k.replace('_', '-')}={','.join(v) if isinstance(v, list) else v}"
             for k, v in ORDINARY_FLARE.items()]  # fmt: skip
    result = run_cli("assess", "--no-input", *flags, own_words.flag, _over_the_limit(own_words))
    _refused(result, own_words.flag, own_words)


def test_an_answers_file_field_over_the_limit_is_refused_naming_the_field(
    run_cli: RunCli, own_words: Question, tmp_path: Path
) -> None:
    saved = tmp_path / "answers.json"
    saved.write_text(json.dumps({**ORDINARY_FLARE, own_words.id: _over_the_limit(own_words)}))
    _refused(run_cli("report", str(saved), "--format", "json"), own_words.id, own_words)


def test_a_fhir_answer_over_the_limit_is_refused_naming_the_item(
    questionnaire: Questionnaire, own_words: Question, run_cli: RunCli, tmp_path: Path
) -> None:
    answers = parse_answers(questionnaire, {**ORDINARY_FLARE, own_words.id: "PLACEHOLDER"})
    document = render_document("fhir", questionnaire, assess(questionnaire, answers))
    response = tmp_path / "response.json"
    response.write_text(document.replace("PLACEHOLDER", _over_the_limit(own_words)))
    _refused(run_cli("report", str(response)), f"item {own_words.id!r}", own_words)


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
    # Tall enough to hold the whole summary: the words are in the person's part, at its top.
    with Terminal("assess", *flags, columns=80, rows=200, cwd=tmp_path) as term:
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


@pytest.mark.parametrize("columns", [40, 80, 100])
def test_in_a_terminal_words_over_the_limit_are_not_accepted_and_the_reason_reads_whole(
    questionnaire: Questionnaire, own_words: Question, tmp_path: Path, columns: int
) -> None:
    """Enter does not take them, the reason fits the screen, and one character less is taken."""
    given = {k: v for k, v in ORDINARY_FLARE.items() if k != "itch"}
    flags = [
        f"--{k.replace('_', '-')}={','.join(v) if isinstance(v, list) else v}"
        for k, v in given.items()
    ]
    assert own_words.max is not None
    over = own_words.max + 1
    with Terminal("assess", *flags, columns=columns, rows=60, cwd=tmp_path) as term:
        term.wait_for(questionnaire.question("itch").text)
        term.send("3" + ENTER)
        term.wait_for(own_words.text)
        term.send(_over_the_limit(own_words) + ENTER)
        term.wait_until(lambda: any(str(over) in line for line in term.lines()), "the reason")
        term.settle()
        [reason] = [line for line in term.lines() if str(over) in line]
        assert f"{own_words.max} " in reason, reason
        assert len(reason) < columns, f"the reason runs to the edge, cut: {reason!r}"
        assert "Review your answers" not in term.reads(), "the words were taken"
        term.send(BACKSPACE + ENTER)
        term.wait_for("Review your answers")
        term.send(ENTER)
        term.wait_for("Save this report")
        term.send(ENTER)
        assert term.finish() == 0
