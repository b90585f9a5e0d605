"""Commands built when they are used, not all at every start.

Typer builds a command's click parameters from its function's signature, about 70 us a flag, and
the question flags need the questionnaire loaded first: building every command cost each run
about 4 ms before its first byte (benchmarks/bench.py). The root and `diary` know their commands'
names; each command is built when it is run, listed (--help) or completed, exactly as
`typer.main.get_command` would build it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

import typer

from dupi_triage.help_screen import HelpCommand

if TYPE_CHECKING:
    import inspect

    from typer.models import CommandInfo

#: The attribute naming a command function's parameters made at build time (`late_signature`).
_LATE = "__dupi_late_parameters__"


class LazyCommands(MutableMapping[str, Any]):
    """A group's commands by name; each is built the first time it is looked up."""

    def __init__(self, builders: dict[str, Callable[[], Any]]) -> None:
        self._builders = builders
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._builders[name]()
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._builders.setdefault(name, lambda: command)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._builders[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


def late_signature(
    parameters: Callable[[], Sequence[inspect.Parameter]],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a `**values` command function its parameters when it is built, not at import: the
    question flags need the questionnaire, which a command that is not run never reads."""

    def mark(function: Callable[..., Any]) -> Callable[..., Any]:
        setattr(function, _LATE, parameters)
        return function

    return mark


def build(info: CommandInfo, *, markup: Any = typer.core.DEFAULT_MARKUP_MODE) -> Any:
    """One registered command, built as Typer builds each command of a group; its --help is
    drawn by help_screen (whole flags at any width) unless it names a class of its own."""
    from dupi_triage.options import with_signature

    parameters = getattr(info.callback, _LATE, None)
    if parameters is not None:
        with_signature(info.callback, parameters())  # type: ignore[arg-type]
    if info.cls in (None, typer.core.TyperCommand):
        info.cls = HelpCommand
    return typer.main.get_command_from_info(
        info, pretty_exceptions_short=True, rich_markup_mode=markup
    )
