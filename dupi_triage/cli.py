"""The dupi-triage command line: parse, call the core, pick a renderer, map errors to exit codes.

Exit codes: 0 done; 1 some batch rows rejected; 2 bad usage or input (one line, never a traceback);
130 interrupted by the user.
"""

import inspect
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dupi_triage import __version__
from dupi_triage.answers import (
    Answers,
    check_conditions,
    flag_field,
    is_applicable,
    missing,
    parse_answers,
)
from dupi_triage.errors import InputError, one_of
from dupi_triage.options import (
    INPUT_PANEL,
    OUTPUT_PANEL,
    OutputOptions,
    keyword_parameter,
    output_parameters,
    question_parameters,
    with_signature,
)
from dupi_triage.questionnaire import Questionnaire, load_questionnaire

if TYPE_CHECKING:
    from rich.console import Console

    from dupi_triage.scoring.model import Assessment

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
PROG = "dupi-triage"

app = typer.Typer(
    name=PROG,
    help=(
        "A questionnaire for a new or worse rash during dupilumab (Dupixent) treatment. "
        "It asks about warning signs, timing, appearance, response to pausing and other causes, "
        "then says how soon to contact your prescriber, which pattern your answers are "
        "consistent with, and why. It does not diagnose."
    ),
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {__version__} (questionnaire {load_questionnaire().version})")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> Any:
    """Run the questionnaire (same as `dupi-triage assess`) when no command is given."""
    if ctx.invoked_subcommand is None:
        group = ctx.command
        assert isinstance(group, typer.core.TyperGroup)
        assess_command = group.get_command(ctx, "assess")
        assert assess_command is not None
        return ctx.invoke(assess_command)
    return None


# --- assess ---------------------------------------------------------------------------------------

_OUTPUT_NAMES = ("format", "output", "force", "no_color", "plain")


def _assess(**values: Any) -> int:
    output = OutputOptions(**{name: values.pop(name) for name in _OUTPUT_NAMES})
    no_input = values.pop("no_input")
    answers_path = values.pop("answers")
    save_answers = values.pop("save_answers")
    return run_assess(
        values, output, no_input=no_input, answers_path=answers_path, save_answers=save_answers
    )


_ASSESS_INPUT = [
    keyword_parameter(
        "no_input",
        Annotated[
            bool,
            typer.Option(
                "--no-input",
                help="Never ask questions: score what the flags and the answers file give. "
                "Unanswered warning signs are reported as not screened.",
                rich_help_panel=INPUT_PANEL,
            ),
        ],
        False,
    ),
    keyword_parameter(
        "answers",
        Annotated[
            str | None,
            typer.Option(
                "--answers",
                help="Read answers from a JSON file ('-' for standard input). Flags override it.",
                rich_help_panel=INPUT_PANEL,
                metavar="FILE",
            ),
        ],
    ),
    keyword_parameter(
        "save_answers",
        Annotated[
            str | None,
            typer.Option(
                "--save-answers",
                help="Also save the answers as JSON that --answers can read back (owner-only).",
                rich_help_panel=OUTPUT_PANEL,
                metavar="PATH",
            ),
        ],
    ),
]

app.command(
    "assess",
    help="Answer the questionnaire (interactively, or with flags and --no-input); get the summary.",
    no_args_is_help=False,
)(
    with_signature(
        _assess, [*_ASSESS_INPUT, *output_parameters(), *question_parameters(load_questionnaire())]
    )
)


def run_assess(
    flag_values: dict[str, Any],
    output: OutputOptions,
    *,
    no_input: bool,
    answers_path: str | None,
    save_answers: str | None,
) -> int:
    questionnaire = load_questionnaire()
    fmt = _check_output(output)
    # Saving back into the answers file being finished is what resuming means: no --force needed.
    save_force = output.force or _same_file(save_answers, answers_path)
    if save_answers is not None:
        if _same_file(save_answers, output.output):
            raise InputError("--save-answers", "must not be the same file as --output")
        _check_file(save_answers, force=save_force, field="--save-answers")
    answers = _given_answers(questionnaire, flag_values, answers_path)

    interactive = False
    unanswered = missing(questionnaire, answers)
    if not no_input and unanswered:
        if not sys.stdin.isatty() or not (sys.stdout.isatty() or sys.stderr.isatty()):
            raise InputError(
                "--no-input",
                "there is no terminal to ask questions on; add --no-input to score what was "
                f"given, or answer: {', '.join(unanswered)}",
            )
        answers = _ask(questionnaire, answers, output, save_answers, save_force)
        interactive = True

    from dupi_triage.scoring import assess

    assessment = assess(questionnaire, answers)
    if save_answers is not None:
        _save_answers(questionnaire, answers, save_answers, force=save_force)
    _emit(questionnaire, assessment, output, fmt, also_on_screen=interactive)
    return EXIT_OK


def _given_answers(
    questionnaire: Questionnaire, flag_values: dict[str, Any], answers_path: str | None
) -> Answers:
    """Answers file first, flags over it (the one precedence rule), checked together."""
    base = Answers()
    if answers_path is not None:
        from dupi_triage.answers_file import read_answers_file

        base = read_answers_file(questionnaire, answers_path, "--answers")
    given = {key: value for key, value in flag_values.items() if value is not None}
    flagged = parse_answers(questionnaire, given, flag_field) if given else Answers()
    answers = base.merged(flagged)
    # A flag that changes a condition (--dose-paused no) drops the file's answers that hung on it.
    stale = [
        q.id
        for q in questionnaire.conditional
        if q.id in base
        and q.id not in flagged
        and q.when is not None
        and q.when.question in flagged
        and not is_applicable(q, answers)
    ]
    answers = answers.without(*stale)
    check_conditions(questionnaire, answers, lambda q: flag_field(q) if q.id in flagged else q.id)
    return answers


def _same_file(first: str | None, second: str | None) -> bool:
    if first is None or second is None or "-" in (first, second):
        return False
    return os.path.abspath(os.path.expanduser(first)) == os.path.abspath(os.path.expanduser(second))


def _ask(
    questionnaire: Questionnaire,
    answers: Answers,
    output: OutputOptions,
    save_answers: str | None,
    save_force: bool,
) -> Answers:
    from dupi_triage.prompts import Interrupted, TerminalNotes, run_questionnaire

    # With the summary redirected to a file, the questions go to the terminal on stderr.
    on_stderr = not sys.stdout.isatty()
    io: dict[str, Any] = {}
    if on_stderr:
        from prompt_toolkit.output import create_output

        io["output"] = create_output(stdout=sys.stderr)
    no_colour = output.no_color or bool(os.environ.get("NO_COLOR"))
    if output.no_color:
        from prompt_toolkit.output import ColorDepth

        io["color_depth"] = ColorDepth.DEPTH_1_BIT
    notes = TerminalNotes(
        sys.stderr if on_stderr else sys.stdout,
        colour=not no_colour and os.environ.get("TERM") != "dumb",
    )
    try:
        return run_questionnaire(questionnaire, answers, console=notes, **io)
    except Interrupted as stop:
        if save_answers is not None and len(stop.answers):
            _save_answers(questionnaire, stop.answers, save_answers, force=save_force)
            message = (
                f"Stopped. Your answers so far are saved in {save_answers}; finish with: "
                f"{PROG} assess --answers {save_answers} --save-answers {save_answers}"
            )
        else:
            message = "Stopped. Nothing was saved."
        _report_stop(message)
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _save_answers(
    questionnaire: Questionnaire, answers: Answers, path: str, *, force: bool
) -> None:
    import json

    from dupi_triage.files import write_private

    text = json.dumps(answers.to_json(questionnaire), indent=2, ensure_ascii=False) + "\n"
    write_private(path, text, force=force, field="--save-answers")


# --- output ---------------------------------------------------------------------------------------


def _check_output(output: OutputOptions) -> str:
    from dupi_triage.render import choose_format

    fmt = choose_format(output.format, output.output)
    if output.output not in (None, "-"):
        _check_file(output.output, force=output.force, field="--output")
    return fmt


def _check_file(path: str, *, force: bool, field: str) -> None:
    from dupi_triage.files import check_writable

    check_writable(path, force=force, field=field)


def _console(output: OutputOptions, *, stderr: bool = False) -> "Console":
    from rich.console import Console

    return Console(stderr=stderr, no_color=output.no_color or None, highlight=False, emoji=False)


def _emit(
    questionnaire: Questionnaire,
    assessment: "Assessment",
    output: OutputOptions,
    fmt: str,
    *,
    also_on_screen: bool = False,
) -> None:
    from dupi_triage.render import TERMINAL, render_document

    to_file = output.output not in (None, "-")
    if fmt == TERMINAL or (to_file and also_on_screen):
        # A dumb terminal cannot draw boxes or colour: it gets the plain text.
        if output.plain or os.environ.get("TERM") == "dumb":
            sys.stdout.write(render_document("text", questionnaire, assessment))
        else:
            from dupi_triage.render.terminal import print_summary

            print_summary(_console(output), questionnaire, assessment)
    if fmt == TERMINAL:
        return
    text = render_document(fmt, questionnaire, assessment)
    if to_file:
        from dupi_triage.files import write_private

        assert output.output is not None
        path = write_private(output.output, text, force=output.force, field="--output")
        print(f"Saved the {fmt} report to {path} (readable only by you).", file=sys.stderr)
    else:
        sys.stdout.write(text)


# --- report ---------------------------------------------------------------------------------------


def _report(path: str, **values: Any) -> int:
    output = OutputOptions(**values)
    questionnaire = load_questionnaire()
    fmt = _check_output(output)
    from dupi_triage.answers_file import read_answers_file

    answers = read_answers_file(questionnaire, path, "PATH")
    from dupi_triage.scoring import assess

    _emit(questionnaire, assess(questionnaire, answers), output, fmt)
    return EXIT_OK


app.command(
    "report",
    help="Render saved answers, or a saved JSON result, in any format: same answers, same result.",
)(
    with_signature(
        _report,
        [
            inspect.Parameter(
                "path",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=Annotated[
                    str,
                    typer.Argument(
                        help="An answers file (from --save-answers) or a JSON result; '-' reads "
                        "standard input.",
                        metavar="PATH",
                        show_default=False,
                    ),
                ],
            ),
            *output_parameters(),
        ],
    )
)


# --- questions ------------------------------------------------------------------------------------


@app.command("questions")
def _questions(
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="table (terminal), json or fhir (an R4 Questionnaire).",
        ),
    ] = "table",
) -> int:
    """List every question with its id, flag, type and allowed values."""
    from dupi_triage.render import questions as listing

    questionnaire = load_questionnaire()
    fmt = one_of(format, listing.FORMATS, "--format")
    if fmt == "table":
        from rich.console import Console

        listing.print_table(Console(highlight=False, emoji=False), questionnaire)
    else:
        sys.stdout.write(listing.render(fmt, questionnaire))
    return EXIT_OK


