"""`dupi-triage diary ...`: each command parses, calls the store or the timing, and renders.

Flags for scripts; run bare on a terminal, `dose`, `skin` and `edit` ask short questions instead.
Check-in flags are generated from the questionnaire's own skin questions, so they never drift.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dupi_triage import PROG
from dupi_triage.diary.entries import (
    DATE_WORDS,
    INJECTION_SITES,
    KIND_LABELS,
    CheckIn,
    Dose,
    Entry,
    Pause,
    note_text,
    parse_day,
)
from dupi_triage.errors import InputError, one_of, printable, quoted_path
from dupi_triage.lazy_commands import build, late_signature
from dupi_triage.options import (
    QuestionOption,
    keyword_parameter,
    load_questionnaire,
    question_values,
    with_signature,
)
from dupi_triage.records import NamedTuple

if TYPE_CHECKING:
    from dupi_triage.diary.store import Diary
    from dupi_triage.questionnaire import Question

EXIT_OK = 0
EXIT_PROBLEMS = 1
SHOW_FORMATS = ("rich", "text", "markdown", "json", "csv")
EXPORT_FORMATS = ("json", "csv", "fhir")

app = typer.Typer(
    name="diary",
    help="Keep a diary of doses and skin check-ins; `assess --from-diary` answers the timing "
    "questions from it.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

DIARY_HELP = "The diary file. Default: $DUPI_TRIAGE_DIARY, else diary.sqlite in your data folder."
DiaryOption = Annotated[
    str | None, typer.Option("--diary", metavar="PATH", help=DIARY_HELP, show_default=False)
]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--date", metavar="DATE", help=f"{DATE_WORDS}. Default: today.", show_default=False
    ),
]
EditDateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="DATE",
        help=f"The entry's new date (a pause's first day): {DATE_WORDS}. Left out: unchanged.",
        show_default=False,
    ),
]
NoteOption = Annotated[
    str | None, typer.Option("--note", metavar="TEXT", help="A short note.", show_default=False)
]
SiteOption = Annotated[
    str | None,
    typer.Option(
        "--site",
        metavar="SITE",
        help=f"Where it was injected: {', '.join(INJECTION_SITES)}.",
        show_default=False,
    ),
]


def command_names() -> list[str]:
    return [info.name for info in app.registered_commands if info.name]


@functools.cache
def command(name: str) -> Any:
    """One diary command, built on its own: building all nine would cost every run."""
    for info in app.registered_commands:
        if info.name == name:
            built = build(info)
            if name in ("skin", "edit"):
                built.params.extend(_checkin_options())
            return built
    return None


def _on_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _open(path_text: str | None, *, write: bool) -> Diary:
    from dupi_triage.diary.store import open_diary, resolve

    return open_diary(resolve(path_text), write=write)


def _site(text: str | None) -> str | None:
    return (
        None if text is None else one_of(text.replace("-", "_"), INJECTION_SITES, "--site", "site")
    )


def _day(text: str | None) -> dt.date:
    """--date: today when it is left out; an empty --date "" is a mistake, not today."""
    return parse_day("today" if text is None else text, "--date")


def _added(diary: Diary, entry: Entry, what: str) -> None:
    with diary.transaction() as db:
        diary.add(db, entry)
    _say_added(diary, entry, what)


def _say_added(diary: Diary, entry: Entry, what: str) -> None:
    _say(f"Added {what} on {entry.day.isoformat()} (id {entry.id[:8]}) to {_where(diary)}.")


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _where(diary: Diary) -> str:
    return printable(str(diary.path))


# --- adding ---------------------------------------------------------------------------------------


@app.command("dose")
def _dose(
    date: DateOption = None,
    site: SiteOption = None,
    note: NoteOption = None,
    diary: DiaryOption = None,
) -> int:
    """Record an injection given."""
    from dupi_triage.diary.store import new_id, now_stamp

    if date is site is note is None and _on_terminal():
        from dupi_triage.diary.ask import ask_dose

        date, site, note = ask_dose()
    entry = Dose(new_id(), _day(date), _site(site), note_text(note, "--note"), now_stamp())
    with _open(diary, write=True) as store:
        with store.transaction() as db:
            earlier = store.entries()
            store.add(db, entry)
            closed = _close_open_pauses(store, db, earlier, entry)
        _say_added(store, entry, "a dose")
    for pause in closed:
        from dupi_triage.invocation import invoked  # only when it is said: start-up stays lean

        _say(
            f"Closed the pause from {pause.start} (id {pause.id[:8]}): it now ends on "
            f"{pause.day_ended}, the day of this dose. To change that: '{invoked()} diary edit "
            f"{pause.id[:8]} --to DATE'."
        )
    same_day = [e.id[:8] for e in earlier if isinstance(e, Dose) and e.day == entry.day]
    if same_day:
        from dupi_triage.invocation import invoked

        _say(
            f"Note: a dose on {entry.day} was already recorded (id {', '.join(same_day)}). If "
            f"one of them is a mistake, '{invoked()} diary delete ID' removes it."
        )
    return EXIT_OK


class _Closed(NamedTuple):
    id: str
    start: dt.date
    day_ended: dt.date


def _close_open_pauses(store: Diary, db: Any, earlier: list[Entry], dose: Dose) -> list[_Closed]:
    """A dose given after an open pause began ends that pause on the dose's day (said so)."""
    closed = []
    for pause in earlier:
        if isinstance(pause, Pause) and pause.end is None and pause.start < dose.day:
            store.replace(db, pause.replace(end=dose.day))
            closed.append(_Closed(pause.id, pause.start, dose.day))
    return closed


