"""Command-line options generated from data, so flags never drift from the questionnaire.

Typer reads a command's options from its function signature: these helpers build that signature
from lists of parameters, so that the output options shared by `assess` and `report` are declared
once. The question flags (one per question) are made from the questionnaire directly, as the
options Typer would build (QuestionOption), added to a command when it is built.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dupi_triage.records import NamedTuple

if TYPE_CHECKING:
    from dupi_triage.questionnaire import Question, Questionnaire, When

OUTPUT_PANEL = "Output"


def load_questionnaire() -> Questionnaire:
    """The questionnaire, read when a command first needs it: `diary dose` never does, and
    importing its loader and typed objects would cost that command's every run 2 ms."""
    from dupi_triage.questionnaire_loader import load_questionnaire as load

    return load()


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
    from dupi_triage.questionnaire import NEUTRAL_VOICE

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


class QuestionOption(typer.core.TyperOption):
    """A question's flag, made from the question itself: the option Typer would build from an
    `Annotated[list[str] | None, typer.Option(...)]` parameter (tests/test_startup.py holds
    them equal), without Typer reading a signature for it, and with its help and value completion
    made only when they are used (--help, shell completion). Building the question flags through
    Typer and wording their help cost every run about 4 ms (benchmarks/bench.py).

    Its value reaches the command as click gives it: a tuple (`multiple`), else a string or None.
    """

    def __init__(
        self,
        question: Question,
        questionnaire: Questionnaire,
        *,
        multiple: bool,
        panel: str | None,
        conditions: bool = True,
        note: str = "",
        complete_values: bool = True,
    ) -> None:
        from typer._click.types import STRING

        super().__init__(
            param_decls=[question.id, question.flag],
            type=STRING,
            multiple=multiple,
            metavar=METAVARS[question.type],
            show_default=False,
            show_envvar=True,  # Typer's default for an option it builds
            rich_help_panel=panel,
        )
        self.question = question
        self.questionnaire = questionnaire
        self.conditions = conditions
        self.note = note
        self.complete_values = complete_values

    @property
    def help(self) -> str:
        text = question_help(self.question, self.questionnaire, conditions=self.conditions)
        return text + self.note

    @help.setter
    def help(self, value: str | None) -> None:
        """Click sets no help (None) while building: the question's own is the one shown."""

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        """The question's values (dash form); after a comma, the next one."""
        if not self.complete_values:
            return super().shell_complete(ctx, incomplete)
        from typer._click.shell_completion import CompletionItem

        done, _, current = incomplete.rpartition(",")
        prefix = f"{done}," if done else ""
        values = [option_id.replace("_", "-") for option_id in self.question.option_ids]
        return [CompletionItem(prefix + value) for value in values if value.startswith(current)]


def question_options(questionnaire: Questionnaire) -> list[QuestionOption]:
    """One flag per question, grouped in --help by section, named after the question id.

    Each takes a list (a single-value flag given twice is an error, not a guess): the command
    reads `question_values` of them."""
    return [
        QuestionOption(
            question,
            questionnaire,
            multiple=True,
            panel=f"Questions: {questionnaire.section(question.section).title}",
        )
        for question in questionnaire
    ]


def question_values(given: Mapping[str, Any]) -> dict[str, Any]:
    """The question flags' values as a command reads them (Typer's own rule for a list): a list,
    None when a multiple flag is not given; a single flag's string or None as it is."""
    return {
        name: (list(value) if value else None) if isinstance(value, tuple) else value
        for name, value in given.items()
    }


def output_parameters() -> list[inspect.Parameter]:
    """How and where the result is shown; shared by every command that renders an assessment."""
    from dupi_triage.render import FORMATS

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
