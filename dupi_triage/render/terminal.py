"""The on-screen summary, with rich. The level is always in words as well as colour."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len, chop_cells
from rich.console import Group
from rich.constrain import Constrain
from rich.panel import Panel
from rich.text import Text

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.records import NamedTuple
from dupi_triage.render.view import SummaryView, summary_view
from dupi_triage.scoring.model import Assessment

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def _bullets(items: tuple[str, ...], width: int) -> Text:
    """Bullets with a hanging indent, wrapped here by terminal cells (a wide character is two:
    text typed in Japanese, say, keeps its indent): much cheaper than a grid table per list."""
    lines = []
    for item in items:
        first, *rest = _wrap_cell(item, max(width, 20) - len(BULLET))
        lines += [BULLET + first, *(HANGING + line for line in rest)]
    return _wrapped_here(lines, width)


BULLET, HANGING = "  - ", "    "


def _wrapped_here(lines: list[str], width: int) -> Text:
    """Lines wrapped here: rich need not wrap them again when each fits (a third of the drawing
    time was rich re-dividing lines that already fit); a line that does not (a wide character
    counts two cells) is left to rich to wrap, never cut."""
    return Text("\n".join(lines), no_wrap=all(cell_len(line) <= width for line in lines))


def _heading(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def level_banner(view: SummaryView) -> Panel:
    banner = Text.assemble((view.level_label.upper(), "bold"), "  ", view.level_action)
    return Panel(
        banner, title=Text("How soon"), title_align="left", border_style=f"bold {view.level_colour}"
    )


def _points(points: int) -> str:
    return f"{points:+d}" if points else "0"


class Column(NamedTuple):
    header: str
    share: int = 0  # 0: as wide as its widest cell, never wrapped; else its share of the rest
    right: bool = False


#: Between two columns, as rich's tables have them (a cell's padding on each side).
GAP = "  "


def _wrap_cell(text: str, width: int) -> list[str]:
    """Whole words to `width` terminal cells (a wide character is two); a word longer than a
    line (a long name, a sentence in a script written without spaces) fills the line it starts
    on and goes on below, cut between characters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if cell_len(word) > width and line and width - cell_len(line) > 1:
            head = chop_cells(word, width - cell_len(line) - 1)[0]
            line, word = f"{line} {head}", word[len(head) :]
        if line:
            lines.append(line)
        pieces = chop_cells(word, width) if cell_len(word) > width else [word]
        lines += pieces[:-1]
        line = pieces[-1]
    return [*lines, line] if line or not lines else lines


def _widths(columns: tuple[Column, ...], rows: Sequence[tuple[str, ...]], width: int) -> list[int]:
    """Each column as wide as its widest cell, if the width allows; else the room left by the
    fixed columns is shared out by share. A column that needs less than its share gives the
    rest to the others; one whose longest word is wider than its share takes that width, so
    no word is cut while the others can give room ("(conjunctivitis)" stays whole)."""
    cells = [(column.header, *(row[i] for row in rows)) for i, column in enumerate(columns)]
    widths = [max(cell_len(cell) for cell in column_cells) for column_cells in cells]
    longest_word = [
        max((cell_len(word) for cell in column_cells for word in cell.split()), default=1)
        for column_cells in cells
    ]
    flexible = [i for i, column in enumerate(columns) if column.share]
    room = width - len(GAP) * (len(columns) - 1)
    room -= sum(w for i, w in enumerate(widths) if i not in flexible)
    while flexible:
        shared = sum(columns[i].share for i in flexible)
        room = max(room, shared)  # at least a cell per share: never a column of width 0
        given = handed = 0
        shares = {}
        for i in flexible:
            given += columns[i].share
            shares[i] = room * given // shared - handed
            handed += shares[i]
        settled = {i: widths[i] for i in flexible if widths[i] <= shares[i]}  # all it needs
        if not settled:
            settled = {i: longest_word[i] for i in flexible if longest_word[i] > shares[i]}
            left = room - sum(settled.values())
            if not settled or left < sum(columns[i].share for i in flexible if i not in settled):
                for i in flexible:  # as shared; a word wider than its column is folded
                    widths[i] = shares[i]
                break
        for i, size in settled.items():  # keeps this width; the others share what is left
            widths[i] = size
            room -= size
            flexible.remove(i)
    return widths


