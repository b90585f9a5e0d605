"""Every batch row equals `assess` for the same answers, key for key (the one source of truth).

Answer sets are generated from the questionnaire data (tests.test_properties.raw_answers), so a new
question, option or rule is covered with no change here. Each example is a file of rows read,
scored and written by batch's own code; each row is compared with `assess` on the same answers,
through the JSON contract's keys. By default 1,000 rows are checked; set
DUPI_TRIAGE_EQUIVALENCE_ROWS=100000 for the full run (issue 13 quotes its time).
"""

from __future__ import annotations

import io
import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dupi_triage.answers_file import read_document
from dupi_triage.batch import jsonl_records, run_batch
from dupi_triage.render.json import assessment_to_dict, contract_subset
from dupi_triage.scoring import assess
from tests.test_properties import QUESTIONNAIRE, raw_answers

ROWS_PER_EXAMPLE = 50
ROWS = int(os.environ.get("DUPI_TRIAGE_EQUIVALENCE_ROWS", "1000"))


@settings(
    max_examples=max(1, ROWS // ROWS_PER_EXAMPLE),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(raw_answers(), min_size=ROWS_PER_EXAMPLE, max_size=ROWS_PER_EXAMPLE))
def test_every_batch_row_equals_assess_for_the_same_answers_key_for_key(
    rows: list[dict[str, Any]],
) -> None:
    source = io.BytesIO(b"".join(json.dumps(row).encode() + b"\n" for row in rows))
    out = io.StringIO()
    summary = run_batch(QUESTIONNAIRE, jsonl_records(source, lambda _: None), out, "jsonl")
    assert summary.rows == len(rows)
    assert summary.rejected == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == len(rows)
    for number, (raw, line) in enumerate(zip(rows, lines, strict=True), start=1):
        batch_row = json.loads(line)
        assert batch_row.pop("row") == number
        # Read as `assess --answers` reads the same object (answers naming no version that only
        # 1.0 could have saved are 1.0's there too).
        answers = read_document(QUESTIONNAIRE, raw, f"row {number}")
        expected = contract_subset(
            assessment_to_dict(QUESTIONNAIRE, assess(QUESTIONNAIRE, answers))
        )
        assert list(batch_row) == list(expected)
        for key in expected:
            assert batch_row[key] == expected[key], key
