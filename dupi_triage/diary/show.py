"""`diary show` in each format: the chart, the entries newest last, and what the timing says.

No rich here: ten years of entries print as plain lines (with a few ANSI colours on a terminal),
which keeps `diary show` as quick as the other commands. Everything fits the terminal's width,
from 40 columns up: below 72 each entry's details go under its date instead of beside it.
`--since` shortens the chart and the list, never the evidence: the timing is always worked out
from the whole diary.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from dupi_triage.diary.entries import Entry, Pause
from dupi_triage.diary.timeline import Row, contradictions, rows, series, text_chart
from dupi_triage.errors import printable
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.timing import Timing, derive_timing
from dupi_triage.wrapping import fill

DETAILS_COLUMN = 32
SIDE_BY_SIDE = 72  # narrower than this, the details go under the date, kind and id
WIDEST = 120
CHART_LABEL = 6  # " 10 |" and one column spare


def timing_lines(questionnaire: Questionnaire, timing: Timing) -> list[str]:
    """Each derived answer in the person's words; its evidence indented by four spaces."""
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


def listed(entries: Sequence[Entry], since: dt.date | None) -> list[Entry]:
    """The entries on or after `since`, with a pause still running then."""
    if since is None:
        return list(entries)
    return [
        e
        for e in entries
        if e.day >= since or (isinstance(e, Pause) and (e.end is None or e.end >= since))
    ]


def render_show(
    questionnaire: Questionnaire,
    path: Path,
    entries: Sequence[Entry],
    fmt: str,
    *,
    since: dt.date | None = None,
    width: int = 80,
    colour: bool = False,
) -> str:
    """`entries` is the whole diary: the timing comes from all of it, the list from `since` on."""
    shown = listed(entries, since)
    if fmt == "csv":
        from dupi_triage.diary.exchange import to_csv

        return to_csv(questionnaire, shown)
    timing = derive_timing(entries)
    checks = contradictions(entries)
    if fmt == "json":
        from dupi_triage.diary.exchange import entry_to_json

        document = {
            "diary": str(path),
            "since": since.isoformat() if since else None,
            "entries": [entry_to_json(e) for e in shown],
            "timing": [
                {"question": a.question, "answer": a.answer, "evidence": list(a.evidence)}
                for a in timing.answers
            ],
            "usual_interval_days": timing.usual_interval,
            "check": checks,
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    where = printable(str(path))
    if not entries:
        return f"The diary at {where} has no entries yet.\n"
    if not shown:
        return f"The diary at {where} has no entries from {since} on.\n"
    table = rows(questionnaire, shown)
    chart = series(questionnaire, shown, timing)
    if fmt == "markdown":
        return _markdown(
            where,
            table,
            text_chart(chart, unicode=False),
            timing_lines(questionnaire, timing),
            checks,
        )
    width = max(40, min(width, WIDEST))
    out = [f"Diary: {where}", ""]  # never broken: a path is copied whole
    from dupi_triage.streams import can_show

    blocks = fmt == "rich" and can_show("\u2588\u25b2\u2591")
    out += text_chart(chart, unicode=blocks, width=width - CHART_LABEL)
    out += [""]
    out += _table(table, width - 1, colour=colour)
    out += ["", fill("What the diary says about timing (heuristics; check each one):", width - 1)]
    for line in timing_lines(questionnaire, timing):
        indent = "      " if line.startswith("    ") else "  "
        out.append(fill(line.strip(), width - 1, first=indent, indent=indent + "  "))
    if checks:
        out += ["", "Check these entries:"]
        out += [fill(check, width - 1, first="  - ", indent="    ") for check in checks]
    return "\n".join(out) + "\n"


def _table(table: Sequence[Row], width: int, *, colour: bool) -> list[str]:
    side_by_side = width + 1 >= SIDE_BY_SIDE
    out = [f"{'Date':<10}  {'Entry':<8}  " + ("Id        Details" if side_by_side else "Id")]
    wrapped: dict[str, str] = {}  # years of check-ins repeat the same few details
    indent = " " * (DETAILS_COLUMN if side_by_side else 4)
    for row in table:
        details = wrapped.get(row.details)
        if details is None:
            if side_by_side:
                details = fill(row.details, width, first=indent, indent=indent)[len(indent) :]
            else:
                details = fill(row.details, width, first=indent, indent=indent)
            wrapped[row.details] = details
        head = f"{row.day:<10}  {row.kind:<8}  {row.id:<8}"
        line = f"{head}  {details}" if side_by_side else f"{head}\n{details}"
        if colour and row.kind == "dose":
            line = f"\x1b[1m{line}\x1b[0m"
        out.append(line)
    return out


def _markdown(
    where: str,
    table: Sequence[Row],
    chart: Sequence[str],
    timing: Sequence[str],
    checks: Sequence[str],
) -> str:
    from dupi_triage.render.markdown import escape

    out = [f"# Diary ({escape(where)})", "", "```", *chart, "```", ""]
    out += ["| Date | Entry | Id | Details |", "|---|---|---|---|"]
    out += [f"| {r.day} | {r.kind} | {r.id} | {escape(r.details)} |" for r in table]
    out += ["", "## What the diary says about timing", ""]
    for line in timing:
        text = escape(line.strip())
        out.append(f"    - {text}" if line.startswith("    ") else f"- {text}")
    if checks:
        out += ["", "## Check these entries", ""]
        out += [f"- {escape(check)}" for check in checks]
    return "\n".join(out) + "\n"