# The diary asks no age: what the questionnaire decides by --age-band, the person chooses here.
CHECKIN_HELP_NOTES = {
    "itch": " For a child under 6, a carer may record --nights-woken-by-itch instead.",
    "nights_woken_by_itch": " For a child under 6, instead of --itch.",
}


def _checkin_questions() -> list[Question]:
    from dupi_triage.diary.exchange import checkin_questions

    return list(checkin_questions(load_questionnaire()))


def _checkin_options() -> list[QuestionOption]:
    """The check-in flags (added to `skin` and `edit` when built): one value each, or a list for
    a multi-choice question; their help without the conditions (the diary asks no age)."""
    return [
        QuestionOption(
            question,
            load_questionnaire(),
            multiple=question.type == "multi",
            panel=None,
            conditions=False,
            note=CHECKIN_HELP_NOTES.get(question.id, ""),
            complete_values=False,
        )
        for question in _checkin_questions()
    ]


def _checkin_answers(values: dict[str, Any]) -> dict[str, str | int | tuple[str, ...]]:
    from dupi_triage.answers import parse_value

    by_id = load_questionnaire().by_id
    return {
        question_id: parse_value(by_id[question_id], raw, by_id[question_id].flag)
        for question_id, raw in question_values(values).items()
        if raw is not None
    }


def _skin(date: str | None, note: str | None, diary: str | None, **values: Any) -> int:
    from dupi_triage.diary.store import new_id, now_stamp

    answers = _checkin_answers(values)
    if not answers and date is note is None and _on_terminal():
        from dupi_triage.diary.ask import ask_checkin

        date, answers, note = ask_checkin(load_questionnaire())
    if not answers:
        flags = ", ".join(question.id.replace("_", "-") for question in _checkin_questions())
        raise InputError(
            "diary skin", "nothing to record", f"one or more of --{flags.replace(', ', ', --')}"
        )
    entry = CheckIn(new_id(), _day(date), answers, note_text(note, "--note"), now_stamp())
    with _open(diary, write=True) as store:
        _added(store, entry, "a skin check-in")
    _say_if_urgent(answers)
    return EXIT_OK


