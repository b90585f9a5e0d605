"""What a result carries about the diary it drew on: the entries, the timing and what was used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dupi_triage.diary.entries import Entry
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
