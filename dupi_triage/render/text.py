"""Plain text: for e-mail, patient portals and screen readers. No colour, boxes or symbols."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.render.view import SummaryView, summary_view
from dupi_triage.scoring.model import Assessment

if TYPE_CHECKING:
    from dupi_triage.diary.report import DiaryView

WIDTH = 78


def _wrap(text: str, indent: str = "", width: int = WIDTH) -> list[str]:
    return textwrap.wrap(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=" " * len(indent),
        break_on_hyphens=False,  # never "dupi-" at a line's end and "triage" on the next
    ) or [""]


def _bullet_list(items: tuple[str, ...], width: int = WIDTH) -> list[str]:
    return [line for item in items for line in _wrap(item, "  - ", width)]


def _heading_lines(title: str, width: int = WIDTH) -> list[str]:
    lines = _wrap(title, "", width)
    return ["", *lines, "-" * max(len(line) for line in lines)]


def render_view(view: SummaryView, width: int = WIDTH) -> str:
    """Safety rule 9: the person's part first (ending on the action again), then the detail for
    the prescriber under its own heading. `width`: narrower on a narrow screen (a screen reader
    or magnifier user's window); files and pipes get WIDTH."""

    def _para(text: str, indent: str = "") -> list[str]:
        return _wrap(text, indent, width)

    def _bullets(items: tuple[str, ...]) -> list[str]:
        return _bullet_list(items, width)

    def _heading(title: str) -> list[str]:
        return _heading_lines(title, width)

    lines = ["dupi-triage summary", "=" * 19, ""]
    lines += _para(f"How soon: {view.headline}")
    if view.completeness:
        lines += _para(view.completeness)
    for warning in view.answer_warnings:
        lines += _para(warning)
    if not view.red_flags_screened:
        lines += ["", *_para(view.not_screened_warning)]
    if view.red_flags:
        lines += _heading("Warning signs reported") + _bullets(view.red_flags)
    lines += _heading("What to do") + _bullets(view.advice)
    if view.level_reasons:
        lines += _heading("Why this level") + _bullets(view.level_reasons)
    lines += _heading("What the answers fit") + _para(view.pattern_sentence)
    lines += _para(view.pattern_summary)
    if view.scope_note:
        lines += _para(view.scope_note)
    if view.also_consistent_with:
        lines += _para("Also consistent with: " + "; ".join(view.also_consistent_with) + ".")
    lines += _para(view.drug_link_plain)
    if view.uncommon:
        lines += _para(view.uncommon)
    lines += _heading(view.tell_heading) + _bullets(view.tell_your_prescriber)
    if view.missing and not view.emergency:
        lines += _heading("Not answered") + _para(", ".join(view.missing) + ".")
    lines += ["", *_para(view.disclaimer)]
    lines += ["", *_para(f"In short: {view.headline}")]

    heading = _para(view.detail_heading)
    lines += ["", "", *heading, "=" * max(len(line) for line in heading), ""]
    lines += _para(view.detail_note)
    if view.pattern_evidence:
        lines += _heading("Answers behind the pattern")
        lines += _bullets(tuple(f"{row.label}: {row.value}" for row in view.pattern_evidence))
    lines += _heading(f"Link to dupilumab ({view.drug_link_name})") + _para(view.drug_link_sentence)
    if view.drug_link_capped:
        lines += _para(view.drug_link_capped)
    for row in view.drug_link_rows:
        points = f"{row.points:+d}" if row.points else "0"
        # Points and item numbers right-aligned, so "10." lines up with "9." and the text hangs.
        text = f"{row.item} Answer: {row.answer}. [{row.source}]"
        lead = f"  {points:>3}  {row.number:>2}. "
        lines += textwrap.wrap(
            text,
            width,
            initial_indent=lead,
            subsequent_indent=" " * len(lead),
            break_on_hyphens=False,
        )
    lines += ["", *_para(view.drug_link_note)]

    lines += _heading("Risk factors") + _para(view.risk_sentence)
    for risk in view.risk_rows:
        lines += _para(f"{risk.label}. {risk.description} {risk.impact}", "  - ")
    if view.diary is not None:
        lines += _diary(view.diary, width)
    lines += _heading("Sources") + _bullets(view.sources)
    lines += _bullets(tuple(f"{word}: {meaning}" for word, meaning in view.source_key))
    lines += [
        "",
        *_para(f"dupi-triage {view.tool_version}, questionnaire {view.questionnaire_version}."),
    ]
    return "\n".join(lines) + "\n"


def _diary(diary: DiaryView, width: int = WIDTH) -> list[str]:
    lines = _heading_lines("Your diary", width) + _wrap(diary.intro, "", width) + [""]
    lines += diary.chart_lines(unicode=False, width=max(20, min(60, width - 8)))
    lines += ["", "Entries (date, kind, details):"]
    for row in diary.rows:
        lines += textwrap.wrap(
            f"{row.day}  {row.kind:<8}  {row.details}",
            width,
            initial_indent="  ",
            subsequent_indent=" " * 24,
            break_on_hyphens=False,
        )
    lines += ["", "What the diary says about timing (our own heuristics):"]
    for line in diary.timing:
        indent = "  " + " " * (len(line) - len(line.lstrip()))
        lines += _wrap(line.strip(), indent, width)
    return lines


def render(questionnaire: Questionnaire, assessment: Assessment, width: int = WIDTH) -> str:
    return render_view(summary_view(questionnaire, assessment), width)
