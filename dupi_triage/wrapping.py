"""Fitting prompt text to the terminal: whole words, every line, at any width from 40 columns.

prompt_toolkit cuts a choice line at the right edge and wraps other lines mid-word, so the
interactive walk hands it text already broken at word boundaries, one line per screen row.
Pure functions of the text and a width; no terminal is touched except in `terminal_width`.
"""

from __future__ import annotations

import os
import textwrap
from typing import Any

DEFAULT_WIDTH = 80
# Narrower than this and no wording can stay readable; wrap as if the screen were this wide.
NARROWEST = 20


def terminal_width(output: Any = None) -> int:
    """Columns available to the prompts: the prompt_toolkit output's, else the terminal's."""
    if output is not None:
        try:
            return max(NARROWEST, int(output.get_size().columns))
        except (AttributeError, OSError, ValueError):
            pass
    for descriptor in (1, 2, 0):
        try:
            size = os.get_terminal_size(descriptor).columns
        except OSError:
            continue
        if size > 0:  # 0: a terminal that does not know its size (a serial line, `script`)
            return max(NARROWEST, size)
    columns = os.environ.get("COLUMNS", "")
    return max(NARROWEST, int(columns)) if columns.isdigit() else DEFAULT_WIDTH


def usable(width: int) -> int:
    """One column short of the edge: a character in the last column makes some terminals wrap."""
    return max(NARROWEST, width - 1)


def fill(text: str, width: int, *, indent: str = "", first: str = "") -> str:
    """`text` in lines of at most `width` columns, broken between words only.

    `first` is printed before the first line (a pointer, "? ", a label) and `indent` before the
    others; both count towards the width. A single word longer than a line is the one thing
    broken, so nothing is ever lost off the edge.
    """
    lines: list[str] = []
    for number, paragraph in enumerate(text.split("\n")):
        lines.extend(
            textwrap.wrap(
                paragraph,
                width=max(len(indent) + 1, width),
                initial_indent=first if number == 0 else indent,
                subsequent_indent=indent,
                break_on_hyphens=False,
            )
            or [first if number == 0 else ""]
        )
    return "\n".join(lines)


def hanging(text: str, width: int, prefix_width: int, more: int = 0) -> str:
    """A choice title after a `prefix_width`-column pointer (and box), later lines under it,
    `more` columns further in (where nothing else marks where an option starts)."""
    wrapped = fill(text, width, indent=" " * (prefix_width + more), first=" " * prefix_width)
    return wrapped[prefix_width:]
