"""`diary show` in each format: the chart, the entries newest last, and what the timing says.

No rich here: ten years of entries print as plain lines (with a few ANSI colours on a terminal),
which keeps `diary show` as quick as the other commands.
"""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from collections.abc import Sequence
from pathlib import Path

from dupi_triage.diary.entries import Entry
from dupi_triage.diary.timeline import Row, rows, series, text_chart
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.timing import Timing, derive_timing

DETAILS_COLUMN = 32


def timing_lines(questionnaire: Questionnaire, timing: Timing) -> list[str]:
    """Each derived answer in the person's words, with its evidence."""
    lines = []
    for derived in timing.answers:
        question = questionnaire.by_id.get(derived.question)
        if question is None:
            continue
        if derived.answer is None or derived.answer not in question.option_ids:
            shown = "cannot say from the diary"
        else:
            shown = question.option(derived.answer).label
        lines.append(f"{question.short}: {shown}")
        lines.extend(f"    {line}" for line in derived.evidence)
    return lines


def render_show(
    questionnaire: Questionnaire, path: Path, entries: Sequence[Entry], fmt: str
) -> str:
    if fmt == "csv":
        from dupi_triage.diary.exchange import to_csv

        return to_csv(questionnaire, entries)
    timing = derive_timing(entries)
    if fmt == "json":
        from dupi_triage.diary.exchange import entry_to_json

        document = {
            "diary": str(path),
            "entries": [entry_to_json(e) for e in entries],
            "timing": [
                {"question": a.question, "answer": a.answer, "evidence": list(a.evidence)}
                for a in timing.answers
            ],
            "usual_interval_days": timing.usual_interval,
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if not entries:
        return f"The diary at {path} has no entries yet.\n"
    table = rows(questionnaire, entries)
    chart = series(questionnaire, entries, timing)
    if fmt == "markdown":
        return _markdown(
            path, table, text_chart(chart, unicode=False), timing_lines(questionnaire, timing)
        )
    colour = fmt == "rich" and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    out = [f"Diary: {path}", ""]
    out += text_chart(chart, unicode=fmt == "rich")
    out += ["", f"{'Date':<10}  {'Entry':<8}  {'Id':<8}  Details"]
    width = max(60, min(shutil.get_terminal_size().columns, 120)) - DETAILS_COLUMN
    wrapped: dict[str, str] = {}  # years of check-ins repeat the same few details
    for row in table:
        details = wrapped.get(row.details)
        if details is None:
            parts = textwrap.wrap(row.details, width, break_on_hyphens=False) or [""]
            details = wrapped[row.details] = ("\n" + " " * DETAILS_COLUMN).join(parts)
        line = f"{row.day:<10}  {row.kind:<8}  {row.id:<8}  {details}"
        if colour and row.kind == "dose":
            line = f"\x1b[1m{line}\x1b[0m"
        out.append(line)
    out += ["", "What the diary says about timing (heuristics; check each one):"]
    out += [f"  {line}" for line in timing_lines(questionnaire, timing)]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _markdown(path: Path, table: Sequence[Row], chart: Sequence[str], timing: Sequence[str]) -> str:
    out = [f"# Diary ({_cell(str(path))})", "", "```", *chart, "```", ""]
    out += ["| Date | Entry | Id | Details |", "|---|---|---|---|"]
    out += [f"| {r.day} | {r.kind} | {r.id} | {_cell(r.details)} |" for r in table]
    out += ["", "## What the diary says about timing", ""]
    for line in timing:
        out.append(f"    - {line.strip()}" if line.startswith("    ") else f"- {line}")
    return "\n".join(out) + "\n"
