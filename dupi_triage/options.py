"""Command-line options generated from data, so flags never drift from the questionnaire.

Typer reads a command's options from its function signature. These helpers build that signature
from lists of parameters, so one question flag per question (and the output options shared by
`assess` and `report`) are declared once.
"""

import inspect
from collections.abc import Callable, Sequence
from typing import Annotated, Any, NamedTuple

import typer

from dupi_triage.questionnaire import NEUTRAL_VOICE, Question, Questionnaire, When
from dupi_triage.render import FORMATS

OUTPUT_PANEL = "Output"


class OutputOptions(NamedTuple):
    """How and where a result is shown (the options from output_parameters)."""

    format: str | None
    output: str | None
    force: bool
    no_color: bool
    plain: bool


INPUT_PANEL = "Input"


def keyword_parameter(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def question_help(
    question: Question, questionnaire: Questionnaire, *, conditions: bool = True
) -> str:
    """A question flag's help: the question, worded for nobody in particular (flags are given
    by anyone, about anyone: "the person with the rash", never "you"), its values, and when it
    applies (`conditions`: the diary has no --age-band or other answers to apply them to, so its
    help leaves them out)."""
    text = questionnaire.speaking_to(NEUTRAL_VOICE).question(question.id).text
    if question.type == "integer":
        values = f"A whole number from {question.min} to {question.max}."
    elif question.type == "text":
        values = f"Free text, {question.max} characters at most; never scored."
    else:
        joined = ", ".join(question.option_ids)
        values = (
            f"One or more of: {joined} (commas or repeats)."
            if question.type == "multi"
            else f"One of: {joined}."
        )
    condition = ""
    if not conditions:
        return f"{text} {values}"
    if question.when is not None:
        from dupi_triage.answers import describe_condition, flag_field

        condition = f" Only when {describe_condition(question, flag_field, questionnaire)}."
    # Options offered only to some (the nappy area, under 6), grouped by their condition.
    only: dict[When, list[str]] = {}
    for option in question.options:
        if option.when is not None:
            only.setdefault(option.when, []).append(option.id)
    for when, ids in only.items():
        from dupi_triage.answers import describe_when, flag_field

        shown = describe_when(when, flag_field, questionnaire)
        condition += f" {', '.join(ids)} only when {shown}."
    return f"{text} {values}{condition}"


METAVARS = {"multi": "VALUES", "single": "VALUE", "integer": "NUMBER", "text": "TEXT"}


def _value_completer(question: Question) -> Any:
    """Shell completion of a question flag's values (dash form); after a comma, the next one."""
    values = [option_id.replace("_", "-") for option_id in question.option_ids]

    def complete(incomplete: str) -> list[str]:
        done, _, current = incomplete.rpartition(",")
        prefix = f"{done}," if done else ""
        return [prefix + value for value in values if value.startswith(current)]

    return complete


def question_parameters(questionnaire: Questionnaire) -> list[inspect.Parameter]:
    """One flag per question, grouped in --help by section, named after the question id."""
    parameters = []
    for question in questionnaire:
        section = questionnaire.section(question.section)
        info = typer.Option(
            question.flag,
            help=question_help(question, questionnaire),
            rich_help_panel=f"Questions: {section.title}",
            metavar=METAVARS[question.type],
            show_default=False,
            autocompletion=_value_completer(question),
        )
        # A list for every question, so a single-value flag given twice is an error, not a guess.
        kind: Any = list[str] | None
        parameters.append(keyword_parameter(question.id, Annotated[kind, info]))
    return parameters


def output_parameters() -> list[inspect.Parameter]:
    """How and where the result is shown; shared by every command that renders an assessment."""
    return [
        keyword_parameter(
            "format",
            Annotated[
                str | None,
                typer.Option(
                    "--format",
                    "-f",
                    metavar="FORMAT",
                    help=f"Output format: {', '.join(FORMATS)}. Default: the terminal summary, or "
                    "the format matching the --output suffix.",
                    rich_help_panel=OUTPUT_PANEL,
                    show_default=False,
                ),
            ],
        ),
        keyword_parameter(
            "output",
            Annotated[
                str | None,
                typer.Option(
                    "--output",
                    "-o",
                    help="Write the report to this file (owner-only). '-' means standard output.",
                    rich_help_panel=OUTPUT_PANEL,
                    metavar="PATH",
                ),
            ],
        ),
        keyword_parameter(
            "force",
            Annotated[
                bool,
                typer.Option(
                    "--force",
                    help="Replace files that already exist.",
                    rich_help_panel=OUTPUT_PANEL,
                ),
            ],
            False,
        ),
        keyword_parameter(
            "no_color",
            Annotated[
                bool,
                typer.Option(
                    "--no-color",
                    help="No colour in the terminal (NO_COLOR is honoured too).",
                    rich_help_panel=OUTPUT_PANEL,
                ),
            ],
            False,
        ),
        keyword_parameter(
            "plain",
            Annotated[
                bool,
                typer.Option(
                    "--plain",
                    help="Plain text on screen: no boxes, symbols or colour; suits screen readers.",
                    rich_help_panel=OUTPUT_PANEL,
                ),
            ],
            False,
        ),
    ]


def with_signature(
    function: Callable[..., Any], parameters: Sequence[inspect.Parameter]
) -> Callable[..., Any]:
    """Give a `**kwargs` function the signature Typer should read its options from."""
    function.__signature__ = inspect.Signature(list(parameters))  # type: ignore[attr-defined]
    function.__annotations__ = {p.name: p.annotation for p in parameters}
    return function
