"""Where a result goes: the terminal summary, a document on standard output, or a private file."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from dupi_triage.errors import InputError, quoted_path
from dupi_triage.files import check_writable, is_stdout, refuse_writing_over_input
from dupi_triage.options import OutputOptions
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.streams import say, stdout_is_closed

if TYPE_CHECKING:
    from rich.console import Console

    from dupi_triage.scoring.model import Assessment


def check_output(output: OutputOptions, *inputs: str | None) -> str:
    """The format, once the output is known to be writable (and not one of the `inputs`)."""
    from dupi_triage.render import choose_format

    # /dev/stdout is '-': a document on standard output, never a file to replace.
    target = "-" if output.output is not None and is_stdout(output.output) else output.output
    fmt = choose_format(output.format, target)
    if not is_stdout(output.output):
        assert output.output is not None
        refuse_writing_over_input(output.output, "--output", *inputs)
        check_writable(output.output, force=output.force, field="--output")
    elif stdout_is_closed():
        raise InputError("--output", "standard output is closed; give a file to write to")
    return fmt


def console(output: OutputOptions, *, stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, no_color=output.no_color or None, highlight=False, emoji=False)


def plain_screen(output: OutputOptions) -> bool:
    """Plain text on screen: asked for (--plain, for screen readers), or a dumb terminal."""
    return output.plain or os.environ.get("TERM") == "dumb"


def action_last(
    questionnaire: Questionnaire, assessment: Assessment, output: OutputOptions
) -> None:
    """Safety rule 9: an urgent or emergency action, again, as the last thing on screen.

    The rich summary ends on it already; plain text ends on the prescriber's detail, and an
    offer or a note printed after a summary ends on itself, so this says it once more.
    """
    if assessment.level.value not in ("urgent", "emergency"):
        return
    if plain_screen(output):
        from dupi_triage.wrapping import fill, terminal_width, usable

        label = questionnaire.level(assessment.level.value).label.upper()
        from dupi_triage.render.text import WIDTH

        width = min(usable(terminal_width()), WIDTH)  # no wider than the text above it
        line = fill(f"{label}: {assessment.action}", width)
        sys.stdout.write(f"\n{line}\n")
        return
    from rich.constrain import Constrain

    from dupi_triage.render.terminal import MAX_WIDTH, level_banner
    from dupi_triage.render.view import summary_view

    screen = console(output)
    screen.print()
    screen.print(
        Constrain(
            level_banner(summary_view(questionnaire, assessment)), min(screen.width, MAX_WIDTH)
        )
    )


def emit(
    questionnaire: Questionnaire,
    assessment: Assessment,
    output: OutputOptions,
    fmt: str,
    *,
    also_on_screen: bool = False,
) -> None:
    from dupi_triage.render import TERMINAL, render_document

    to_file = not is_stdout(output.output)
    if fmt == TERMINAL or (to_file and also_on_screen and not stdout_is_closed()):
        # A dumb terminal cannot draw boxes or colour: it gets the plain text.
        if plain_screen(output):
            from dupi_triage.render import text as plain_text
            from dupi_triage.wrapping import terminal_width, usable

            # As wide as the screen (a screen reader's or magnifier's narrow window), at most
            # the width files get.
            width = min(usable(terminal_width()), plain_text.WIDTH)
            sys.stdout.write(plain_text.render(questionnaire, assessment, width))
            action_last(questionnaire, assessment, output)
        else:
            from dupi_triage.render.terminal import print_summary

            print_summary(console(output), questionnaire, assessment)
    if fmt == TERMINAL:
        return
    text = render_document(fmt, questionnaire, assessment)
    if to_file:
        from dupi_triage.files import write_private

        assert output.output is not None
        path = write_private(output.output, text, force=output.force, field="--output")
        say(f"Saved the {fmt} report to {quoted_path(path)} (readable only by you).")
    else:
        from dupi_triage.streams import UTF8_FORMATS, write_out

        write_out(text, utf8=fmt in UTF8_FORMATS)
