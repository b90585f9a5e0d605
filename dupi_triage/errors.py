"""The one exception type for "the user's input is wrong"."""

from __future__ import annotations


class Stopped(Exception):
    """The person stopped the questions (Ctrl-C, Ctrl-D); the message says what was kept."""


class InputError(ValueError):
    """A flag, answers-file field or other input the user gave is not acceptable.

    `field` names what was wrong as the user wrote it (`--onset`, `itch` in an answers file, a file
    path); `allowed` says what would have been accepted. The CLI prints it on one line, exit code 2.
    """

    def __init__(self, field: str, problem: str, allowed: str | None = None) -> None:
        self.field = field
        self.problem = problem
        self.allowed = allowed
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.field}: {self.problem}"
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        return text


def one_of(value: str, allowed: tuple[str, ...], field: str, kind: str = "format") -> str:
    """`value` normalised (trimmed, lower case), if it is one of `allowed`; else an InputError."""
    normalised = value.strip().lower()
    if normalised not in allowed:
        raise InputError(field, f"{value!r} is not a {kind} here", ", ".join(allowed))
    return normalised
