"""Score a whole survey export: JSONL or CSV in, one result per row out, streaming.

A row is an answers object or a FHIR QuestionnaireResponse (NDJSON of them is JSONL). A FHIR
Bundle of responses, or any one pretty-printed JSON document, is read whole ("json": bounded) and
each entry is a row.

Rows are read, scored and written one at a time, so memory does not grow with the input. A bad row
becomes an error record with its row number and the rest are still scored. The scoring is the same
`assess` as the single-person command, so a row and `dupi-triage assess` always agree.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from dupi_triage import lines, strictjson
from dupi_triage.batch_rows import BatchSummary, Record, jsonl_row
from dupi_triage.batch_rows import run_batch as run_batch  # one core's loop, named here too
from dupi_triage.errors import InputError, one_of, quoted, quoted_path
from dupi_triage.lines import bounded_lines
from dupi_triage.migrations import VERSION_KEY
from dupi_triage.questionnaire import Questionnaire

INPUT_FORMATS = ("jsonl", "csv", "json")
DOCUMENT_MAX_BYTES = 32 * 1024 * 1024
OUTPUT_FORMATS = ("jsonl", "csv")
_INPUT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_BUNDLE_START = re.compile(rb'\s*\{\s*"resourceType"\s*:\s*"Bundle"')
_OUTPUT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def input_format(name: str | None, path_text: str, first_bytes: bytes) -> str:
    """The format asked for, else the suffix's, else a guess from the first character."""
    if name is not None:
        return one_of(name, INPUT_FORMATS, "--input-format")
    suffix = Path(path_text).suffix.lower()
    if suffix in _INPUT_SUFFIXES:
        return _INPUT_SUFFIXES[suffix]
    if b"\0" in first_bytes:
        raise InputError("INPUT", "holds binary data, not JSONL or CSV", ", ".join(INPUT_FORMATS))
    text = first_bytes.removeprefix(b"\xef\xbb\xbf")
    # A pretty-printed document opens with "{" alone on its line; no JSONL row can.
    if _BUNDLE_START.match(text) or text.lstrip().split(b"\n", 1)[0].strip() in (b"{", b"["):
        return "json"
    start = text.lstrip()[:1]
    if suffix == ".json" or start in (b"{", b""):
        return "jsonl"
    return "csv"


def output_format(name: str | None, path_text: str | None) -> str:
    if name is not None:
        return one_of(name, OUTPUT_FORMATS, "--format")
    suffix = Path(path_text).suffix.lower() if path_text not in (None, "-") else ""
    if suffix and suffix not in _OUTPUT_SUFFIXES:
        raise InputError(
            "--output",
            f"cannot tell the format from {quoted(suffix)}; add --format",
            ", ".join(sorted(_OUTPUT_SUFFIXES)),
        )
    return _OUTPUT_SUFFIXES.get(suffix, "jsonl")


MAX_JOBS = 64


