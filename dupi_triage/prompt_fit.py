"""Fitting a questionary prompt to the screen at every draw, and drawing what it leaves out.

prompt_toolkit redraws a prompt when the window is resized, but text wrapped once beforehand
would stay at the old width and be cut at the new edge. So every text here is wrapped between
words at the width the terminal has *now*, each time the prompt is drawn: the question (an
object questionary formats at each draw), the options, the key help, the pointed option's help,
why Enter did nothing, and the lines above the question (progress, help). Used by prompt_kit.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import questionary
from prompt_toolkit.application.current import get_app_or_none
from prompt_toolkit.filters import Condition, is_done
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout.containers import ConditionalContainer, HSplit, ScrollOffsets, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from questionary import Choice, Separator
from questionary.prompts.common import InquirerControl

from dupi_triage.wrapping import fill, hanging, terminal_width, usable

# Columns before a choice's title: the pointer (" » "), a number ("1) ") and a box ("○ ").
POINTER = 3
NUMBER = 3
BOX = 2

#: (style class, text): a line drawn above the question (progress, help), wrapped at each draw.
Line = tuple[str, str]


def screen_width(io: dict[str, Any] | None = None) -> int:
    """Columns to fit a line in: the running prompt's own screen, else the terminal's."""
    app = get_app_or_none()
    if app is not None and not app.is_done:
        try:
            return usable(int(app.output.get_size().columns))
        except (OSError, ValueError):
            pass
    return usable(terminal_width((io or {}).get("output")))


class Fitted:
    """Text that wraps itself to the screen's width each time it is formatted.

    questionary formats the question into its prompt at every draw (`" {} ".format(message)`),
    so handing it this object rather than a string makes the question follow a resize.
    """

    def __init__(
        self,
        text: str | Callable[[], str],
        *,
        first: str = "",
        indent: str = "",
        skip: int = 0,
        spare: int = 0,
    ) -> None:
        self.text = text
        self.first = first
        self.indent = indent
        self.skip = skip  # columns of `first` already drawn by questionary ("? ")
        self.spare = spare  # columns questionary adds after the last line (spaces)

    def __format__(self, spec: str) -> str:
        text = self.text() if callable(self.text) else self.text
        if not text:
            return ""
        width = screen_width()
        lines = fill(text, width, indent=self.indent, first=self.first).split("\n")
        if len(lines[-1]) + self.spare > width:  # what questionary adds after the last line
            start = len(self.first if len(lines) == 1 else self.indent)
            lines[-1:] = fill(
                lines[-1][start:],
                width - self.spare,
                indent=self.indent,
                first=lines[-1][:start],
            ).split("\n")
        return "\n".join(lines)[self.skip :]

    def __str__(self) -> str:
        return format(self)


def question_text(text: str) -> Fitted:
    """The question after questionary's "? ", later lines under its first word."""
    # questionary draws " {question} " and then a space for the key help: two more columns.
    return Fitted(text, first="? ", indent="  ", skip=2, spare=2)


def control_of(prompt: questionary.Question) -> Any:
    controls = [
        c for c in prompt.application.layout.find_all_controls() if isinstance(c, InquirerControl)
    ]
    return controls[0]


