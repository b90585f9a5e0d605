"""One prompt, fitted to the screen at every draw, with the keys a frightened person needs.

Built on questionary (its look and keys), with what it lacks added here, once, for the walk
and the diary alike:
- Every text is wrapped at the width the terminal has *now*, at each draw, so that a resized
  window is redrawn whole; the progress line and the help are drawn by the prompt too
  (prompt_fit.py).
- A single choice nobody moved on is not an answer: Enter says how to pick (the arrow keys,
  or the option's number) and waits. A value already given is pointed at, and Enter keeps it.
- Esc (and Backspace with nothing typed) raises GoBack: the walk goes back one question.
- A number (or a date) already given is shown beside the cursor, not typed into the box:
  Enter keeps it, and typing replaces it rather than adding to it ("5" then 6 is 6, not 56).
- Why Enter did nothing, and the pointed option's help, are drawn right under that option.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import questionary
from prompt_toolkit.application.current import get_app_or_none
from prompt_toolkit.document import Document
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.lexers import Lexer
from questionary import Choice, Separator

from dupi_triage.prompt_fit import (
    BOX,
    NUMBER,
    POINTER,
    Fitted,
    Line,
    add_header,
    answer_below,
    control_of,
    fit_choices,
    question_text,
    screen_width,
)
from dupi_triage.records import NamedTuple
from dupi_triage.wrapping import fill

#: Single choices are numbered when every option gets one key (1 to 9).
MOST_NUMBERED = 9

PICK_FIRST = (
    "Nothing is picked yet. Move to your answer with the arrow keys, or type its number, "
    "then press Enter."
)
PICK_FIRST_UNNUMBERED = (
    "Nothing is picked yet. Move to your answer with the arrow keys, then press Enter."
)
NOTHING_BEFORE = "This is the first question, so there is nothing to go back to."
#: The words the key help adds where Esc goes back.
ESC_GOES_BACK = "Esc goes back."


class GoBack(Exception):
    """Esc, or Backspace with nothing typed: the person wants the question before this one."""


class Offer(NamedTuple):
    """One option as shown: what it returns, its label and its help (under it when pointed)."""

    value: str
    label: str
    help: str | None = None


def keys_hint(keys: str, back: str | None) -> str:
    return "(" + " ".join(part for part in (keys, back) if part) + ")"


# --- choices ------------------------------------------------------------------------------------


def choose_one(
    text: str,
    offers: Sequence[Offer | Separator],
    *,
    current: str | None = None,
    require_pick: bool = True,
    back: str | None = None,
    nothing_before: str | None = NOTHING_BEFORE,
    header: Sequence[Line] = (),
    keys: str | None = None,
    **io: Any,
) -> questionary.Question:
    """A single choice. `require_pick`: Enter before any move or number says how to pick
    (not when `current` is given: it is pointed at, and Enter keeps it)."""
    real = [offer for offer in offers if isinstance(offer, Offer)]
    numbered = len(real) <= MOST_NUMBERED and not any(isinstance(o, Separator) for o in offers)
    if keys is None:
        keys = (
            "Use the arrow keys or type an option's number, then press Enter."
            if numbered
            else "Use the arrow keys, then press Enter."
        )
    choices: list[Choice | Separator] = [
        offer
        if isinstance(offer, Separator)
        else Choice(offer.label, value=offer.value, description=offer.help)
        for offer in offers
    ]
    prompt = questionary.select(
        question_text(text),  # type: ignore[arg-type]
        choices=choices,
        default=current,
        instruction=" ",  # drawn by `_fit_choices`, wrapped, on its own lines
        show_description=False,
        use_shortcuts=numbered,
        use_jk_keys=False,
        **io,
    )
    indent = POINTER + (NUMBER if numbered else 0)
    guard = PICK_FIRST if numbered else PICK_FIRST_UNNUMBERED
    # Unnumbered (the review), an option's second line is set further in: at the same place as
    # the next option, it read as one of its own.
    fit_choices(prompt, indent, keys_hint(keys, back), header, continuation=0 if numbered else 2)
    answer_below(prompt)
    if require_pick and current is None:
        _enter_needs_a_move(prompt, guard)
    _go_back_keys(prompt, back, nothing_before)
    return prompt


def choose_many(
    text: str,
    offers: Sequence[Offer],
    *,
    chosen: Sequence[str] = (),
    validate: Callable[[list[str]], bool | str],
    back: str | None = None,
    nothing_before: str | None = NOTHING_BEFORE,
    header: Sequence[Line] = (),
    **io: Any,
) -> questionary.Question:
    keys = (
        "Use the arrow keys to move, the space bar to pick or unpick, Enter when done; "
        "a picks all, i inverts."
    )
    prompt = questionary.checkbox(
        question_text(text),  # type: ignore[arg-type]
        choices=[
            Choice(o.label, value=o.value, description=o.help, checked=o.value in chosen)
            for o in offers
        ],
        validate=validate,
        instruction="",  # drawn by `_fit_choices`
        show_description=False,
        **io,
    )
    fit_choices(prompt, POINTER + BOX, keys_hint(keys, back), header)
    answer_below(prompt)
    _go_back_keys(prompt, back, nothing_before)
    return prompt


def _enter_needs_a_move(prompt: questionary.Question, reason: str) -> None:
    """Enter on a pointer nobody moved says how to pick, instead of recording that option."""
    app = prompt.application
    control: Any = control_of(prompt)
    assert app.key_bindings is not None
    moved = [False]
    for binding in app.key_bindings.bindings:
        if binding.keys in ((Keys.ControlC,), (Keys.ControlQ,), (Keys.Any,)):
            continue
        original = binding.handler
        if binding.keys == (Keys.ControlM,):

            def accept(event: Any, original: Any = original) -> Any:
                if not moved[0]:
                    control.error_message = [("", reason)]
                    return None
                return original(event)

            binding.handler = accept
        else:

            def move(event: Any, original: Any = original) -> Any:
                moved[0] = True
                control.error_message = None
                return original(event)

            binding.handler = move


def _go_back_keys(
    prompt: questionary.Question, back: str | None, nothing_before: str | None
) -> None:
    """Esc and Backspace: GoBack when there is a question to go back to; else say there is not
    (`nothing_before`), or do nothing when that is None (not a question of the walk)."""
    control: Any = control_of(prompt)
    bindings = KeyBindings()

    @bindings.add(Keys.Escape, eager=True)
    @bindings.add(Keys.Backspace, eager=True)
    def _(event: Any) -> None:
        if back is None:
            if nothing_before:
                control.error_message = [("", nothing_before)]
            return
        _leave_for_the_question_before(event.app)

    _add_bindings(prompt, bindings)


def _leave_for_the_question_before(app: Any) -> None:
    app.erase_when_done = True  # the question left behind is not left on screen
    app.exit(exception=GoBack)


def _add_bindings(prompt: questionary.Question, bindings: KeyBindings) -> None:
    """Ours win: prompt_toolkit runs the last binding added for a key."""
    application = prompt.application
    application.key_bindings = merge_key_bindings(
        [application.key_bindings or KeyBindings(), bindings]
    )


# --- typing -------------------------------------------------------------------------------------


def type_in(
    text: str,
    *,
    current: str | None = None,
    keep_current: bool = True,
    validate: Callable[[str], bool | str] | None = None,
    keys: str = "",
    back: str | None = None,
    nothing_before: str | None = NOTHING_BEFORE,
    clear: str | None = None,
    header: Sequence[Line] = (),
    below: bool = False,
    **io: Any,
) -> questionary.Question:
    """A typed answer. `below`: once answered, the answer is shown on lines of its own under the
    question, wrapped between words (the person's own words: on the question's line it ran past
    the edge and broke mid-word). With `keep_current`, a value already given is shown, not typed in:
    Enter alone keeps it, and what is typed replaces it. Without, it is put in the box to edit
    (the person's own words). Returns the text typed, or `current` when kept; `clear` is what
    the caller takes to mean "leave it out" (validate must accept it), named in the key help.

    Esc (and Backspace in an empty box) raise GoBack when `back` says where to; otherwise they
    show `nothing_before`, or do nothing when that is None (a prompt with nothing before it)."""
    notes: dict[str, str] = {}
    kept = current if keep_current and current else None
    if kept is not None:
        keys = f"Enter keeps {kept}; type another to change it."
        if clear is not None:
            keys += f" Type {clear} to leave it out."
    hint = keys_hint(keys, back) if keys or back else ""

    def instruction() -> str:
        said = notes.get("note", "")
        return "\n".join(part for part in (hint, said) if part)

    def check(typed: str) -> bool | str:
        if kept is not None and not typed:
            return True
        return True if validate is None else validate(typed)

    if below:
        # While typing, a long answer's later lines sit under its first, after "  > ".
        io = {"lexer": _HiddenOnceAnswered(), "prompt_continuation": "    ", **io}
    prompt = questionary.text(
        question_text(text),  # type: ignore[arg-type]
        default="" if keep_current or current is None else current,
        validate=check,
        instruction=_TypeBelow(instruction, first="\n  ", indent="  ", below=below),  # type: ignore[arg-type]
        placeholder=kept,
        **io,
    )
    app = prompt.application
    bindings = KeyBindings()
    empty = Condition(lambda: not app.current_buffer.text)

    if back is not None or nothing_before:

        @bindings.add(Keys.Escape, eager=True)
        @bindings.add(Keys.Backspace, filter=empty, eager=True)
        def _(event: Any) -> None:
            if back is None:
                notes["note"] = nothing_before or ""
                return
            _leave_for_the_question_before(event.app)

    if kept is not None:

        @bindings.add(Keys.ControlM, filter=empty, eager=True)
        def _keep(event: Any) -> None:
            buffer = event.app.current_buffer
            buffer.text = kept
            buffer.validate_and_handle()

    _add_bindings(prompt, bindings)
    add_header(prompt, header)
    return prompt


class _TypeBelow(Fitted):
    """The key help and any note under the question, then "> " where the answer is typed, on a
    line of its own; once answered, nothing (the answer then follows the question), or with
    `below` the answer itself, wrapped between words on lines of its own."""

    def __init__(self, text: Callable[[], str], *, below: bool = False, **fit: Any) -> None:
        super().__init__(text, **fit)
        self.below = below

    def __format__(self, spec: str) -> str:
        app = get_app_or_none()
        if app is not None and app.is_done:
            answer = " ".join(app.current_buffer.text.split()) if self.below else ""
            return "\n" + fill(answer, screen_width(), indent="  ", first="  ") if answer else ""
        return super().__format__(spec) + "\n  >"


class _HiddenOnceAnswered(Lexer):
    """The typed text as questionary styles it, until it is answered: then shown by _TypeBelow
    instead, so the answer is not drawn twice."""

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        lines = document.lines

        def line(number: int) -> StyleAndTextTuples:
            app = get_app_or_none()
            if app is not None and app.is_done:
                return []
            return [("class:answer", lines[number])] if number < len(lines) else []

        return line


def ask(prompt: questionary.Question) -> Any:
    """Ask with Ctrl-C and Ctrl-D both ours to handle (plain `ask()` swallows Ctrl-C)."""
    from dupi_triage.signals import raise_pending

    bindings = KeyBindings()

    @bindings.add(Keys.ControlD, eager=True)
    def _(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    _add_bindings(prompt, bindings)
    try:
        return prompt.unsafe_ask()
    finally:
        raise_pending()  # a hangup as the prompt closed is not lost
