"""The HTML report on paper: printed by headless Chromium, read back with poppler's tools.

A complete, realistic answer set fits on two A4 pages; the fullest answer sets (every question
answered, every option that can go with others picked) on three, with the answers table in
questionnaire order across the page break.
CI installs chromium and poppler-utils (.ci/run); without them these tests skip, saying why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dupi_triage.answers import applicable_questions, parse_answers, ruled_out
from dupi_triage.questionnaire import ABOUT, NONE_OPTION, RED_FLAGS, Questionnaire
from dupi_triage.render import render_document
from dupi_triage.scoring import assess
from tests.conftest import RunCli

BROWSER = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
MISSING = [tool for tool in ("pdfinfo", "pdftotext") if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    BROWSER is None or bool(MISSING),
    reason=f"needs chromium and poppler-utils (missing: {MISSING or 'chromium'})",
)
NOT_WITH_OTHERS = (NONE_OPTION, "unsure", "not_tried")
# Since questionnaire 2.2 the fullest set without warning signs raises the level too: every look
# is ticked (blisters and purple spots among them), each with its reason, so both fullest sets
# may take a third page; a complete, realistic answer set fits on two (test below).
MOST_PAGES = {"none": 3, "urgent": 3}
# Purple spots that do not fade under a glass describe an emergency sign (spec, `look`).
EMERGENCY_ANSWERS = {("spots_fade", "do_not_fade")}


def fullest_answers(questionnaire: Questionnaire, red_flags: str) -> dict[str, object]:
    """Every question answered at its longest: all options that combine, the longest label.

    `red_flags`: "none", or "urgent" (every urgent sign; emergency signs change the report's
    whole layout and are printed first, by design).
    """
    # An adult answering for themselves, with a paused dose: every adult question applies.
    opening = {"respondent": "self", "age_band": "adult", "dose_paused": "yes"}
    raw: dict[str, object] = {}
    for question in questionnaire:
        if question.when is not None and question.when.state(raw) is False:
            continue
        offered = question.offered(raw)
        if question.id in opening:
            raw[question.id] = opening[question.id]
        elif question.type == "multi":
            if question.id == RED_FLAGS:
                raw[question.id] = (
                    [NONE_OPTION]
                    if red_flags == "none"
                    else [o.id for o in question.options if o.red_flag == red_flags]
                )
            else:
                raw[question.id] = [o.id for o in offered if o.id not in NOT_WITH_OTHERS]
        elif question.type == "integer":
            raw[question.id] = question.max
        elif question.options:
            # Not an answer that describes an emergency: that changes the report's layout; and
            # never two answers that cannot both be true (refused together).
            impossible = ruled_out(questionnaire, question.id, raw)
            fits = [
                o
                for o in offered
                if (question.id, o.id) not in EMERGENCY_ANSWERS and o.id not in impossible
            ]
            raw[question.id] = max(fits, key=lambda o: len(o.label)).id
    applicable = {
        q.id for q in applicable_questions(questionnaire, parse_answers(questionnaire, raw))
    }
    return {k: v for k, v in raw.items() if k in applicable}


def _print(page: str, folder: Path) -> Path:
    source = folder / "report.html"
    source.write_text(page, encoding="utf-8")
    pdf = folder / "report.pdf"
    assert BROWSER is not None
    subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={pdf}",
            source.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return pdf


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, flags=re.MULTILINE)
    assert match is not None, info.stdout
    return int(match.group(1))


def _page_texts(pdf: Path, pages: int) -> list[str]:
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, pages + 1)
    ]


def _where_printed(pages: list[str], label: str) -> tuple[int, int, int]:
    """(page, line, column) where an answers-table cell starting with `label` is printed.

    Only the "Your answers" section is searched; a cell starts at a line's start or after a gap
    of two spaces or more, and its first two words are enough (a long label wraps in its cell).
    """
    start = " ".join(label.split()[:2]).rstrip(",;:")
    cell = re.compile(rf"(?:^|\s{{2,}})({re.escape(start)})\b")
    in_table = False
    for page_number, page in enumerate(pages, start=1):
        for line_number, line in enumerate(page.splitlines()):
            if "YOUR ANSWERS" in line:
                in_table = True
                continue
            if in_table and ("PRESCRIBER" in line or "SOURCES" in line):
                in_table = False
            if in_table and (match := cell.search(line)):
                return page_number, line_number, match.start(1)
    raise AssertionError(f"{label!r} is not printed in the answers table")


@pytest.mark.parametrize("red_flags", ["none", "urgent"])
def test_the_fullest_answer_set_prints_on_two_pages_with_the_answers_in_order(
    questionnaire: Questionnaire, tmp_path: Path, red_flags: str
) -> None:
    answers = parse_answers(questionnaire, fullest_answers(questionnaire, red_flags))
    assessment = assess(questionnaire, answers)
    pdf = _print(render_document("html", questionnaire, assessment), tmp_path)
    pages = _pages(pdf)
    assert pages <= MOST_PAGES[red_flags]

    printed = _page_texts(pdf, pages)
    questionnaire = questionnaire.worded_for(answers.values)  # the report's own words
    # Who is answering, the age and what dupilumab is for head page 1, under the name.
    for question in questionnaire:
        if question.section == ABOUT and question.id in answers:
            assert f"{question.short}:" in printed[0].split("LEVEL")[0], question.short
    places = [
        (_where_printed(printed, question.short), question.short)
        for question in questionnaire
        if question.id in answers and question.section != ABOUT
    ]
    assert [place for place, _ in places] == sorted(place for place, _ in places), (
        f"the printed answers read out of order: {places}"
    )


@pytest.mark.parametrize("weeks", [2, 12])
def test_with_the_diary_the_report_still_prints_on_two_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli, weeks: int
) -> None:
    """The README promises two pages: the diary's chart and timing fit beside the rest."""
    from tests.conftest import ORDINARY_FLARE
    from tests.test_diary import keep_twelve_weeks
    from tests.test_diary_show import two_weeks

    diary = tmp_path / "diary.sqlite"
    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(diary))
    (keep_twelve_weeks if weeks == 12 else two_weeks)(run_cli)
    timing = {"onset", "injection_pattern", "dose_paused", "improved_on_pause",
              "returned_on_restart"}  # fmt: skip
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({k: v for k, v in ORDINARY_FLARE.items() if k not in timing}))
    report = tmp_path / "report.html"
    done = run_cli(
        "assess", "--answers", str(answers), "--from-diary", "--no-input", "-o", str(report)
    )
    assert done.code == 0, done.err
    page = report.read_text(encoding="utf-8")
    assert "Your diary" in page
    pdf = _print(page, tmp_path)
    pages = _pages(pdf)
    assert pages == 2
    printed = "\n".join(_page_texts(pdf, pages))
    assert "What the diary says about timing" in printed
    assert str(diary) not in printed


@pytest.mark.parametrize(
    "extra", [{}, {"red_flags": ["eye_pain_or_vision"]}], ids=["soon", "urgent"]
)
def test_a_complete_realistic_answer_set_prints_on_two_pages(
    questionnaire: Questionnaire, tmp_path: Path, extra: dict[str, object]
) -> None:
    """Every question answered as one person would: a facial rash on dupilumab, a new medicine
    named, two risk factors, and their own words."""
    from tests.conftest import ORDINARY_FLARE

    raw = {
        **ORDINARY_FLARE,
        "onset": "1_to_4_months",
        "location": ["face_neck", "new_areas"],
        "look": ["redness_no_scaling", "typical_eczema"],
        "other_symptoms": ["skin_pain"],
        "itch": 8,
        "usual_treatment_helps": "partly",
        "alternative_causes": ["new_medicine"],
        "new_medicine_detail": "allopurinol, started three weeks ago",
        "risk_factors": ["other_skin_conditions", "poor_skin_barrier"],
        "anything_else": "It burns most in the evening and after a shower.",
        **extra,
    }
    assessment = assess(questionnaire, parse_answers(questionnaire, raw))
    pdf = _print(render_document("html", questionnaire, assessment), tmp_path)
    assert _pages(pdf) <= 2