def _say_if_urgent(answers: dict[str, str | int | tuple[str, ...]]) -> None:
    """A check-in whose answers alone call for care today says so, last, as the questionnaire
    would: the diary asks no warning-sign question, so purple spots, say, would otherwise be
    kept without a word (safety rules 2 and 9). The level is the questionnaire's, scored on
    these answers with no warning sign reported: the least it could be."""
    from dupi_triage.answers import Answers
    from dupi_triage.questionnaire import RED_FLAGS
    from dupi_triage.scoring import assess
    from dupi_triage.scoring.model import TriageLevel

    result = assess(load_questionnaire(), Answers({**answers, RED_FLAGS: ("none",)}))
    if result.level.rank < TriageLevel.URGENT.rank:
        return
    from dupi_triage.invocation import invoked
    from dupi_triage.wrapping import fill, terminal_width, usable

    width = usable(terminal_width())
    label = load_questionnaire().level(result.level.value).label.upper()
    why = [reason.reason for reason in result.level_reasons if reason.level == result.level]
    lines = ["", fill(f"These answers, on their own, are {label.lower()}:", width)]
    lines += [fill(reason, width, first="  - ", indent="    ") for reason in why]
    lines.append(fill(f"For the whole picture, answer the questions: {invoked()} assess", width))
    lines.append(fill(f"{label}: {result.action}", width))  # the action last
    _say("\n".join(lines))


_COMMON = [
    keyword_parameter("date", DateOption),
    keyword_parameter("note", NoteOption),
    keyword_parameter("diary", DiaryOption),
]

app.command("skin", help="Record a skin check-in: the questionnaire's own skin questions.")(
    with_signature(_skin, _COMMON)
)


@app.command("pause")
def _pause(
    start: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="DATE",
            help=f"The first day of the delay or pause ({DATE_WORDS}).",
            show_default=False,
        ),
    ],
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="DATE",
            help="The day it ended (leave out while it goes on).",
            show_default=False,
        ),
    ] = None,
    agreed: Annotated[
        bool, typer.Option("--agreed-with-prescriber", help="The prescriber agreed to it.")
    ] = False,
    note: NoteOption = None,
    diary: DiaryOption = None,
) -> int:
    """Record a dose delayed or paused."""
    from dupi_triage.diary.store import new_id, now_stamp

    first = parse_day(start, "--from")
    last = None if end is None else parse_day(end, "--to")
    if last is not None and last < first:
        raise InputError("--to", f"{last} is before --from {first}")
    entry = Pause(new_id(), first, last, agreed, note_text(note, "--note"), now_stamp())
    with _open(diary, write=True) as store:
        _added(store, entry, "a pause")
    return EXIT_OK


# --- reading --------------------------------------------------------------------------------------


@app.command("show")
def _show(
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="DATE", help="Only entries from this day on.", show_default=False
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"{', '.join(SHOW_FORMATS)}. Default: rich on a terminal, else text.",
            show_default=False,
        ),
    ] = None,
    diary: DiaryOption = None,
) -> int:
    """The timeline, newest last, with a chart: itch over time, doses marked, pauses shaded."""
    import os

    from dupi_triage.diary.show import render_show
    from dupi_triage.streams import UTF8_FORMATS, write_out
    from dupi_triage.wrapping import terminal_width

    fmt = (
        one_of(format, SHOW_FORMATS, "--format")
        if format
        else ("rich" if sys.stdout.isatty() else "text")
    )
    first = None if since is None else parse_day(since, "--since")
    colour = fmt == "rich" and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    with _open(diary, write=False) as store:
        entries = store.entries()
    text = render_show(
        load_questionnaire(),
        store.path,
        entries,
        fmt,
        since=first,
        width=terminal_width(),
        colour=colour,
    )
    write_out(text, utf8=fmt in UTF8_FORMATS)
    return EXIT_OK


@app.command("check")
def _check(diary: DiaryOption = None) -> int:
    """Check the diary file's integrity and say where it is."""
    from dupi_triage.diary.store import SCHEMA_VERSION, Damaged, open_diary, resolve

    path = resolve(diary)
    try:
        with open_diary(path, write=False, checking=True) as store:
            problems = store.problems()
            counts = store.counts() if not problems else None
    except Damaged as damage:
        problems, counts = [damage.what], None
    print(f"Diary: {printable(str(path))}")
    if counts is not None:
        print(
            f"{counts['dose']} doses, {counts['checkin']} check-ins, {counts['pause']} pauses; "
            f"diary version {SCHEMA_VERSION}"
        )
    if problems:
        print("Problems found:")
        for problem in problems:
            print(f"  {problem}")
        return EXIT_PROBLEMS
    print("Integrity check: ok")
    return EXIT_OK


