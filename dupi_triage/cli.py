"""The dupi-triage command line: parse, call the core, pick a renderer, map errors to exit codes.

Exit codes: 0 done; 1 some batch rows rejected; 2 bad usage or input, or a file or standard stream
that cannot be used (one line, never a traceback); 130 interrupted by the user; 129 and 143 a
hangup or SIGTERM, handled as Ctrl-C is; 141 a broken pipe (quiet). The README has the table.
"""

import contextlib
import difflib
import functools
import inspect
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import UsageError
from typer._click.types import StringParamType

from dupi_triage import PROG, __version__
from dupi_triage.errors import Failed, InputError, Stopped, one_of, quoted_path
from dupi_triage.help_screen import HelpCommand, HelpGroup
from dupi_triage.lazy_commands import LazyCommands, build, late_signature
from dupi_triage.options import (
    INPUT_PANEL,
    OUTPUT_PANEL,
    OutputOptions,
    keyword_parameter,
    load_questionnaire,
    output_parameters,
    question_options,
    question_values,
)

if TYPE_CHECKING:
    pass

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_FAILED = 3
EXIT_INTERRUPTED = 130

#: The commands, registered here and built one at a time by the root when used.
_REGISTRY = typer.Typer()


class _Root(HelpGroup):
    """The root group: a command is built when it is run, listed or completed, not at start."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.commands = LazyCommands(
            {
                info.name: functools.partial(_build, info)
                for info in _REGISTRY.registered_commands
                if info.name
            }
        )

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)


app = typer.Typer(
    name=PROG,
    help=(
        "A questionnaire for a new or worse rash during dupilumab (Dupixent) treatment. "
        "It asks about warning signs, timing, appearance, response to pausing and other causes, "
        "then says how soon to contact your prescriber, which pattern your answers are "
        "consistent with, and why. It does not diagnose."
    ),
    # --install-completion and --show-completion: Typer's own, cheap to add (measured: no
    # difference in start-up; benchmarks/bench.py --startup-only).
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=_Root,
)


def _build(info: Any) -> Any:
    command = build(info, markup=app.rich_markup_mode)
    _show_arguments_plainly(command)
    if command.name == "assess":
        command.params.extend(question_options(load_questionnaire()))
    return command


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
    from dupi_triage.session import run_assess

    output = OutputOptions(**{name: values.pop(name) for name in _OUTPUT_NAMES})
    no_input = values.pop("no_input")
    answers_path = values.pop("answers")
    save_answers = values.pop("save_answers")
    from_diary = values.pop("from_diary")
    diary = values.pop("diary")
    run_assess(
        question_values(values),
        output,
        no_input=no_input,
        answers_path=answers_path,
        save_answers=save_answers,
        from_diary=from_diary or diary is not None,
        diary=diary,
    )
    return EXIT_OK


def _assess_parameters() -> list[inspect.Parameter]:
    """--no-input and the other input flags, then the output flags (`_build` adds one flag per
    question after them)."""
    return [*_assess_input(), *output_parameters()]


def _assess_input() -> list[inspect.Parameter]:
    return [
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
                    help="Read answers from a JSON file or a FHIR QuestionnaireResponse ('-' for "
                    "standard input). Flags override it.",
                    rich_help_panel=INPUT_PANEL,
                    metavar="FILE",
                ),
            ],
        ),
        keyword_parameter(
            "from_diary",
            Annotated[
                bool,
                typer.Option(
                    "--from-diary",
                    help="Answer the timing questions from your diary (see 'diary --help'); "
                    "flags and the answers file still win.",
                    rich_help_panel=INPUT_PANEL,
                ),
            ],
            False,
        ),
        keyword_parameter(
            "diary",
            Annotated[
                str | None,
                typer.Option(
                    "--diary",
                    help="The diary file for --from-diary (default: $DUPI_TRIAGE_DIARY, else "
                    "diary.sqlite in your data folder).",
                    rich_help_panel=INPUT_PANEL,
                    metavar="PATH",
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


_REGISTRY.command(
    "assess",
    cls=HelpCommand,
    help="Answer the questionnaire (interactively, or with flags and --no-input); get the summary.",
    no_args_is_help=False,
)(late_signature(_assess_parameters)(_assess))


# --- report ---------------------------------------------------------------------------------------


def _report(path: str, **values: Any) -> int:
    from dupi_triage.answers_file import read_answers_file
    from dupi_triage.output import check_output, emit
    from dupi_triage.scoring import assess

    output = OutputOptions(**values)
    questionnaire = load_questionnaire()
    fmt = check_output(output, path)
    answers = read_answers_file(questionnaire, path, "PATH")
    emit(questionnaire, assess(questionnaire, answers), output, fmt)
    return EXIT_OK


def _report_parameters() -> list[inspect.Parameter]:
    return [
        inspect.Parameter(
            "path",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=Annotated[
                str,
                typer.Argument(
                    help="An answers file (from --save-answers), a JSON result or a FHIR "
                    "QuestionnaireResponse; '-' reads standard input.",
                    metavar="PATH",
                    show_default=False,
                ),
            ],
        ),
        *output_parameters(),
    ]


_REGISTRY.command(
    "report",
    cls=HelpCommand,
    help="Render saved answers, or a saved JSON result, in any format: same answers, same result.",
)(late_signature(_report_parameters)(_report))


# --- questions ------------------------------------------------------------------------------------


@_REGISTRY.command("questions", cls=HelpCommand)
def _questions(
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="table (terminal), json, fhir (an R4 Questionnaire) or rules (how the level is "
            "decided, as a Markdown table).",
        ),
    ] = "table",
) -> int:
    """List every question with its id, flag, type and allowed values."""
    from dupi_triage.render import questions as listing

    questionnaire = load_questionnaire()
    fmt = one_of(format, listing.FORMATS, "--format")
    if fmt == "table":
        from rich.console import Console

        from dupi_triage.questionnaire import NEUTRAL_VOICE

        # A list of flags, read by anyone about anyone: "the person with the rash", not "you".
        neutral = questionnaire.speaking_to(NEUTRAL_VOICE)
        listing.print_table(Console(highlight=False, emoji=False), neutral)
    else:
        from dupi_triage.streams import UTF8_FORMATS, write_out

        write_out(listing.render(fmt, questionnaire), utf8=fmt in UTF8_FORMATS)
    return EXIT_OK


# --- batch ----------------------------------------------------------------------------------------

EXIT_REJECTED = 1


@_REGISTRY.command("batch", cls=HelpCommand)
def _batch(
    input_path: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="JSONL (one answers object or FHIR QuestionnaireResponse per line), a FHIR "
            "Bundle of QuestionnaireResponses, or CSV (a header row of question ids; "
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
            help="jsonl, csv or json (one document: a Bundle, each entry a row). "
            "Default: from the suffix or content.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
    jobs: Annotated[
        str | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help="Score on N processes at once (results still in input order). "
            "Default: the cores available.",
        ),
    ] = None,
) -> int:
    """Score many answer sets: one result per row, in order. Exit 1 if any row was rejected,
    3 if a worker process died."""
    from dupi_triage.batch import batch_command, job_count

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
        jobs=job_count(jobs),
    )
    from dupi_triage.streams import say

    say(summary.line())
    return EXIT_REJECTED if summary.rejected else EXIT_OK


# --- diary ----------------------------------------------------------------------------------------


class _LazyDiary(HelpGroup):
    """`diary` loads its commands (and with them sqlite3) only when it is used."""

    def list_commands(self, ctx: Any) -> list[str]:
        from dupi_triage.diary.commands import command_names

        return command_names()

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        from dupi_triage.diary.commands import command

        return command(cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Typer suggests from `self.commands`, empty here: suggest from the names instead."""
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            close = difflib.get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if close and "Did you mean" not in error.message:
                named = ", ".join(repr(name) for name in close)
                error.message = f"{error.message.rstrip('.')}. Did you mean {named}?"
            raise


