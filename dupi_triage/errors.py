"""The one exception type for "the user's input is wrong"."""

from __future__ import annotations


class Stopped(Exception):
    """The person stopped the questions (Ctrl-C, Ctrl-D, a hangup); the message says what was kept.

    `exit_code` is 130 for Ctrl-C and Ctrl-D, 128 + the signal's number for SIGTERM or SIGHUP.
    """

    def __init__(self, message: str, exit_code: int = 130) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Failed(Exception):
    """The run cannot finish, through no fault of the input and no bug of ours (a batch worker
    was killed). The CLI prints it on one line, exit code 3; partial output files are removed."""


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

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, str | None]]:
        # Pickled whole: a bad row's error travels to the batch worker that writes it.
        return InputError, (self.field, self.problem, self.allowed)

    def __str__(self) -> str:
        text = f"{self.field}: {self.problem}"
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        return text


QUOTE_LIMIT = 60
PATH_LIMIT = 200


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value the user gave, as shown in a message: quoted, control characters escaped, cut short.

    repr() escapes every character a terminal could act on (escape sequences, line breaks, bidi
    controls), so a hostile name can neither redraw the screen nor split a one-line error.
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def printable(text: str) -> str:
    """`text` with every character a terminal could act on escaped as repr() escapes it.

    For messages built by others (click's usage errors quote what was typed, unescaped).
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def quoted_path(path: object) -> str:
    """A file name the user gave, as shown in a message (longer than other values: paths are)."""
    return quoted(str(path), PATH_LIMIT)


def one_of(value: str, allowed: tuple[str, ...], field: str, kind: str = "format") -> str:
    """`value` normalised (trimmed, lower case), if it is one of `allowed`; else an InputError."""
    normalised = value.strip().lower()
    if normalised not in allowed:
        raise InputError(field, f"{quoted(value)} is not a {kind} here", ", ".join(allowed))
    return normalised
