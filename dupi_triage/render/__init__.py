"""Output formats. Each renderer module is imported only when its format is used."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from dupi_triage.errors import InputError, one_of, quoted
from dupi_triage.questionnaire import Questionnaire

if TYPE_CHECKING:  # the command line reads FORMATS without loading the scoring
    from dupi_triage.scoring.model import Assessment

TERMINAL = "rich"
DOCUMENT_FORMATS = ("text", "markdown", "json", "html", "fhir")
FORMATS = (TERMINAL, *DOCUMENT_FORMATS)
SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
}


def render_document(fmt: str, questionnaire: Questionnaire, assessment: Assessment) -> str:
    """A whole report as text, in any format but the terminal one."""
    if fmt not in DOCUMENT_FORMATS:
        raise ValueError(fmt)
    module = import_module(f"dupi_triage.render.{fmt}")
    text: str = module.render(questionnaire, assessment)
    return text


def choose_format(fmt: str | None, output: str | None) -> str:
    """The format asked for, else the one the output file's suffix implies, else the terminal."""
    if fmt is not None:
        fmt = one_of(fmt, FORMATS, "--format")
        if fmt == TERMINAL and output not in (None, "-"):
            raise InputError(
                "--format",
                "'rich' is for the terminal; pick a file format for --output",
                ", ".join(DOCUMENT_FORMATS),
            )
        return fmt
    if output is None or output == "-":
        return TERMINAL if output is None else "text"
    suffix = Path(output).suffix.lower()
    if not suffix:
        return "text"
    if suffix not in SUFFIXES:
        raise InputError(
            "--output",
            f"cannot tell the format from {quoted(suffix)}; add --format",
            ", ".join(sorted(SUFFIXES)),
        )
    return SUFFIXES[suffix]