# --- changing -------------------------------------------------------------------------------------

IdArgument = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="The entry's id (or its first 8 characters, as `diary show` prints).",
        show_default=False,
    ),
]


def _edit(
    entry_id: str,
    date: str | None,
    note: str | None,
    diary: str | None,
    site: str | None,
    end: str | None,
    **values: Any,
) -> int:
    answers = _checkin_answers(values)
    with _open(diary, write=True) as store:
        entry = store.find(entry_id)
        nothing = date is note is site is end is None and not answers
        if nothing and _on_terminal():
            from dupi_triage.diary.ask import ask_edit

            changed = ask_edit(load_questionnaire(), entry)
        elif nothing:
            raise InputError("diary edit", "nothing to change; give the fields to change as flags")
        else:
            changed = _changed(entry, date, note, site, end, answers)
        with store.transaction() as db:
            store.replace(db, changed)
    print(
        f"Changed the {KIND_LABELS[entry.kind]} {entry.id[:8]} in {printable(str(store.path))}.",
        file=sys.stderr,
    )
    if isinstance(changed, CheckIn):
        _say_if_urgent(dict(changed.answers))
    return EXIT_OK


def _changed(
    entry: Entry,
    date: str | None,
    note: str | None,
    site: str | None,
    end: str | None,
    answers: dict[str, str | int | tuple[str, ...]],
) -> Entry:
    changes: dict[str, Any] = {}
    if note is not None:
        changes["note"] = note_text(note, "--note")
    if isinstance(entry, Pause):
        if date is not None:
            changes["start"] = parse_day(date, "--date")
        if end is not None:
            changes["end"] = parse_day(end, "--to")
    elif date is not None:
        changes["day"] = parse_day(date, "--date")
    wrong = [
        flag
        for flag, given, fits in (
            ("--site", site, isinstance(entry, Dose)),
            ("--to", end, isinstance(entry, Pause)),
            ("check-in answers", answers or None, isinstance(entry, CheckIn)),
        )
        if given is not None and not fits
    ]
    if wrong:
        raise InputError(wrong[0], f"does not apply to a {KIND_LABELS[entry.kind]}")
    if isinstance(entry, Dose) and site is not None:
        changes["site"] = _site(site)
    if isinstance(entry, CheckIn) and answers:
        changes["answers"] = {**entry.answers, **answers}
    changed = entry.replace(**changes)
    if isinstance(changed, Pause) and changed.end is not None and changed.end < changed.start:
        raise InputError("--to", f"{changed.end} is before the pause's start {changed.start}")
    return changed


def _edit_parameters() -> list[inspect.Parameter]:
    return [
        inspect.Parameter(
            "entry_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=IdArgument
        ),
        keyword_parameter("date", EditDateOption),
        *_COMMON[1:],
        keyword_parameter("site", SiteOption),
        keyword_parameter(
            "end",
            Annotated[
                str | None,
                typer.Option(
                    "--to", metavar="DATE", help="A pause's last day.", show_default=False
                ),
            ],
        ),
    ]


app.command("edit", help="Change an entry: flags for scripts, or questions on a terminal.")(
    late_signature(_edit_parameters)(_edit)
)


@app.command("delete")
def _delete(
    entry_id: IdArgument,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask first (for scripts).")
    ] = False,
    diary: DiaryOption = None,
) -> int:
    """Delete an entry (asks first)."""
    from dupi_triage.diary.store import Damaged, open_diary, resolve
    from dupi_triage.diary.timeline import details

    # Opened as `check` opens it: deleting a damaged entry is how such a diary is mended.
    with open_diary(resolve(diary), write=True, checking=True) as store:
        kind, full_id = store.find_id(entry_id)
        try:
            entry = store.find(full_id)
            what = f"{KIND_LABELS[entry.kind]} on {entry.day.isoformat()}"
            summary = f"{what}: {details(load_questionnaire(), entry)}"
        except Damaged as damage:
            summary = f"damaged {KIND_LABELS[kind]} {full_id[:8]} ({damage.what})"
        if not yes:
            if not _on_terminal():
                raise InputError("--yes", "there is no terminal to ask on; add --yes to delete")
            from dupi_triage.diary.ask import confirm

            if not confirm(f"Delete this {summary}?"):
                print("Nothing was deleted.", file=sys.stderr)
                return EXIT_OK
        with store.transaction() as db:
            store.remove_id(db, kind, full_id)
    print(f"Deleted the {printable(summary)}.", file=sys.stderr)
    return EXIT_OK