def available_cores() -> int:
    """The cores this process may run on (fewer than the machine's under a CPU affinity mask)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def job_count(text: str | None) -> int:
    """--jobs: a whole number of processes, by default the cores available."""
    if text is None:
        return min(available_cores(), MAX_JOBS)
    if not (text.strip().isascii() and text.strip().isdigit()) or not 1 <= int(text) <= MAX_JOBS:
        raise InputError(
            "--jobs", f"{quoted(text)} is not a number of processes", f"1 to {MAX_JOBS}"
        )
    return int(text)


# --- reading ------------------------------------------------------------------------------------


def jsonl_records(
    stream: BinaryIO, progress: Callable[[int], None], *, parse: bool = True
) -> Iterator[Record]:
    """One answers object per line; blank lines are skipped; `row` is the line number.

    Each line is read as strictly as an answers file: duplicated keys, NaN and absurd numbers
    make the row an error instead of silently keeping one of the values. A line is never held
    beyond the answers-file limit: a longer one is an error row, and the next line is read.
    With `parse` false a row is its line's bytes, for `run_batch` (in a worker) to parse.
    """
    for number, line in enumerate(bounded_lines(stream), start=1):
        progress(line.size)
        if line.too_long:
            yield number, _too_long(f"row {number}")
            continue
        if not line.data.strip():
            continue
        yield number, jsonl_row(number, line.data) if parse else line.data


def document_records(stream: BinaryIO, progress: Callable[[int], None]) -> Iterator[Record]:
    """One JSON document: each entry of a FHIR Bundle is a row, or the document is the one row."""
    data = stream.read(DOCUMENT_MAX_BYTES + 1)
    progress(len(data))
    document = strictjson.loads_row(data, "INPUT", DOCUMENT_MAX_BYTES)
    if not (isinstance(document, dict) and document.get("resourceType") == "Bundle"):
        if not isinstance(document, dict):
            raise InputError("INPUT", "must be a JSON object: answers, a response or a Bundle")
        yield 1, document
        return
    entries = document.get("entry", [])
    if not isinstance(entries, list):
        raise InputError("INPUT", "a Bundle's 'entry' must be a list")
    for number, entry in enumerate(entries, start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict):
            yield number, resource
        else:
            yield number, InputError(f"row {number}", "a Bundle entry needs a 'resource' object")


def csv_records(
    questionnaire: Questionnaire, stream: BinaryIO, progress: Callable[[int], None]
) -> Iterator[Record]:
    """A header row of question ids, then one row per person; `row` counts data rows from 1.

    Empty cells are unanswered; multi-choice cells hold values joined with commas. Each record is
    decoded on its own, so a bad byte makes that row (and only that row) an error.
    """
    records = lines.csv_records(bounded_lines(lines.lone_cr_as_lf(stream)))
    header = next(records, None)
    if header is None:
        return
    progress(header.size)
    columns = _csv_header(questionnaire, header)
    for number, record in enumerate(records, start=1):
        progress(record.size)
        try:
            cells = _csv_cells(record, len(columns), f"row {number}")
        except InputError as error:
            yield number, error
            continue
        if not any(cell.strip() for cell in cells):
            continue
        answers = {name: cell for name, cell in zip(columns, cells, strict=True) if cell.strip()}
        yield number, answers


def _csv_header(questionnaire: Questionnaire, header: lines.Record) -> list[str]:
    if header.too_long:
        raise _too_long("INPUT", "the CSV header")
    try:
        cells = _csv_cells(header, None, "INPUT")
    except InputError as error:
        raise InputError("INPUT", f"the CSV header is {error.problem}") from None
    columns = [name.strip() for name in cells]
    for index, name in enumerate(columns):
        # A column may say which questionnaire version the answers were saved under.
        if name not in questionnaire.by_id and name != VERSION_KEY:
            raise InputError(
                "INPUT",
                f"CSV column {quoted(name)} is not a question",
                ", ".join(questionnaire.by_id),
            )
        if name in columns[:index]:
            raise InputError("INPUT", f"CSV column {quoted(name)} appears twice")
    return columns


def _csv_cells(record: lines.Record, expected: int | None, where: str) -> list[str]:
    """One record's cells; `expected` cells, counted before they are made (a row may be huge)."""
    if record.too_long:
        raise _too_long(where)
    try:
        text = record.data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise InputError(where, f"not valid UTF-8 (byte {error.start})") from None
    if expected is not None:
        found = re.sub(r'"[^"]*"', "", text).count(",") + 1
        if found != expected and text.strip(' ,"\r\n\t'):
            raise InputError(where, f"has {found} cells, the header {expected}")
    try:
        cells = next(csv.reader([text]), [])
    except csv.Error as error:
        raise InputError(where, f"not valid CSV ({error})") from None
    if expected is not None and len(cells) != expected and any(cell.strip() for cell in cells):
        raise InputError(where, f"has {len(cells)} cells, the header {expected}")
    return cells


def _too_long(where: str, what: str = "the row") -> InputError:
    return InputError(where, f"{what} is longer than {lines.MAX_LINE // 1024} KiB")


