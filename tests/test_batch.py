"""Batch scoring of survey exports: the same results as `assess`, row by row, bad rows reported."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.questionnaire_loader import load_questionnaire
from dupi_triage.render.json import assessment_to_dict, contract_line, contract_subset
from dupi_triage.scoring import assess
from tests.conftest import ORDINARY_FLARE, RunCli, run_module

EMERGENCY: dict[str, object] = {"red_flags": ["breathing_or_swelling"], "look": ["typical_eczema"]}
FACIAL_REDNESS: dict[str, object] = {
    "red_flags": ["none"],
    "onset": "1_to_4_months",
    "look": ["redness_no_scaling"],
    "location": ["face_neck"],
    "usual_treatment_helps": "partly",
    "itch": 8,
}
UNSCREENED: dict[str, object] = {"look": ["thick_scaly_plaques"], "itch": 2}


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def assess_json(run_cli: RunCli, tmp_path: Path, answers: dict[str, object]) -> dict[str, Any]:
    """What `dupi-triage assess --no-input --answers FILE --format json` says for these answers."""
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(answers), encoding="utf-8")
    result = run_cli("assess", "--no-input", "--answers", str(answers_file), "--format", "json")
    assert result.code == 0, result.err
    answers_file.unlink()
    loaded: dict[str, Any] = json.loads(result.out)
    return loaded


def batch_rows(run_cli: RunCli, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    result = run_cli("batch", *args)
    return result.code, [json.loads(line) for line in result.out.splitlines()], result.err


def test_each_batch_row_agrees_with_assess_for_the_same_answers(
    run_cli: RunCli, tmp_path: Path
) -> None:
    cases: list[dict[str, object]] = [ORDINARY_FLARE, EMERGENCY, FACIAL_REDNESS, UNSCREENED]
    code, rows, _ = batch_rows(run_cli, str(write_jsonl(tmp_path / "in.jsonl", list(cases))))
    assert code == 0
    assert [row.pop("row") for row in rows] == [1, 2, 3, 4]
    for case, row in zip(cases, rows, strict=True):
        assert row == contract_subset(assess_json(run_cli, tmp_path, case))


def test_batch_rows_carry_every_key_of_the_json_contract(run_cli: RunCli, tmp_path: Path) -> None:
    _, rows, _ = batch_rows(run_cli, str(write_jsonl(tmp_path / "in.jsonl", [FACIAL_REDNESS])))
    contract = {
        "tool", "version", "questionnaire_version", "level", "pattern", "drug_link", "risk",
        "red_flags", "red_flags_screened", "contributions", "advice", "tell_your_prescriber",
        "answers", "missing",
    }  # fmt: skip
    assert contract | {"row"} == set(rows[0])
    assert {"score", "category", "items"} <= set(rows[0]["drug_link"])
    assert set(rows[0]["drug_link"]["items"][0]) == {"item", "points", "reason"}
    assert set(rows[0]["contributions"][0]) == {"question", "answer", "effect", "reason"}
    assert rows[0]["level"] == "soon"
    assert rows[0]["pattern"] == "facial_redness"


def test_bad_rows_become_error_records_with_their_row_numbers_and_the_rest_are_scored(
    run_cli: RunCli, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps(ORDINARY_FLARE),
                "",  # a blank line is skipped, but still counts as a line
                json.dumps({"itch": 11}),
                "{not json",
                json.dumps(["a list"]),
                json.dumps({"onset": "yesterday"}),
                json.dumps({"bogus_question": "x"}),
                json.dumps({"red_flags": ["none", "eye_pain_or_vision"]}),
                json.dumps(EMERGENCY),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    code, rows, err = batch_rows(run_cli, str(source))
    assert code == 1, "a rejected row makes the exit status 1"
    assert [row["row"] for row in rows] == [1, 3, 4, 5, 6, 7, 8, 9]
    errors = {row["row"]: row["error"] for row in rows if "error" in row}
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert "itch" in errors[3]
    assert "0 to 10" in errors[3]
    assert "JSON" in errors[4]
    assert "onset" in errors[6]
    assert "within_4_weeks" in errors[6]
    assert "bogus_question" in errors[7]
    assert "none" in errors[8]
    assert rows[0]["level"] == "routine"
    assert rows[-1]["level"] == "emergency"
    assert "rejected 6" in err
    assert "routine 1" in err
    assert "emergency 1" in err


def test_csv_input_gives_the_same_results_as_jsonl(
    run_cli: RunCli, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    cases: list[dict[str, object]] = [ORDINARY_FLARE, FACIAL_REDNESS, UNSCREENED]
    columns = [question.id for question in questionnaire]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for case in cases:
        cells = []
        for column in columns:
            value = case.get(column)
            cells.append(
                ",".join(value) if isinstance(value, list) else "" if value is None else value
            )
        writer.writerow(cells)
    csv_file = tmp_path / "export.csv"
    csv_file.write_text(buffer.getvalue(), encoding="utf-8")

    _, from_csv, _ = batch_rows(run_cli, str(csv_file))
    _, from_jsonl, _ = batch_rows(run_cli, str(write_jsonl(tmp_path / "in.jsonl", list(cases))))
    assert from_csv == from_jsonl


def test_csv_output_has_one_summary_line_per_row(run_cli: RunCli, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [FACIAL_REDNESS, {"itch": "loud"}, UNSCREENED])
    result = run_cli("batch", str(source), "--format", "csv")
    assert result.code == 1
    table = list(csv.DictReader(io.StringIO(result.out)))
    assert [row["row"] for row in table] == ["1", "2", "3"]
    assert table[0]["level"] == "soon"
    assert table[0]["pattern"] == "facial_redness"
    assert table[0]["drug_link_category"] == "possible"
    assert table[0]["red_flags_screened"] == "true"
    assert "itch" in table[1]["error"]
    assert table[2]["red_flags_screened"] == "false"
    assert table[2]["level"] == "soon", "unscreened red flags are never below soon"
    assert "red_flags" in table[2]["missing"].split(",")


def test_an_unknown_csv_column_is_refused_before_any_row(run_cli: RunCli, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("red_flags,favourite_colour\nnone,blue\n", encoding="utf-8")
    result = run_cli("batch", str(export))
    assert result.code == 2
    assert "favourite_colour" in result.err
    assert "red_flags" in result.err
    assert result.out == ""


def test_batch_reads_standard_input_and_writes_an_owner_only_file(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    lines = "".join(json.dumps(case) + "\n" for case in (ORDINARY_FLARE, EMERGENCY))
    result = subprocess.run(
        [sys.executable, "-m", "dupi_triage", "batch", "-", "--output", str(out)],
        input=lines,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    levels = [json.loads(line)["level"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert levels == ["routine", "emergency"]
    assert "Scored 2 of 2 rows" in result.stderr

    again = run_module("batch", "-", "--output", str(out))
    assert again.returncode == 2
    assert "--force" in again.stderr


def test_a_missing_input_file_is_a_one_line_error(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("batch", str(tmp_path / "nope.jsonl"))
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1
    assert "nope.jsonl" in result.err


ANSWER_SETS = st.builds(
    lambda picks: picks,
    st.fixed_dictionaries(
        {},
        optional={
            "red_flags": st.sampled_from([["none"], ["eye_pain_or_vision"], ["fever_or_unwell"]]),
            "onset": st.sampled_from(["before_starting", "within_4_weeks", "after_4_months"]),
            "look": st.lists(
                st.sampled_from(["typical_eczema", "redness_no_scaling", "red_itchy_eyes"]),
                min_size=1,
                unique=True,
            ),
            "itch": st.integers(0, 10),
            "usual_treatment_helps": st.sampled_from(["yes", "partly", "no", "not_tried"]),
            "risk_factors": st.sampled_from([["none"], ["poor_skin_barrier"]]),
        },
    ),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=ANSWER_SETS)
def test_the_compact_batch_line_is_the_contract_subset_of_the_full_result(
    answers: dict[str, object], answers_from: Callable[[dict[str, object]], Any]
) -> None:
    questionnaire = load_questionnaire()
    assessment = assess(questionnaire, answers_from(answers))
    line = contract_line(questionnaire, assessment, '"row":7,')
    decoded = json.loads(line)
    assert decoded.pop("row") == 7
    assert decoded == contract_subset(assessment_to_dict(questionnaire, assessment))
    assert "\n" not in line


def test_a_row_that_names_a_question_twice_is_rejected_not_half_read(
    run_cli: RunCli, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"red_flags": "breathing_or_swelling", "red_flags": "none"}\n')
    code, rows, _ = batch_rows(run_cli, str(source))
    assert code == 1
    assert "duplicated key" in rows[0]["error"]

    export = tmp_path / "export.csv"
    export.write_text("red_flags,red_flags\nbreathing_or_swelling,none\n")
    result = run_cli("batch", str(export))
    assert result.code == 2
    assert "twice" in result.err


def test_a_byte_order_mark_does_not_confuse_jsonl(run_cli: RunCli, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.write_bytes(b"\xef\xbb\xbf" + json.dumps(EMERGENCY).encode() + b"\n")
    code, rows, _ = batch_rows(run_cli, str(source))
    assert code == 0
    assert rows[0]["level"] == "emergency"


def test_an_output_suffix_that_names_no_batch_format_is_refused(
    run_cli: RunCli, tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [ORDINARY_FLARE])
    result = run_cli("batch", str(source), "--output", str(tmp_path / "out.xlsx"))
    assert result.code == 2
    assert ".csv" in result.err
    assert not (tmp_path / "out.xlsx").exists()