# --- exchange -------------------------------------------------------------------------------------


@app.command("export")
def _export(
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help=f"{', '.join(EXPORT_FORMATS)}.")
    ] = "json",
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Write here (owner-only) instead of standard output.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
    diary: DiaryOption = None,
) -> int:
    """Export every entry: JSON (import reads it back exactly), CSV or a FHIR R4B Bundle."""
    from dupi_triage.diary import exchange
    from dupi_triage.files import same_file

    fmt = one_of(format, EXPORT_FORMATS, "--format")
    with _open(diary, write=False) as store:
        entries = store.entries()
    if output not in (None, "-"):
        from dupi_triage.diary.place import companions

        # Nor SQLite's files beside it: a live write-ahead log holds entries not yet in the file.
        if any(same_file(output, str(p)) for p in (store.path, *companions(store.path))):
            raise InputError(
                "--output", "is the diary being exported, or one of its files; choose another file"
            )
    questionnaire = load_questionnaire()
    if fmt == "json":
        text = exchange.to_json(entries)
    elif fmt == "csv":
        text = exchange.to_csv(questionnaire, entries)
    else:
        text = exchange.to_fhir(questionnaire, entries)
    if output in (None, "-"):
        from dupi_triage.streams import write_out

        write_out(text, utf8=True)  # JSON, CSV or FHIR
    else:
        from dupi_triage.files import write_private

        assert output is not None
        path = write_private(output, text, force=force, field="--output")
        print(
            f"Exported {len(entries)} entries to {printable(str(path))} (readable only by you).",
            file=sys.stderr,
        )
    return EXIT_OK


@app.command("import")
def _import(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="A JSON export ('-' reads standard input).", show_default=False
        ),
    ],
    diary: DiaryOption = None,
) -> int:
    """Add the entries of a JSON export; entries already in the diary (same id) are kept."""
    from dupi_triage.diary.exchange import IMPORT_LIMIT, from_json

    try:
        if file == "-":
            data = sys.stdin.buffer.read(IMPORT_LIMIT + 1)
        else:
            with Path(file).expanduser().open("rb") as handle:
                data = handle.read(IMPORT_LIMIT + 1)
    except OSError as error:
        raise InputError("FILE", f"cannot read {quoted_path(file)}: {error.strerror}") from None
    entries = from_json(load_questionnaire(), data, "FILE")
    with _open(diary, write=True) as store:
        with store.transaction() as db:
            _one_entry_per_id(entries, store.entries())
            added = sum(store.add(db, entry) for entry in entries)
        path = store.path
    print(
        f"Imported {added} entries into {printable(str(path))}; "
        f"{len(entries) - added} were already there.",
        file=sys.stderr,
    )
    return EXIT_OK


def _one_entry_per_id(entries: list[Entry], present: list[Entry]) -> None:
    """An id names one entry: `edit` and `delete` find entries by it. The same id twice in the
    file, or an id the diary holds for another kind of entry, is refused before anything is
    added (one the diary holds for the same kind is the same entry, already there)."""
    kinds = {entry.id: entry.kind for entry in present}
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise InputError("FILE", f"the id {entry.id} is given to two entries; nothing imported")
        seen.add(entry.id)
        kind = kinds.get(entry.id)
        if kind is not None and kind != entry.kind:
            raise InputError(
                "FILE",
                f"the id {entry.id} is a {KIND_LABELS[entry.kind]} in the file but a "
                f"{KIND_LABELS[kind]} in the diary; nothing imported",
            )


__all__ = ["PROG", "app", "command", "command_names"]