def fit_choices(
    prompt: questionary.Question,
    indent: int,
    keys: str,
    header: Sequence[Line],
    continuation: int = 0,
) -> None:
    """Draw the key help, each option and the pointed option's notes wrapped at this draw's width.

    questionary prints a description on one line at the foot of the list, which the screen cuts,
    and shows a refused answer's reason in a bottom toolbar that prompt_toolkit draws only once
    it knows the cursor position (never with PROMPT_TOOLKIT_NO_CPR, which we set): Enter would
    then do nothing, silently. Both are drawn here instead, under the pointed option, and the
    list scrolls so that they stay on screen however short the terminal is.
    """
    control: Any = control_of(prompt)
    labels = {id(choice): choice.title for choice in control.choices}
    choice_tokens = control.text
    lines_below_cursor = [0]

    def tokens() -> list[tuple[str, str]]:
        width = screen_width()
        if not control.is_answered:
            for choice in control.choices:
                label = labels[id(choice)]
                if isinstance(label, str) and not isinstance(choice, Separator):
                    choice.title = hanging(label, width, indent, continuation)
        shown = list(choice_tokens())
        if shown and shown[-1] == ("", "\n"):
            shown.pop()
        notes: list[tuple[str, str]] = []
        help_text = getattr(control.get_pointed_at(), "description", None)
        # The help sits two columns in from the option's words, so it reads as the option's note.
        under = " " * (2 + indent)
        if help_text:
            notes += [("", "\n"), ("class:text", fill(help_text, width, indent=under, first=under))]
        if control.error_message:
            reason = "".join(part[1] for part in control.error_message)
            notes += [
                ("", "\n"),
                ("class:validation-toolbar", fill(reason, width, indent="  ", first="! ")),
            ]
        cursor = next(i for i, t in enumerate(shown) if t[0] == "[SetCursorPosition]")
        end = next((i for i in range(cursor, len(shown)) if shown[i] == ("", "\n")), len(shown))
        shown[end:end] = notes
        lines_below_cursor[0] = sum(t[1].count("\n") for t in shown[cursor : end + len(notes)])
        hint = fill(keys, width, indent="  ", first="  ")
        return [("class:instruction", hint), ("", "\n"), *shown]

    control.text = tokens
    layout = prompt.application.layout
    for window in layout.find_all_windows():
        if window.content is control:
            window.scroll_offsets = ScrollOffsets(bottom=lambda: lines_below_cursor[0])
            _more_below(prompt.application, layout.container, window)
    add_header(prompt, header)


MORE_BELOW = "(More below: press the Down arrow.)"


def _more_below(app: Any, container: Any, window: Window) -> None:
    """Under a list taller than the screen, a line saying there is more below: on a short
    terminal the last options (often 'None of these') are out of sight, with no other sign.
    Whether the list is cut is known once it is drawn: the first draw is followed by another."""
    first = [True]

    def after_first_draw(app: Any) -> None:
        if first[0]:
            first[0] = False
            if hidden_below():
                app.invalidate()

    app.after_render += after_first_draw

    def hidden_below() -> bool:
        info = window.render_info
        if info is None:
            return False
        return info.vertical_scroll + info.window_height < info.content_height

    def text() -> StyleAndTextTuples:
        return [("class:instruction", fill(MORE_BELOW, screen_width(), indent="  ", first="  "))]

    note = ConditionalContainer(
        Window(FormattedTextControl(text), dont_extend_height=True, wrap_lines=False),
        filter=Condition(hidden_below) & ~is_done,
    )
    children = getattr(container, "children", None)
    if children is None:
        return
    at = next(
        (
            i
            for i, child in enumerate(children)
            if window in child.get_children() or child is window
        ),
        None,
    )
    if at is not None:
        children.insert(at + 1, note)


def answer_below(prompt: questionary.Question) -> None:
    """Once answered, show the picked option on its own lines under the question.

    questionary writes it after the question, on the question's last line: a long option then
    runs past the edge, and prompt_toolkit, which sized that line for one row, drops the rows in
    between ("A pa" ... "someone I look after"). So the moment Enter is accepted, and before
    the answered line is drawn, each option's title becomes its label wrapped between words
    under the question. (A title given as fragments is printed as is, with no brackets.)
    """
    app = prompt.application
    control: Any = control_of(prompt)
    assert app.key_bindings is not None

    def answered_titles() -> None:
        width = screen_width()
        for choice in control.choices:
            if isinstance(choice, Choice) and not isinstance(choice, Separator):
                label = choice.title
                if isinstance(label, str):
                    label = " ".join(label.split())
                    choice.title = [("", "\n" + fill(label, width, indent="  ", first="  "))]

    for binding in app.key_bindings.bindings:
        if binding.keys == (Keys.ControlM,):
            accept = binding.handler

            def handler(event: Any, accept: Any = accept) -> Any:
                result = accept(event)
                if control.is_answered:  # not when a multi-choice answer was refused
                    answered_titles()
                return result

            binding.handler = handler


def add_header(prompt: questionary.Question, header: Sequence[Line]) -> None:
    """Lines above the question (progress, help), drawn and wrapped by the prompt itself."""
    if not header:
        return

    def lines() -> StyleAndTextTuples:
        width = screen_width()
        fragments: StyleAndTextTuples = []
        for style, text in header:
            if fragments:
                fragments.append(("", "\n"))
            fragments.append((style, fill(text, width)))
        return fragments

    window = Window(FormattedTextControl(lines), dont_extend_height=True, wrap_lines=False)
    layout = prompt.application.layout
    layout.container = HSplit([window, layout.container])
