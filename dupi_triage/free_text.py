"""The person's own words (a `text` question): made safe once, when they are read.

Whatever the source (a prompt, a flag, an answers file, a batch row, a FHIR response), the text
is cleaned here before it is stored: control characters (escape sequences that could recolour or
rewrite a terminal, carriage returns, bidirectional overrides) become spaces and runs of white
space become one. Text longer than the question allows is refused, never cut: a person would not
know which of their words were lost. Renderers still escape it for their own format (HTML
entities, Markdown punctuation, Rich markup): this module only makes the text plain.
"""

from __future__ import annotations

import re
import unicodedata

# Control (Cc), format (Cf: bidi overrides, zero-width characters), separators other than space
# (Zl, Zp) and unassigned or private-use code points: none belongs in a line of plain text.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """`text` on one line of printable characters."""
    printable = "".join(
        " " if unicodedata.category(char) in _UNSAFE_CATEGORIES else char for char in text
    )
    return _SPACES.sub(" ", printable).strip()


def too_long(cleaned: str, longest: int) -> str | None:
    """What is wrong with `cleaned` text over `longest` characters, in words; None if it fits."""
    if len(cleaned) <= longest:
        return None
    return f"is {len(cleaned)} characters long, {len(cleaned) - longest} over the limit"
