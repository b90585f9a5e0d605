"""One batch row scored and written: the part a worker process runs, and one core too.

Both `batch` (one core) and `batch_pool` (several) import this module, and neither the other's:
a row is parsed (`jsonl_row`), scored with the same `assess` as the single-person command, and
written as one JSONL line or CSV record, so a row and `dupi-triage assess` always agree.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from dupi_triage import strictjson
from dupi_triage.answers_file import read_document
from dupi_triage.errors import InputError
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.render.json import contract_line
from dupi_triage.scoring import assess
from dupi_triage.scoring.model import Assessment, TriageLevel

CSV_COLUMNS = (
    "row",
    "level",
    "pattern",
    "drug_link_score",
    "drug_link_category",
    "risk_band",
    "red_flags_screened",
    "missing",
    "error",
)

# A row: its answers document, its error, or (JSONL read for workers) its line, not yet parsed.
Record = tuple[int, dict[str, Any] | InputError | bytes]


@dataclass
class BatchSummary:
    rows: int = 0
    rejected: int = 0
    levels: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        counts = ", ".join(f"{level.value} {self.levels[level.value]}" for level in TriageLevel)
        scored = self.rows - self.rejected
        return f"Scored {scored} of {self.rows} rows ({counts}); rejected {self.rejected}."


def jsonl_row(number: int, data: bytes) -> dict[str, Any] | InputError:
    """One JSONL line's answers object, or the row's error."""
    try:
        document = strictjson.loads_row(data, f"row {number}")
    except InputError as error:
        return error
    if not isinstance(document, dict):
        return InputError(f"row {number}", "must be a JSON object of answers")
    return document


# --- scoring and writing ------------------------------------------------------------------------


def score(questionnaire: Questionnaire, document: dict[str, Any], number: int) -> Assessment:
    where = f"row {number}"
    try:
        answers = read_document(questionnaire, document, where)
    except InputError as error:
        # The row number is its own column: said once, not "row 2: row 2: ...".
        if error.field == where:
            raise InputError(where, error.problem, error.allowed) from None
        raise InputError(where, str(error)) from None
    return assess(questionnaire, answers)


class JsonlWriter:
    def __init__(self, questionnaire: Questionnaire, out: TextIO, header: bool = True) -> None:
        self.questionnaire = questionnaire
        self.write = out.write

    def result(self, number: int, assessment: Assessment) -> None:
        self.write(contract_line(self.questionnaire, assessment, f'"row":{number},') + "\n")

    def error(self, number: int, error: InputError) -> None:
        record = {"row": number, "error": error.problem}
        self.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


class CsvWriter:
    def __init__(self, questionnaire: Questionnaire, out: TextIO, header: bool = True) -> None:
        self.writer = csv.writer(out, lineterminator="\n")
        if header:
            self.writer.writerow(CSV_COLUMNS)

    def result(self, number: int, assessment: Assessment) -> None:
        self.writer.writerow(
            (
                number,
                assessment.level.value,
                assessment.pattern.id,
                assessment.drug_link.score,
                assessment.drug_link.category,
                assessment.risk.band,
                "true" if assessment.red_flags_screened else "false",
                ",".join(assessment.missing),
                "",
            )
        )

    def error(self, number: int, error: InputError) -> None:
        self.writer.writerow((number, "", "", "", "", "", "", "", error.problem))


def run_batch(
    questionnaire: Questionnaire,
    records: Iterator[Record],
    out: TextIO,
    fmt: str,
    *,
    header: bool = True,
) -> BatchSummary:
    """Score every record in order, writing one result (or error) per row; `header`: CSV's."""
    writer: JsonlWriter | CsvWriter = (JsonlWriter if fmt == "jsonl" else CsvWriter)(
        questionnaire, out, header
    )
    summary = BatchSummary()
    for number, record in records:
        summary.rows += 1
        if isinstance(record, bytes):
            record = jsonl_row(number, record)
        try:
            if isinstance(record, InputError):
                raise record
            assessment = score(questionnaire, record, number)
        except InputError as error:
            summary.rejected += 1
            writer.error(number, error)
            continue
        summary.levels[assessment.level.value] += 1
        writer.result(number, assessment)
    return summary