# --- the command --------------------------------------------------------------------------------


def batch_command(
    questionnaire: Questionnaire,
    input_path: str,
    output_path: str | None,
    *,
    out_format: str | None,
    in_format: str | None,
    force: bool,
    progress_to: TextIO,
    stdin: BinaryIO,
    stdout: TextIO,
    jobs: int = 1,
) -> BatchSummary:
    """Open the input and output, stream every row through, and return the counts.

    With `jobs` above 1, rows are scored by that many worker processes (`batch_pool`).
    """
    from dupi_triage.files import check_writable, is_stdout, refuse_writing_over_input

    out_fmt = output_format(out_format, output_path)
    if not is_stdout(output_path):
        assert output_path is not None
        refuse_writing_over_input(output_path, "--output", input_path)
        check_writable(output_path, force=force, field="--output")
    with (
        _open_input(input_path, stdin) as (stream, size),
        _open_output(output_path, force, stdout) as out,
        _progress(progress_to, size) as advance,
    ):
        shown = "standard input" if input_path == "-" else quoted_path(input_path)
        in_fmt = input_format(in_format, input_path, _peek(stream, shown))
        records = (
            jsonl_records(stream, advance, parse=jobs == 1)
            if in_fmt == "jsonl"
            else document_records(stream, advance)
            if in_fmt == "json"
            else csv_records(questionnaire, stream, advance)
        )
        named = _read_errors_named(records, shown)
        if jobs > 1:
            from dupi_triage.batch_pool import run_parallel

            return run_parallel(questionnaire, named, out, out_fmt, jobs)
        return run_batch(questionnaire, named, out, out_fmt)


def _read_errors_named(records: Iterator[Record], shown: str) -> Iterator[Record]:
    """A failing read is the input's fault, said as such (never blamed on --output)."""
    try:
        yield from records
    except OSError as error:
        raise InputError("INPUT", f"cannot read {shown}: {error.strerror or error}") from None


@contextlib.contextmanager
def _open_output(path_text: str | None, force: bool, stdout: TextIO) -> Iterator[TextIO]:
    """Standard output, or a private file that appears only once every row is written."""
    from dupi_triage.files import is_stdout, private_file

    if is_stdout(path_text):
        yield stdout
        return
    assert path_text is not None
    with private_file(path_text, force=force, field="--output") as (_, handle):
        yield handle


@contextlib.contextmanager
def _open_input(path_text: str, stdin: BinaryIO) -> Iterator[tuple[BinaryIO, int | None]]:
    if path_text == "-":
        # Not wrapped again: a second buffer would wait for 8 KiB before the first row.
        yield stdin, None
        return
    shown = quoted_path(path_text)
    try:
        handle = open(path_text, "rb")  # noqa: SIM115 - closed below, after streaming
    except FileNotFoundError:
        raise InputError("INPUT", f"no such file: {shown}") from None
    except IsADirectoryError:
        raise InputError("INPUT", f"{shown} is a folder, not a file") from None
    except OSError as error:
        raise InputError("INPUT", f"cannot read {shown}: {error.strerror or error}") from None
    with handle:
        yield handle, os.fstat(handle.fileno()).st_size


@contextlib.contextmanager
def _progress(stream: TextIO, total: int | None) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on a terminal; nothing at all otherwise."""
    if not stream.isatty():
        yield lambda _: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("Scoring", total=total)
        pending = 0

        def advance(count: int) -> None:
            nonlocal pending
            pending += count
            if pending >= 65536:
                bar.advance(task, pending)
                pending = 0

        yield advance


def _peek(stream: BinaryIO, shown: str) -> bytes:
    """The first bytes, left in the stream (buffered readers, such as stdin, can peek)."""
    peek = getattr(stream, "peek", None)
    try:
        return peek(64)[:64] if peek is not None else b""
    except OSError as error:
        raise InputError("INPUT", f"cannot read {shown}: {error.strerror or error}") from None
