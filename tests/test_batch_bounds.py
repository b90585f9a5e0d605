"""Batch input that is huge, endless, broken or unreadable: bounded memory, true row numbers.

An over-long row is one error row and the rest of the file is still scored; a bad byte is an
error at its own row; a read error names the input, never the output.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dupi_triage.lines import MAX_LINE, bounded_lines, csv_records
from tests.conftest import ORDINARY_FLARE, PROJECT_ROOT, RunCli

ROW = json.dumps(ORDINARY_FLARE)
CSV_HEADER = ",".join(ORDINARY_FLARE)
CSV_ROW = ",".join(
    f'"{",".join(v)}"' if isinstance(v, list) else str(v) for v in ORDINARY_FLARE.values()
)


def _peak_memory(*args: str) -> int:
    """Peak resident bytes of `dupi-triage batch ARGS` in a fresh process, output discarded."""
    process = subprocess.Popen(
        [sys.executable, "-m", "dupi_triage", "batch", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        cwd=PROJECT_ROOT,
    )
    _, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) in (0, 1, 2)
    return usage.ru_maxrss * 1024


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_row_longer_than_the_limit_is_one_error_row_and_the_rest_is_scored(
    tmp_path: Path, run_cli: RunCli
) -> None:
    rows = tmp_path / "rows.jsonl"
    huge = '{"onset": "' + "x" * (3 * MAX_LINE) + '"}'
    rows.write_text(f"{ROW}\n{huge}\n{ROW}\n", encoding="utf-8")
    result = run_cli("batch", str(rows))
    assert result.code == 1
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [record["row"] for record in records] == [1, 2, 3]
    assert records[0]["level"] == records[2]["level"] == "routine"
    assert "longer than 1024 KiB" in records[1]["error"]
    assert len(result.out) < 100_000, "the over-long row is not echoed back"


def test_a_csv_row_with_millions_of_columns_is_one_error_row(
    tmp_path: Path, run_cli: RunCli
) -> None:
    rows = tmp_path / "rows.csv"
    wide = ",".join(["x"] * 2_000_000)
    rows.write_text(f"{CSV_HEADER}\n{wide}\n{CSV_ROW}\n", encoding="utf-8")
    result = run_cli("batch", str(rows), "--format", "csv")
    assert result.code == 1
    found = _csv_rows(result.out)
    assert [row["row"] for row in found] == ["1", "2"]
    assert "longer than" in found[0]["error"]
    assert found[1]["level"] == "routine"


def test_a_long_but_legal_row_with_too_many_cells_is_refused_before_its_cells_are_made(
    tmp_path: Path, run_cli: RunCli
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(f"{CSV_HEADER}\n{',' * 300_000}x\n{CSV_ROW}\n", encoding="utf-8")
    result = run_cli("batch", str(rows), "--format", "csv")
    found = _csv_rows(result.out)
    assert found[0]["error"] == f"has 300001 cells, the header {len(ORDINARY_FLARE)}"
    assert found[1]["level"] == "routine"


def test_batch_memory_does_not_grow_with_the_length_of_a_line(tmp_path: Path) -> None:
    small = tmp_path / "small.jsonl"
    small.write_text(ROW + "\n", encoding="utf-8")
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as out:
        out.write(ROW + '\n{"onset": "')
        for _ in range(60):
            out.write("x" * 1_000_000)
        out.write('"}\n' + ROW + "\n")
    wide = tmp_path / "wide.csv"
    with wide.open("w", encoding="utf-8") as out:
        out.write(CSV_HEADER + "\n")
        for _ in range(30):
            out.write("x," * 1_000_000)
        out.write("x\n" + CSV_ROW + "\n")
    baseline = _peak_memory(str(small))
    for path in (big, wide):
        growth = _peak_memory(str(path)) - baseline
        assert growth < 10_000_000, f"{path.name}: {growth / 2**20:.1f} MiB more than one row"


@pytest.mark.parametrize("args", [["/dev/zero"], ["--input-format", "csv", "/dev/zero"]])
def test_an_endless_stream_of_zero_bytes_is_refused_at_once(
    args: list[str], run_cli: RunCli
) -> None:
    result = run_cli("batch", *args)
    assert result.code == 2
    assert result.err.startswith("dupi-triage: error: INPUT: ")
    assert result.err.count("\n") == 1


def test_endless_zero_bytes_read_as_jsonl_are_dropped_as_they_come(tmp_path: Path) -> None:
    """Read on purpose as JSONL, /dev/zero is one endless row: it streams, memory stays flat."""
    stream = io.BytesIO(b"\0" * (5 * MAX_LINE) + b"\n" + ROW.encode() + b"\n")
    lines = list(bounded_lines(stream))
    assert [line.too_long for line in lines] == [True, False]
    assert lines[1].data == ROW.encode() + b"\n"


def test_a_bad_byte_is_an_error_at_its_own_row_and_every_other_row_is_scored(
    tmp_path: Path, run_cli: RunCli
) -> None:
    rows = [CSV_ROW.encode()] * 3000
    rows[1999] = rows[1999].replace(b"none", b"n\xffne", 1)
    export = tmp_path / "export.csv"
    export.write_bytes(CSV_HEADER.encode() + b"\n" + b"\n".join(rows) + b"\n")
    result = run_cli("batch", str(export), "--format", "csv")
    assert result.code == 1
    found = _csv_rows(result.out)
    assert len(found) == 3000
    errors = [row for row in found if row["error"]]
    assert [row["row"] for row in errors] == ["2000"]
    assert "not valid UTF-8" in errors[0]["error"]
    assert "Scored 2999 of 3000 rows" in result.err


def test_in_a_small_file_a_bad_byte_is_still_a_row_error_not_a_header_error(
    tmp_path: Path, run_cli: RunCli
) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes(b"red_flags,itch\nnone,\xff3\nnone,4\n")
    result = run_cli("batch", str(export), "--format", "csv")
    assert result.code == 1
    found = _csv_rows(result.out)
    assert [(row["row"], bool(row["error"])) for row in found] == [("1", True), ("2", False)]


def test_a_quoted_cell_may_hold_a_line_break_and_row_numbers_stay_true() -> None:
    stream = io.BytesIO(b'a,b\n"x\ny",1\n2,"z"\n')
    records = [record.data for record in csv_records(bounded_lines(stream))]
    assert records == [b"a,b\n", b'"x\ny",1\n', b'2,"z"\n']


def test_a_read_error_names_the_input_not_the_output(tmp_path: Path, run_cli: RunCli) -> None:
    if not os.path.exists("/proc/self/mem"):
        pytest.skip("needs /proc/self/mem, which fails every read at offset 0")
    out = tmp_path / "o.jsonl"
    result = run_cli("batch", "/proc/self/mem", "--output", str(out))
    assert result.code == 2
    assert result.err.startswith("dupi-triage: error: INPUT: cannot read '/proc/self/mem'")
    assert "--output" not in result.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR (old Mac)"])
def test_a_csv_with_any_line_ending_scores_every_row(
    tmp_path: Path, run_cli: RunCli, ending: bytes
) -> None:
    export = tmp_path / "export.csv"
    rows = [CSV_HEADER.encode(), CSV_ROW.encode(), CSV_ROW.encode()]
    export.write_bytes(ending.join(rows) + ending)
    result = run_cli("batch", str(export), "--format", "csv")
    assert result.code == 0, result.out
    assert [row["level"] for row in _csv_rows(result.out)] == ["routine", "routine"]
