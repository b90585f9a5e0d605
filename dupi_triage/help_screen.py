"""`--help` for every command, drawn so that every flag, metavar and value reads whole.

Typer's own help is a table whose columns rich shrinks to fit: at 40 columns it cut 87 flag names
and values of `assess` short ("--red-fla…"). Here the flag and metavar columns never wrap and the
help column is at least as wide as its longest word; when the tables cannot be that wide, the same
content is drawn as a list (each flag on its own line, its help below), which fits any width.
Colours and panels follow Typer's look; rich is imported only when help is shown.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import typer

from dupi_triage.records import NamedTuple

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text

ARGUMENTS = "Arguments"
OPTIONS = "Options"
COMMANDS = "Commands"
#: What a panel's border and its padding take from the width.
PANEL_EDGES = 4
#: How far a flag and its help are indented in the list.
NAME_INDENT = 2
HELP_INDENT = 6
#: A flag named in a help text ("see --from-diary") is coloured as flags are.
FLAG_IN_TEXT = r"(?<![\w-])--[a-z][\w-]*"


class Row(NamedTuple):
    """One line of a panel: a flag (or an argument, or a command) and what it does."""

    names: str
    short: str
    metavar: str
    help: str
    notes: str


class HelpCommand(typer.core.TyperCommand):
    """A command whose --help is drawn by `print_help`."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        print_help(self, ctx)


class HelpGroup(typer.core.TyperGroup):
    """A group (the root, `diary`) whose --help is drawn by `print_help`."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        print_help(self, ctx)


def print_help(command: Any, ctx: Any, console: Console | None = None) -> None:
    """Usage, description, then each panel: as tables where they fit whole, else as a list."""
    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    console = console or Console(highlight=False)
    usage = Text("Usage: ", style="yellow")
    usage.append(" ".join([ctx.command_path, *_usage_pieces(command)]), style="bold")
    console.print(Padding(usage, 1))
    for paragraph in _paragraphs(command.help or ""):
        console.print(Padding(Text(paragraph), (0, 1, 1, 1)))
    panels = [(title, rows) for title, rows in _panels(command, ctx) if rows]
    tables = [_table(rows) for _, rows in panels]
    limit = console.width - PANEL_EDGES
    unlimited = console.options.update_width(10_000)
    if all(console.measure(table, options=unlimited).minimum <= limit for table in tables):
        from rich.panel import Panel

        for (title, _), table in zip(panels, tables, strict=True):
            console.print(Panel(table, title=title, title_align="left", border_style="dim"))
        return
    for number, (title, rows) in enumerate(panels):
        if number:
            console.print()
        _print_list(console, title, rows)


# --- what a command's help holds --------------------------------------------------------------


def _usage_pieces(command: Any) -> list[str]:
    """`[OPTIONS] PATH`, `[OPTIONS] COMMAND [ARGS]...`: the names, never Typer's `{PATH}`."""
    pieces = [command.options_metavar] if command.options_metavar else []
    for param in command.params:
        if isinstance(param, typer.core.TyperArgument):
            name = _argument_name(param)
            pieces.append(name if param.required else f"[{name}]")
    if isinstance(command, typer.core.TyperGroup):
        pieces.append(command.subcommand_metavar or "COMMAND [ARGS]...")
    return pieces


def _paragraphs(text: str) -> list[str]:
    return [" ".join(part.split()) for part in inspect.cleandoc(text).split("\n\n") if part]


def _panels(command: Any, ctx: Any) -> list[tuple[str, list[Row]]]:
    """Typer's order: the arguments, the options without a panel, each named panel as it first
    appears, then the commands of a group."""
    panels: dict[str, list[Row]] = {ARGUMENTS: [], OPTIONS: []}
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        argument = isinstance(param, typer.core.TyperArgument)
        title = getattr(param, "rich_help_panel", None) or (ARGUMENTS if argument else OPTIONS)
        panels.setdefault(title, []).append(
            _argument_row(param) if argument else _option_row(param, ctx)
        )
    found = list(panels.items())
    if isinstance(command, typer.core.TyperGroup):
        found.append((COMMANDS, _command_rows(command, ctx)))
    return found


def _argument_name(param: Any) -> str:
    return str(param.metavar or (param.name or "").upper())


def _argument_row(param: Any) -> Row:
    notes = "[required]" if param.required else ""
    return Row(_argument_name(param), "", "", param.help or "", notes)


def _option_row(param: Any, ctx: Any) -> Row:
    names = [*param.opts, *param.secondary_opts]
    long = [name for name in names if name.startswith("--")]
    short = [name for name in names if not name.startswith("--")]
    metavar = "" if param.is_flag or param.count else param.make_metavar(ctx)
    notes = []
    default = param.show_default if isinstance(param.show_default, str) else param.default
    if (
        not param.is_flag
        and param.show_default is not False
        and default is not None
        and not callable(default)
    ):
        notes.append(f"[default: {default}]")
    if param.required:
        notes.append("[required]")
    return Row(", ".join(long), ", ".join(short), metavar, param.help or "", " ".join(notes))


def _command_rows(group: Any, ctx: Any) -> list[Row]:
    rows = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        summary = _paragraphs(command.short_help or command.help or "")
        rows.append(Row(name, "", "", summary[0] if summary else "", ""))
    return rows


# --- drawing --------------------------------------------------------------------------------------


def _help_text(row: Row) -> Text:
    from rich.text import Text

    text = Text(row.help)
    text.highlight_regex(FLAG_IN_TEXT, "bold cyan")
    if row.notes:
        text.append(f" {row.notes}" if row.help else row.notes, style="dim")
    return text


def _table(rows: list[Row]) -> Table:
    """Flag, short flag and metavar columns that never wrap; the help takes the rest, never
    narrower than its longest word (so a value in it is never cut)."""
    from rich.table import Table

    table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False, expand=True)
    columns: list[tuple[str, str]] = [("names", "bold cyan"), ("short", "bold green")]
    columns.append(("metavar", "bold yellow"))
    used = [(field, style) for field, style in columns if any(getattr(r, field) for r in rows)]
    for _, style in used:
        table.add_column(style=style, no_wrap=True)
    table.add_column(ratio=1)
    for row in rows:
        cells: list[RenderableType] = [getattr(row, field) for field, _ in used]
        table.add_row(*cells, _help_text(row))
    return table


def _print_list(console: Console, title: str, rows: list[Row]) -> None:
    """A panel as a list: its title, then each flag on a line of its own with its help below."""
    from rich.padding import Padding
    from rich.text import Text

    console.print(Padding(Text(title, style="bold"), (0, 1)))
    for row in rows:
        line = Text(overflow="fold")
        line.append(row.names, style="bold cyan")
        if row.short:
            line.append(", ")
            line.append(row.short, style="bold green")
        if row.metavar:
            line.append(" ")
            line.append(row.metavar, style="bold yellow")
        console.print(Padding(line, (0, 0, 0, NAME_INDENT)))
        help_text = _help_text(row)
        help_text.overflow = "fold"
        console.print(Padding(help_text, (0, 0, 0, HELP_INDENT)))