_DIARY = _LazyDiary(
    name="diary",
    help="Keep a diary of doses and skin check-ins: dose, skin, pause, show, edit, delete, "
    "export, import, check.",
    no_args_is_help=True,
)


# --- entry point ----------------------------------------------------------------------------------


def _click_exception_type() -> type[Exception]:
    """The vendored ClickException: Typer exports BadParameter but not its base (typer#1867)."""
    for base in typer.BadParameter.__mro__:
        if base.__name__ == "ClickException":
            return base
    raise RuntimeError("typer.BadParameter does not derive from ClickException")


def main(argv: list[str] | None = None) -> int:
    from dupi_triage.streams import standard_streams

    with standard_streams():
        code = _main(argv)
    pool = sys.modules.get("dupi_triage.batch_pool")
    if pool is not None and pool.reader_left_blocked():
        # Stopped while a thread waits on standard input: the usual exit would abort on it.
        import os

        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    return code


def _main(argv: list[str] | None) -> int:
    from dupi_triage import streams

    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    command.add_command(_DIARY)
    click_exception = _click_exception_type()
    try:
        result = command.main(args=argv, prog_name=PROG, standalone_mode=False)
        streams.finish_stdout()
    except InputError as error:
        _fail(str(error))
        return EXIT_USAGE
    except Stopped as stop:
        streams.say(str(stop))
        return stop.exit_code
    except Failed as failure:
        _fail(str(failure))
        return EXIT_FAILED
    except click_exception as error:
        _fail(_usage_message(command, error))
        return int(getattr(error, "exit_code", EXIT_USAGE))
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as a tool ended by SIGPIPE would.
        streams.abandon_stdout()
        return streams.EXIT_BROKEN_PIPE
    except SystemExit as leaving:
        # Typer turns a broken pipe inside a command into exit 1, which batch uses for rejected
        # rows; the broken pipe's own status is the honest one.
        if not isinstance(leaving.__context__, BrokenPipeError):
            raise
        streams.abandon_stdout()
        return streams.EXIT_BROKEN_PIPE
    except OSError as error:
        # Files are checked where they are opened; what is left is a standard stream.
        streams.abandon_stdout()
        where = "standard output" if error.filename is None else quoted_path(error.filename)
        _fail(f"{where}: cannot write ({error.strerror or error})")
        return EXIT_USAGE
    # Typer turns Ctrl-C outside the questions into exit code 130; say so calmly.
    if result == EXIT_INTERRUPTED:
        streams.say(f"\n{PROG}: stopped. Nothing was saved.")
    if isinstance(result, int):
        return result
    return EXIT_OK


