"""Markdown: pastes cleanly into e-mail, portals, issue trackers and notes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.render.view import SummaryView, summary_view
from dupi_triage.scoring.model import Assessment

if TYPE_CHECKING:
    from dupi_triage.diary.report import DiaryView


def _escape(text: str) -> str:
    """Text shown as written: no emphasis, code, links, raw HTML or table cells from it.

    It matters most for the person's own words (a text question), which may hold anything.
    """
    return _MARKUP.sub(r"\\\1", text)


escape = _escape  # for the diary's own Markdown (`diary show --format markdown`)

# CommonMark's punctuation that can start markup or an entity; a backslash shows it as written.
_MARKUP = re.compile(r"([\\`*_\[\]<>|#~&])")


def _points(points: int) -> str:
    return f"{points:+d}" if points else "0"


def _bullets(items: tuple[str, ...]) -> list[str]:
    return [f"- {_escape(item)}" for item in items]


def _diary(diary: DiaryView) -> list[str]:
    lines = ["", "## Your diary", "", _escape(diary.intro), "", "```"]
    lines += [*diary.chart_lines(unicode=False), "```", ""]
    lines += ["| Date | Entry | Details |", "|---|---|---|"]
    lines += [f"| {r.day} | {r.kind} | {_escape(r.details)} |" for r in diary.rows]
    lines += ["", "What the diary says about timing (our own heuristics):", ""]
    for line in diary.timing:
        indented = line.startswith("    ")
        lines.append(f"{'    ' if indented else ''}- {_escape(line.strip())}")
    return lines


def render_view(view: SummaryView) -> str:
    """Safety rule 9: the person's part first (ending on the action again), then the detail for
    the prescriber under its own heading."""
    lines = [
        "# dupi-triage summary",
        "",
        f"**Level: {view.level_label.upper()}.** {_escape(view.level_action)}",
    ]
    if view.completeness:
        lines += ["", f"*{_escape(view.completeness)}*"]
    lines += [line for warning in view.answer_warnings for line in ("", f"> {_escape(warning)}")]
    if not view.red_flags_screened:
        lines += ["", f"> **{_escape(view.not_screened_warning)}**"]
    if view.red_flags:
        lines += ["", "## Warning signs reported", "", *_bullets(view.red_flags)]
    lines += ["", "## What to do", "", *_bullets(view.advice)]
    if view.level_reasons:
        lines += ["", "## Why this level", "", *_bullets(view.level_reasons)]
    fit = [view.pattern_sentence, view.pattern_summary]
    lines += ["", "## What the answers fit", "", _escape(" ".join(fit))]
    if view.scope_note:
        lines += ["", f"*{_escape(view.scope_note)}*"]
    if view.also_consistent_with:
        lines += [
            "",
            "Also consistent with: " + _escape("; ".join(view.also_consistent_with)) + ".",
        ]
    lines += ["", _escape(view.drug_link_plain)]
    if view.uncommon:
        lines += ["", _escape(view.uncommon)]
    lines += ["", f"## {_escape(view.tell_heading)}", "", *_bullets(view.tell_your_prescriber)]
    if view.missing and not view.emergency:
        lines += ["", "## Not answered", "", _escape(", ".join(view.missing)) + "."]
    lines += ["", f"**{_escape(view.disclaimer)}**"]
    lines += ["", f"**In short: {view.level_label.upper()}.** {_escape(view.level_action)}"]

    lines += ["", f"# {_escape(view.detail_heading)}", "", f"*{_escape(view.detail_note)}*"]
    if view.pattern_evidence:
        lines += ["", "## Answers behind the pattern", ""]
        lines += _bullets(tuple(f"{row.label}: {row.value}" for row in view.pattern_evidence))
    lines += [
        "",
        f"## Link to dupilumab ({_escape(view.drug_link_name)})",
        "",
        _escape(view.drug_link_sentence),
    ]
    if view.drug_link_capped:
        lines += ["", _escape(view.drug_link_capped)]
    lines += ["", "| # | Item | Answer | Points | Source |", "|---|---|---|---:|---|"]
    lines += [
        f"| {row.number} | {_escape(row.item)} | {_escape(row.answer)} | {_points(row.points)} "
        f"| {_escape(row.source)} |"
        for row in view.drug_link_rows
    ]
    lines += ["", f"*{_escape(view.drug_link_note)}*"]

    lines += ["", "## Risk factors", "", _escape(view.risk_sentence)]
    if view.risk_rows:
        lines += ["", "| Factor | Description | Impact on risk |", "|---|---|---|"]
        lines += [
            f"| {_escape(r.label)} | {_escape(r.description)} | {_escape(r.impact)} |"
            for r in view.risk_rows
        ]
    if view.diary is not None:
        lines += _diary(view.diary)
    lines += ["", "## Sources", "", *_bullets(view.sources)]
    lines += _bullets(tuple(f"{word}: {meaning}" for word, meaning in view.source_key))
    lines += ["", f"*dupi-triage {view.tool_version}, questionnaire {view.questionnaire_version}.*"]
    return "\n".join(lines) + "\n"


def render(questionnaire: Questionnaire, assessment: Assessment) -> str:
    return render_view(summary_view(questionnaire, assessment))
