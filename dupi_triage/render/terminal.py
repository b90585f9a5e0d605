"""The on-screen summary, with rich. The level is always in words as well as colour."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group
from rich.constrain import Constrain
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.render.view import SummaryView, summary_view
from dupi_triage.scoring.model import Assessment

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def _bullets(items: tuple[str, ...], width: int) -> Text:
    """Bullets with a hanging indent, wrapped here: much cheaper than a grid table per list."""
    lines = [
        line
        for item in items
        for line in textwrap.wrap(
            item,
            max(width, 20),
            initial_indent="  - ",
            subsequent_indent="    ",
            break_on_hyphens=False,
        )
    ]
    return Text("\n".join(lines))


def _heading(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def level_banner(view: SummaryView) -> Panel:
    banner = Text.assemble((view.level_label.upper(), "bold"), "  ", view.level_action)
    return Panel(
        banner, title=Text("How soon"), title_align="left", border_style=f"bold {view.level_colour}"
    )


def _points(points: int) -> str:
    return f"{points:+d}" if points else "0"


def _drug_link_table(view: SummaryView) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Item", ratio=3)
    table.add_column("Answer", ratio=2)
    table.add_column("Points", justify="right", no_wrap=True)
    table.add_column("Source", ratio=1)
    for row in view.drug_link_rows:
        style = "dim" if row.points == 0 else ""
        cells = (str(row.number), row.item, row.answer, _points(row.points), row.source)
        table.add_row(*(Text(cell) for cell in cells), style=style)
    return table


def _risk_table(view: SummaryView) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Factor", ratio=2)
    table.add_column("What the article says", ratio=3)
    table.add_column("Impact on risk", ratio=3)
    for row in view.risk_rows:
        table.add_row(Text(row.label), Text(row.description), Text(row.impact))
    return table


def _drug_link_list(view: SummaryView, width: int) -> Text:
    """The drug-link table as a list: columns would be too narrow to read."""
    return _bullets(
        tuple(
            f"{row.number}. {row.item} Answer: {row.answer}. "
            f"Points: {_points(row.points)} ({row.source})."
            for row in view.drug_link_rows
        ),
        width,
    )


def _risk_list(view: SummaryView, width: int) -> Text:
    return _bullets(
        tuple(f"{row.label}. {row.description} {row.impact}" for row in view.risk_rows), width
    )


# Below this width a table's columns get too narrow to read, so tables become lists; above the
# maximum, lines get too long to read comfortably, so wide terminals get the maximum.
NARROW = 64
MAX_WIDTH = 100


#: Levels whose action is also the last thing on screen (safety rule 9).
ACT_NOW = frozenset({"urgent", "emergency"})


def renderables(view: SummaryView, width: int = 80) -> list[RenderableType]:
    """Safety rule 9: the person's part first, then the prescriber's detail under its heading;
    an urgent or emergency action is drawn again as the last thing on screen."""
    parts: list[RenderableType] = [level_banner(view)]
    if view.completeness:
        parts.append(Text(view.completeness, style="italic"))
    parts += [Text(warning, style="bold") for warning in view.answer_warnings]
    if not view.red_flags_screened:
        parts.append(Panel(Text(view.not_screened_warning, style="bold"), border_style="bold red"))
    if view.red_flags:
        parts += [_heading("Warning signs reported"), _bullets(view.red_flags, width)]
    parts += [_heading("What to do"), _bullets(view.advice, width)]
    if view.level_reasons:
        parts += [_heading("Why this level"), _bullets(view.level_reasons, width)]
    parts += [
        _heading("What the answers fit"),
        Text.assemble((view.pattern_sentence, "bold"), " ", view.pattern_summary),
    ]
    if view.scope_note:
        parts.append(Text(view.scope_note, style="italic"))
    if view.also_consistent_with:
        parts.append(Text("Also consistent with: " + "; ".join(view.also_consistent_with) + "."))
    parts.append(Text(view.drug_link_plain))
    if view.uncommon:
        parts.append(Text(view.uncommon))
    parts += [_heading(view.tell_heading), _bullets(view.tell_your_prescriber, width)]
    if view.missing and not view.emergency:
        parts += [_heading("Not answered"), Text(", ".join(view.missing) + ".")]
    parts += [Text(""), Text(view.disclaimer, style="bold")]
    parts += [Text(""), Text.assemble(("In short: ", "bold"), view.headline)]

    parts += [
        Text(""),
        Panel(
            Text(view.detail_note),
            title=Text(view.detail_heading),
            title_align="left",
            border_style="dim",
        ),
    ]
    if view.pattern_evidence:
        parts += [
            _heading("Answers behind the pattern"),
            _bullets(tuple(f"{row.label}: {row.value}" for row in view.pattern_evidence), width),
        ]
    parts += [
        _heading(f"Link to dupilumab ({view.drug_link_name})"),
        Text(view.drug_link_sentence, style="bold"),
    ]
    if view.drug_link_capped:
        parts.append(Text(view.drug_link_capped))
    parts += [
        _drug_link_list(view, width) if width < NARROW else _drug_link_table(view),
        Text(view.drug_link_note, style="italic"),
    ]
    parts += [_heading("Risk factors"), Text(view.risk_sentence)]
    if view.risk_rows:
        parts.append(_risk_list(view, width) if width < NARROW else _risk_table(view))
    if view.diary is not None:
        chart = view.diary.chart_lines(unicode=True, width=max(20, min(60, width - 8)))
        parts += [_heading("Your diary"), Text(view.diary.intro), Text("\n".join(chart))]
        from dupi_triage.invocation import invoked

        parts += [Text(f"('{invoked()} diary show' lists every entry.)", style="dim")]
    parts.append(Text(""))
    parts.append(
        Text(
            f"dupi-triage {view.tool_version}, questionnaire {view.questionnaire_version}",
            style="dim",
        )
    )
    if view.level in ACT_NOW:
        parts += [Text(""), level_banner(view)]
    return parts


def print_summary(console: Console, questionnaire: Questionnaire, assessment: Assessment) -> None:
    view = summary_view(questionnaire, assessment)
    width = min(console.width, MAX_WIDTH)
    console.print(Constrain(Group(*renderables(view, width)), width))
