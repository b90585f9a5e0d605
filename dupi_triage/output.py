"""Where a result goes: the terminal summary, a document on standard output, or a private file."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from dupi_triage.files import check_writable
from dupi_triage.options import OutputOptions
from dupi_triage.questionnaire import Questionnaire

if TYPE_CHECKING:
    from rich.console import Console

    from dupi_triage.scoring.model import Assessment


def check_output(output: OutputOptions) -> str:
    from dupi_triage.render import choose_format

    fmt = choose_format(output.format, output.output)
    if output.output not in (None, "-"):
        check_writable(output.output, force=output.force, field="--output")
    return fmt


def console(output: OutputOptions, *, stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, no_color=output.no_color or None, highlight=False, emoji=False)


def emit(
    questionnaire: Questionnaire,
    assessment: Assessment,
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

            print_summary(console(output), questionnaire, assessment)
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