def _columns(
    columns: tuple[Column, ...],
    rows: Sequence[tuple[str, ...]],
    width: int,
    styles: tuple[str, ...] = (),
    *,
    ascii_only: bool = False,
) -> Text:
    """A table drawn as text, as rich's SIMPLE_HEAD box draws one without its edges: a bold
    header, a rule under it, cells wrapped in their columns. rich's Table measured and wrapped
    every cell again and again: with it, drawing the summary took some 13 ms of a 107 ms run, and
    importing it 5 ms more; laid out here, and with lines that fit left unwrapped, about 5 ms
    (benchmarks/bench.py, the terminal summary's start-up)."""
    widths = _widths(columns, rows, width)

    def block(row: tuple[str, ...]) -> str:
        """A row's cells wrapped in their columns, side by side, as many lines as it needs."""
        wrapped = [
            _wrap_cell(cell, size) if column.share else [cell]
            for cell, size, column in zip(row, widths, columns, strict=True)
        ]
        lines = []
        for index in range(max(len(cell_lines) for cell_lines in wrapped)):
            padded = []
            for cell_lines, size, column in zip(wrapped, widths, columns, strict=True):
                cell = cell_lines[index] if index < len(cell_lines) else ""
                space = " " * (size - cell_len(cell))
                padded.append(space + cell if column.right else cell + space)
            lines.append(GAP.join(padded).rstrip())
        return "\n".join(lines)

    across = sum(widths) + len(GAP) * (len(widths) - 1)
    text = Text(no_wrap=across <= width)  # it fits: nothing for rich to wrap again
    text.append(block(tuple(column.header for column in columns)), style="bold")
    text.append("\n" + ("-" if ascii_only else "\u2500") * across)
    for index, row in enumerate(rows):
        text.append("\n")
        text.append(block(row), style=styles[index] if index < len(styles) else "")
    return text


DRUG_LINK_COLUMNS = (
    Column("#", right=True),
    Column("Item", share=3),
    Column("Answer", share=2),
    Column("Points", right=True),
    Column("Source", share=2),
)
RISK_COLUMNS = (
    Column("Factor", share=2),
    Column("What the article says", share=3),
    Column("Impact on risk", share=3),
)


def _drug_link_table(view: SummaryView, width: int, *, ascii_only: bool = False) -> Text:
    rows = [
        (str(row.number), row.item, row.answer, _points(row.points), row.source)
        for row in view.drug_link_rows
    ]
    styles = tuple("dim" if row.points == 0 else "" for row in view.drug_link_rows)
    return _columns(DRUG_LINK_COLUMNS, rows, width, styles, ascii_only=ascii_only)


def _risk_table(view: SummaryView, width: int, *, ascii_only: bool = False) -> Text:
    rows = [(row.label, row.description, row.impact) for row in view.risk_rows]
    return _columns(RISK_COLUMNS, rows, width, ascii_only=ascii_only)


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


def renderables(
    view: SummaryView, width: int = 80, *, ascii_only: bool = False
) -> list[RenderableType]:
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
        _drug_link_list(view, width)
        if width < NARROW
        else _drug_link_table(view, width, ascii_only=ascii_only),
        Text(view.drug_link_note, style="italic"),
    ]
    parts += [_heading("Risk factors"), Text(view.risk_sentence)]
    if view.risk_rows:
        parts.append(
            _risk_list(view, width)
            if width < NARROW
            else _risk_table(view, width, ascii_only=ascii_only)
        )
    if view.diary is not None:
        chart = view.diary.chart_lines(unicode=not ascii_only, width=max(20, min(60, width - 8)))
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
    parts = renderables(view, width, ascii_only=console.options.ascii_only)
    console.print(Constrain(Group(*parts), width))