# --- batch ----------------------------------------------------------------------------------------

EXIT_REJECTED = 1


@app.command("batch")
def _batch(
    input_path: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="JSONL (one answers object per line) or CSV (a header row of question ids; "
            "multi-choice values joined with commas). '-' reads standard input.",
            show_default=False,
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="OUT", help="Write results here (owner-only)."),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="jsonl or csv. Default: from the --output suffix, else jsonl.",
        ),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            metavar="FORMAT",
            help="jsonl or csv. Default: from the suffix or content.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
) -> int:
    """Score many answer sets: one result per row, in order. Exit 1 if any row was rejected."""
    from dupi_triage.batch import batch_command

    summary = batch_command(
        load_questionnaire(),
        input_path,
        output,
        out_format=format,
        in_format=input_format,
        force=force,
        progress_to=sys.stderr,
        stdin=sys.stdin.buffer,
        stdout=sys.stdout,
    )
    print(summary.line(), file=sys.stderr)
    return EXIT_REJECTED if summary.rejected else EXIT_OK


# --- entry point ----------------------------------------------------------------------------------


def _click_exception_type() -> type[Exception]:
    """The vendored ClickException: Typer exports BadParameter but not its base (typer#1867)."""
    for base in typer.BadParameter.__mro__:
        if base.__name__ == "ClickException":
            return base
    raise RuntimeError("typer.BadParameter does not derive from ClickException")


_stop_reported = False


def _report_stop(message: str) -> None:
    global _stop_reported
    _stop_reported = True
    print(message, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    command = typer.main.get_command(app)
    click_exception = _click_exception_type()
    try:
        result = command.main(args=argv, prog_name=PROG, standalone_mode=False)
    except InputError as error:
        _fail(str(error))
        return EXIT_USAGE
    except click_exception as error:
        message = error.format_message()  # type: ignore[attr-defined]
        context = getattr(error, "ctx", None)
        where = context.command_path if context is not None else PROG
        _fail(" ".join(message.split()) + f" (see '{where} --help')")
        return int(getattr(error, "exit_code", EXIT_USAGE))
    # Typer turns Ctrl-C outside the questions into exit code 130; say so calmly, once.
    if result == EXIT_INTERRUPTED and not _stop_reported:
        print(f"\n{PROG}: stopped. Nothing was saved.", file=sys.stderr)
    if isinstance(result, int):
        return result
    return EXIT_OK


def _fail(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
