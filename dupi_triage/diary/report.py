"""What a result carries about the diary it drew on: the entries, the timing and what was used."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dupi_triage.diary.entries import Entry, Pause
from dupi_triage.diary.show import timing_lines
from dupi_triage.diary.timeline import Row, Series, rows, series, svg_chart, text_chart
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.records import NamedTuple
from dupi_triage.timing import Timing


@dataclass(frozen=True)
class DiaryReport:
    path: str
    entries: tuple[Entry, ...]
    timing: Timing
    used: tuple[str, ...] = ()

    def evidence(self, question_id: str) -> tuple[str, ...]:
        derived = self.timing.get(question_id)
        return derived.evidence if derived else ()


def report_to_json(report: DiaryReport) -> dict[str, Any]:
    """The `diary` key of a JSON result: where, what was derived and used, and the entries."""
    from dupi_triage.diary.exchange import entry_to_json

    timing = report.timing
    return {
        "path": report.path,
        "used": list(report.used),
        "usual_interval_days": timing.usual_interval,
        "first_dose": timing.first_dose.isoformat() if timing.first_dose else None,
        "first_rash": timing.first_rash.isoformat() if timing.first_rash else None,
        "answers": [
            {"question": a.question, "answer": a.answer, "evidence": list(a.evidence)}
            for a in timing.answers
        ],
        "entries": [entry_to_json(entry) for entry in report.entries],
    }


# --- the diary in reports -------------------------------------------------------------------------

REPORT_DAYS = 182  # reports show the last six months of the diary; `diary show` shows it all


class DiaryView(NamedTuple):
    """What every report shows of the diary: a chart, the entries, and the timing it gave."""

    path: str
    first: str
    last: str
    earlier: int
    chart: Series | None
    rows: tuple[Row, ...]
    timing: tuple[str, ...]
    used: tuple[str, ...]

    @property
    def intro(self) -> str:
        shown = f"{len(self.rows)} entries from {self.first} to {self.last}"
        earlier = f"; {self.earlier} earlier entries are not listed" if self.earlier else ""
        used = (
            f" These answers came from it: {', '.join(self.used)}."
            if self.used
            else " No answer in this report came from it."
        )
        # Never the file's path: the report goes to the prescriber, the path is the person's own.
        return f"From your diary: {shown}{earlier}.{used}"

    def chart_lines(self, *, unicode: bool, width: int = 60) -> list[str]:
        return text_chart(self.chart, unicode=unicode, width=width) if self.chart else []

    def svg(self) -> str:
        return svg_chart(self.chart) if self.chart else ""


def diary_view(questionnaire: Questionnaire, report: DiaryReport) -> DiaryView:
    entries = list(report.entries)
    used = tuple(questionnaire.question(q).short for q in report.used if q in questionnaire.by_id)
    timing = tuple(timing_lines(questionnaire, report.timing))
    if not entries:
        return DiaryView(report.path, "", "", 0, None, (), timing, used)
    last = max(e.day for e in entries)
    start = last - dt.timedelta(days=REPORT_DAYS)
    shown = [
        e
        for e in entries
        if e.day >= start or (isinstance(e, Pause) and (e.end is None or e.end >= start))
    ]
    chart = series(questionnaire, shown, report.timing)
    return DiaryView(
        report.path,
        min(e.day for e in shown).isoformat(),
        last.isoformat(),
        len(entries) - len(shown),
        chart,
        tuple(rows(questionnaire, shown)),
        timing,
        used,
    )
