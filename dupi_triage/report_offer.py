"""After an interactive summary: offer to save a report to send to the prescriber or print.

Most people run `dupi-triage` bare and only then want something to show. The offer names the
file before anything is written (a dated name in the current folder, never one that exists),
saves it owner-only, and shows the full path; Enter alone skips it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dupi_triage import PROG
from dupi_triage.errors import InputError
from dupi_triage.invocation import invoked
from dupi_triage.questionnaire import Questionnaire

if TYPE_CHECKING:
    from dupi_triage.scoring.model import Assessment

REPORT_FORMAT = "html"
# Enough tries for many runs in a day; a folder with more than this gets the error, not a loop.
MOST_SAME_DAY = 99


def report_path(folder: Path, day: datetime.date, suffix: str = REPORT_FORMAT) -> Path:
    """The first free dated name in `folder`: dupi-triage-report-2026-11-26.html, then -2, -3."""
    stem = f"{PROG}-report-{day.isoformat()}"
    for number in range(1, MOST_SAME_DAY + 1):
        name = f"{stem}.{suffix}" if number == 1 else f"{stem}-{number}.{suffix}"
        if not (folder / name).exists():
            return folder / name
    raise InputError("report", f"{MOST_SAME_DAY} reports from today already in {str(folder)!r}")


def offer_report(
    questionnaire: Questionnaire,
    assessment: Assessment,
    print_line: Callable[[str], None],
    **io: Any,
) -> Path | None:
    """Ask whether to save the report; save it if so. Raises KeyboardInterrupt or EOFError."""
    from dupi_triage.prompts import ask_yes_no
    from dupi_triage.wrapping import fill, terminal_width, usable

    width = usable(terminal_width(io.get("output")))

    def say(text: str) -> None:
        print_line(fill(text, width))

    folder = Path.cwd()
    try:
        path = report_path(folder, datetime.date.today())
    except InputError as error:
        say(f"The report cannot be saved here: {error.problem}.")
        return None
    # "your prescriber", "your child's prescriber", "the patient's prescriber" (the voice tables).
    your = questionnaire.worded_for(assessment.answers.values).words.get("your", "your")
    question = (
        f"Save this report to send to {your} prescriber or print? It will be saved as "
        f"{path.name} in {folder} (a web page; open it in a browser to print). "
        "Type y to save, or press Enter to skip. (y/N)"
    )
    wanted = ask_yes_no(question, **io)
    if not wanted:
        # The answers are not kept after a finished run: say plainly that a report later means
        # answering again (or keeping them next time), not only adding a flag.
        say(
            "No report saved. For one later, answer the questions again with "
            f"{invoked()} assess --output FILE.html (add --save-answers FILE.json to keep the "
            "answers too)."
        )
        return None
    return _save(questionnaire, assessment, path, say, print_line)


def _save(
    questionnaire: Questionnaire,
    assessment: Assessment,
    path: Path,
    say: Callable[[str], None],
    print_line: Callable[[str], None],
) -> Path | None:
    from dupi_triage.files import write_private
    from dupi_triage.render import render_document

    text = render_document(REPORT_FORMAT, questionnaire, assessment)
    for _ in range(MOST_SAME_DAY):
        try:
            saved = write_private(str(path), text, force=False, field="report")
        except InputError as error:
            if not path.exists():  # not a name taken meanwhile: the folder refused
                say(f"The report could not be saved: {error.problem}.")
                say(f"Run {invoked()} again with --output PATH to save it somewhere else.")
                return None
            path = report_path(path.parent, datetime.date.today())
            continue
        say("Saved the report, readable only by you, to:")
        print_line(str(saved.resolve()))  # whole, never broken: it may be copied
        return saved
    return None