# --- usage errors and help ---------------------------------------------------------------------


def _usage_message(group: typer.core.TyperGroup, error: Exception) -> str:
    """One line for a click usage error, pointing to the --help of the command concerned.

    A flag given without its value is reported like any other bad value: the flag, the problem
    and the allowed values. A flag of a subcommand given before it points to that subcommand.
    """
    message = " ".join(error.format_message().split())  # type: ignore[attr-defined]
    context = getattr(error, "ctx", None)
    option = getattr(error, "option_name", None)
    owner = _subcommand_with_option(group, option) if option else None
    from dupi_triage.invocation import invoked

    # The command as the person ran it (.venv/bin/dupi-triage ...): it runs as printed.
    where = invoked()
    if context is not None and context.command is not group:
        where += context.command_path[len(PROG) :]
    elif owner is not None:
        where += f" {owner}"
        if context is not None:  # given before the subcommand's name
            message += f"; it belongs after '{where}'"
    question = _question_with_flag(option) if option else None
    if question is not None and "requires an argument" in message:
        message = f"{option}: needs a value (allowed: {question.allowed_values()})"
    return f"{message} (see '{where} --help')"


def _subcommand_with_option(group: typer.core.TyperGroup, option: str) -> str | None:
    for name, subcommand in group.commands.items():
        if any(option in param.opts for param in subcommand.params):
            return name
    return None


def _question_with_flag(option: str) -> Any:
    return next((q for q in load_questionnaire() if q.flag == option), None)


def _show_arguments_plainly(command: Any) -> None:
    """`report PATH`, not Typer's `report {PATH}` with a `<str>` type column (Typer 0.26-0.28)."""
    for param in command.params:
        if isinstance(param, typer.core.TyperArgument) and param.metavar:
            param.__class__ = _PlainArgument
            param.type = _PLAIN_TEXT


class _PlainArgument(typer.core.TyperArgument):
    def make_metavar(self, ctx: Any, *, usage: bool = False) -> str:
        return str(self.metavar)


class _PlainText(StringParamType):
    """Text whose type needs no naming in --help: the argument's name and help say it all."""

    def get_metavar(self, param: Any, ctx: Any) -> str:
        return ""


_PLAIN_TEXT = _PlainText()


def _fail(message: str) -> None:
    from dupi_triage.errors import printable
    from dupi_triage.streams import say

    say(f"{PROG}: error: {printable(message)}")
