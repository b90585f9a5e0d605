"""The diary as people read it: a table of entries, newest last, and a chart of itch over time
with each dose marked and pauses shaded. Pure text in, text out; shared by `diary show` and the
reports (HTML gets the SVG chart)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from dupi_triage.answers import AnswerValue, describe_answer
from dupi_triage.diary.entries import KIND_LABELS, CheckIn, Dose, Entry, Pause
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.records import NamedTuple
from dupi_triage.timing import MEASURES, Timing, has_rash


class Row(NamedTuple):
    day: str
    kind: str
    details: str
    id: str


def short_id(entry: Entry) -> str:
    return entry.id[:8]


def details(questionnaire: Questionnaire, entry: Entry) -> str:
    parts: list[str] = []
    if isinstance(entry, Dose):
        parts.append(f"injection ({entry.site.replace('_', ' ')})" if entry.site else "injection")
    elif isinstance(entry, Pause):
        until = f" to {entry.end.isoformat()}" if entry.end else " (open)"
        agreed = ", agreed with the prescriber" if entry.agreed_with_prescriber else ""
        parts.append(f"dose delayed or paused from {entry.start.isoformat()}{until}{agreed}")
    else:
        order = _order(questionnaire)
        for question_id in sorted(entry.answers, key=lambda q: order.get(q, len(order))):
            parts.append(_described(questionnaire, question_id, entry.answers[question_id]))
        if not has_rash(entry):
            parts.append("no rash")
    if entry.note:
        parts.append(f"note: {entry.note}")
    return "; ".join(parts)


@functools.cache
def _order(questionnaire: Questionnaire) -> dict[str, int]:
    return {question.id: index for index, question in enumerate(questionnaire)}


@functools.lru_cache(maxsize=4096)
def _described(questionnaire: Questionnaire, question_id: str, value: AnswerValue) -> str:
    question = questionnaire.by_id.get(question_id)
    if question is None:
        return f"{question_id}: {value}"
    return f"{question.short}: {describe_answer(question, value)}"


def rows(questionnaire: Questionnaire, entries: Sequence[Entry]) -> list[Row]:
    """One row per entry. Years of entries repeat a few details and share their days, so each
    is worded once (check-ins read from one diary share their answers objects when the answers
    are the same): `diary show` of ten years builds 4,000 rows (benchmarks/bench.py)."""
    same: dict[object, str] = {}
    days: dict[dt.date, str] = {}
    table = []
    for entry in entries:
        if isinstance(entry, CheckIn) and not entry.note:
            key: object = id(entry.answers)
        elif isinstance(entry, Dose) and not entry.note:
            key = (Dose, entry.site)
        else:
            key = None
        text = same.get(key) if key is not None else None
        if text is None:
            text = details(questionnaire, entry)
            if key is not None:
                same[key] = text
        day = days.get(entry.day)
        if day is None:
            day = days[entry.day] = entry.day.isoformat()
        table.append(Row(day, KIND_LABELS[entry.kind], text, entry.id[:8]))
    return table


def measure_of(entries: Sequence[Entry]) -> str | None:
    checkins = [e for e in entries if isinstance(e, CheckIn)]
    for question in MEASURES:
        if any(isinstance(c.get(question), int) for c in checkins):
            return question
    return None


def contradictions(entries: Sequence[Entry]) -> list[str]:
    """Entries that cannot all be right, for the person to check: never silently scored.

    Two doses on one day (one is likely a mistake, and it would shorten the usual interval), and
    a pause still open although a dose was given after it began.
    """
    found: list[str] = []
    by_day: dict[dt.date, list[str]] = {}
    for entry in entries:
        if isinstance(entry, Dose):
            by_day.setdefault(entry.day, []).append(short_id(entry))
    for day, ids in sorted(by_day.items()):
        if len(ids) > 1:
            found.append(
                f"{len(ids)} doses on {day.isoformat()} (ids {', '.join(ids)}); if one is a "
                "mistake, 'diary delete ID' removes it"
            )
    doses = sorted(by_day)
    for entry in entries:
        if isinstance(entry, Pause) and entry.end is None:
            after = next((d for d in doses if d > entry.start), None)
            if after is not None:
                found.append(
                    f"the pause from {entry.start.isoformat()} (id {short_id(entry)}) is still "
                    f"open, but a dose was given on {after.isoformat()}; close it with "
                    f"'diary edit {short_id(entry)} --to {after.isoformat()}'"
                )
    return found


# --- the chart's data -----------------------------------------------------------------------------


class Series(NamedTuple):
    first: dt.date
    last: dt.date
    measure: str | None
    scale: int
    points: tuple[tuple[dt.date, int], ...]
    doses: tuple[dt.date, ...]
    pauses: tuple[tuple[dt.date, dt.date], ...]


def series(questionnaire: Questionnaire, entries: Sequence[Entry], timing: Timing | None) -> Series:
    days = [e.day for e in entries]
    first, last = min(days), max(days)
    measure = measure_of(entries)
    scale = 10
    if measure is not None and measure in questionnaire.by_id:
        scale = questionnaire.question(measure).max or 10
    points = tuple(
        sorted(
            (e.day, value)
            for e in entries
            if isinstance(e, CheckIn)
            and measure is not None
            and isinstance(value := e.get(measure), int)
        )
    )
    doses = tuple(sorted({e.day for e in entries if isinstance(e, Dose)}))
    spans: set[tuple[dt.date, dt.date]] = set()
    for entry in entries:
        if isinstance(entry, Pause):
            restart = next((d for d in doses if d > entry.start), None)
            spans.add((entry.start, entry.end or restart or last))
    if timing is not None and timing.pause is not None and not spans:
        spans.add((timing.pause.start, timing.pause.restart or last))
    last = max([last, *(end for _, end in spans)])
    return Series(first, last, measure, scale, points, doses, tuple(sorted(spans)))


# --- text charts ----------------------------------------------------------------------------------

MOST_CHART_ROWS = 10  # one row per point of a 0 to 10 scale: itch 1 and 2 never look alike


def text_chart(chart: Series, *, width: int = 60, unicode: bool = True) -> list[str]:
    """A small bar chart: columns of days, the highest value in each; doses and pauses below."""
    total = (chart.last - chart.first).days + 1
    columns = min(width, total)
    per_column = -(-total // columns)
    columns = -(-total // per_column)
    highest: list[int | None] = [None] * columns
    dosed = [False] * columns
    paused = [False] * columns
    for day, value in chart.points:
        index = (day - chart.first).days // per_column
        current = highest[index]
        highest[index] = value if current is None else max(current, value)
    for day in chart.doses:
        dosed[(day - chart.first).days // per_column] = True
    for start, end in chart.pauses:
        day = max(start, chart.first)
        while day <= min(end, chart.last):
            paused[(day - chart.first).days // per_column] = True
            day += dt.timedelta(days=1)
    bar, dose_mark, pause_mark = ("█", "▲", "░") if unicode else ("#", "^", "=")
    name = (chart.measure or "itch").replace("_", " ")
    unit = "day" if per_column == 1 else f"{per_column} days"
    lines = [f"{name.capitalize()} (0 to {chart.scale}), one column per {unit}:"]
    height = min(chart.scale, MOST_CHART_ROWS) or 1
    step = chart.scale / height
    for row in range(height, 0, -1):
        floor = step * (row - 0.5)
        cells = "".join(bar if v is not None and v >= floor and v > 0 else " " for v in highest)
        label = f"{round(step * row):>3} |"
        lines.append(f"{label}{cells}".rstrip())
    lines.append("    +" + "-" * columns)
    lines.append("dose " + "".join(dose_mark if d else " " for d in dosed).rstrip())
    if any(paused):
        lines.append("pause" + "".join(pause_mark if p else " " for p in paused).rstrip())
    first, last = chart.first.isoformat(), chart.last.isoformat()
    if columns >= 2 * len(first) + 1:  # each date under its end of the chart
        lines.append(f"     {first}{last:>{columns - len(first)}}")
    else:  # too few columns for the dates to sit under them: said in words
        lines.append(f"     {first}" if first == last else f"     from {first} to {last}")
    return lines


# --- SVG (reports; no scripts, readable in black and white) ---------------------------------------

SVG_WIDTH = 640
SVG_HEIGHT = 220


def svg_chart(chart: Series) -> str:
    from html import escape

    left, right, top, bottom = 40, 12, 14, 48
    plot_w = SVG_WIDTH - left - right
    plot_h = SVG_HEIGHT - top - bottom
    total = max(1, (chart.last - chart.first).days)

    def x(day: dt.date) -> float:
        return left + plot_w * (day - chart.first).days / total

    def y(value: float) -> float:
        return top + plot_h * (1 - value / chart.scale)

    name = (chart.measure or "itch").replace("_", " ")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="diary-chart-title" class="diary-chart">',
        f'<title id="diary-chart-title">{escape(name.capitalize())} from '
        f"{chart.first.isoformat()} to {chart.last.isoformat()}, with doses and pauses</title>",
        '<defs><pattern id="pause-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/></pattern></defs>',
    ]
    for start, end in chart.pauses:
        x0, x1 = x(max(start, chart.first)), x(min(end, chart.last))
        parts.append(
            f'<rect x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 2):.1f}" height="{plot_h}" '
            'fill="url(#pause-hatch)" stroke="#888"><title>paused</title></rect>'
        )
    for value in range(0, chart.scale + 1, max(1, chart.scale // 5)):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            'stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" font-size="11" text-anchor="end">'
            f"{value}</text>"
        )
    for day in chart.doses:
        parts.append(
            f'<line x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{top}" y2="{top + plot_h}" '
            'stroke="#000" stroke-dasharray="3 3"/>'
            f'<path d="M{x(day):.1f},{top + plot_h + 2} l-5,9 h10 z" fill="#000">'
            f"<title>dose {day.isoformat()}</title></path>"
        )
    if chart.points:
        line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in chart.points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#000" stroke-width="2"/>')
        if len(chart.points) <= 200:
            parts.extend(
                f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="2.5" fill="#000">'
                f"<title>{d.isoformat()}: {v}</title></circle>"
                for d, v in chart.points
            )
    base = top + plot_h
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{base}" y2="{base}" stroke="#000"/>'
        f'<text x="{left}" y="{base + 26}" font-size="11">{chart.first.isoformat()}</text>'
        f'<text x="{left + plot_w}" y="{base + 26}" font-size="11" text-anchor="end">'
        f"{chart.last.isoformat()}</text>"
        f'<text x="{left}" y="{base + 42}" font-size="11">{escape(name.capitalize())} '
        f"(0 to {chart.scale}), solid line; ▲ and dashed line: a dose; hatched: a pause</text>"
        "</svg>"
    )
    return "".join(parts)
