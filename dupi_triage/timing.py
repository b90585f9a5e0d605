"""The timing questions answered from a diary: pure, order-free, and explained.

Entries in, answers out, each with its evidence in words and `unsure` when the diary is too thin
to say. No I/O. The thresholds are our own heuristics (README, "Keeping a diary"), not published
rules; the person confirms or changes every answer.

Nothing assumes a dosing interval: the usual interval is learned from the recorded doses (the
lower median of the gaps between them), because children under 6 and some others inject every
four weeks.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from collections.abc import Iterable, Sequence

from dupi_triage.diary.entries import CheckIn, Dose, Entry, Pause
from dupi_triage.records import NamedTuple

# Heuristics, stated in the README. Days are counted from the first dose (day 0).
EARLY_DAYS = 28  # a first rash on days 0-27 is "within 4 weeks"
FOUR_MONTHS_DAYS = 122  # ... on days 28-121 "1 to 4 months"; from day 122 "after 4 months"
MIN_DOSES = 3  # doses needed to learn the usual interval (two gaps)
GAP_FACTOR = 1.5  # a gap of 1.5 usual intervals or more is a delayed or paused dose
FALLBACK_SPAN_DAYS = 28  # the comparison window when the interval cannot be learned
AFTER_DOSE_DAYS = 3  # the dose day and the 3 days after it count as "after the dose"
CLEAR_CHANGE = 2.0  # a change of 2 points or more in the average is a change
NO_CHANGE = 1.0  # a change under 1 point is none; in between is unsure
MIN_CHECKINS = 2  # check-ins needed on each side of a comparison

RASH_QUESTIONS = ("location", "look")
# Itch (0 to 10) where recorded; for young children, nights woken by itch (issue 14) instead.
MEASURES = ("itch", "nights_woken_by_itch")

ONSET = "onset"
INJECTION_PATTERN = "injection_pattern"
DOSE_PAUSED = "dose_paused"
IMPROVED_ON_PAUSE = "improved_on_pause"
RETURNED_ON_RESTART = "returned_on_restart"
TIMING_QUESTIONS = (ONSET, INJECTION_PATTERN, DOSE_PAUSED, IMPROVED_ON_PAUSE, RETURNED_ON_RESTART)


class DerivedAnswer(NamedTuple):
    """An answer from the diary. `answer` is None when the question has no `unsure` option and
    the diary cannot say: the person is asked instead."""

    question: str
    answer: str | None
    evidence: tuple[str, ...]


class PauseWindow(NamedTuple):
    start: dt.date
    restart: dt.date | None
    why: str


class Timing(NamedTuple):
    answers: tuple[DerivedAnswer, ...]
    first_dose: dt.date | None
    first_rash: dt.date | None
    usual_interval: int | None
    pause: PauseWindow | None

    def get(self, question_id: str) -> DerivedAnswer | None:
        return next((a for a in self.answers if a.question == question_id), None)


def _mean(values: Sequence[float]) -> float:
    """statistics.fmean, without importing statistics (with fractions, decimal and random: 3 ms
    of `diary show`, benchmarks/bench.py)."""
    return math.fsum(values) / len(values)


def has_rash(checkin: CheckIn) -> bool:
    return any(checkin.get(question) for question in RASH_QUESTIONS)


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _measure(checkins: Sequence[CheckIn]) -> str | None:
    for question in MEASURES:
        if any(isinstance(c.get(question), int) for c in checkins):
            return question
    return None


def _value(checkin: CheckIn, measure: str) -> int | None:
    value = checkin.get(measure)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Span(NamedTuple):
    """The check-ins with a measure in [first, last)."""

    first: dt.date
    last: dt.date
    values: tuple[int, ...]

    @property
    def mean(self) -> float:
        return _mean(self.values)

    def describe(self, measure: str, what: str) -> str:
        name = "itch" if measure == "itch" else measure.replace("_", " ")
        end = self.last - dt.timedelta(days=1)
        if not self.values:
            return f"no {name} recorded {what}"
        return (
            f"{name} averaged {self.mean:.1f} {what} ({_iso(self.first)} to {_iso(end)}, "
            f"{len(self.values)} check-in{'' if len(self.values) == 1 else 's'})"
        )


class _Readings:
    """One measure's recorded values, by day, for quick range look-ups (bisect, not scans)."""

    def __init__(self, checkins: Sequence[CheckIn], measure: str | None) -> None:
        self.measure = measure
        pairs = (
            [(c.day, v) for c in checkins if (v := _value(c, measure)) is not None]
            if measure is not None
            else []
        )
        self.days = [day for day, _ in pairs]
        self.values = [value for _, value in pairs]
        self.last_day = checkins[-1].day if checkins else None

    def span(self, first: dt.date, last: dt.date) -> _Span:
        low = bisect.bisect_left(self.days, first)
        high = bisect.bisect_left(self.days, last, lo=low)
        return _Span(first, last, tuple(self.values[low:high]))


def derive_timing(entries: Iterable[Entry]) -> Timing:
    """The timing answers from a diary's entries, in any order."""
    entries = list(entries)
    doses = sorted({e.day for e in entries if isinstance(e, Dose)})
    checkins = sorted((e for e in entries if isinstance(e, CheckIn)), key=lambda c: (c.day, c.id))
    pauses = sorted(
        (e for e in entries if isinstance(e, Pause)),
        key=lambda p: (p.start, p.end or dt.date.max, p.id),
    )
    last_day = max((e.day for e in entries), default=None)
    if pauses:
        ends = [p.end for p in pauses if p.end is not None]
        last_day = max([d for d in (last_day, *ends) if d is not None])
    first_rash = next((c for c in checkins if has_rash(c)), None)
    interval, interval_note = _usual_interval(doses)
    readings = _Readings(checkins, _measure(checkins))

    onset = _onset(doses, checkins, first_rash)
    window = _pause_window(doses, pauses, interval, first_rash, last_day)
    paused = _dose_paused(doses, interval, interval_note, first_rash, window)
    answers = [onset, _injection_pattern(doses, readings, interval, interval_note), paused]
    if window is not None:
        span = interval or FALLBACK_SPAN_DAYS
        answers.append(_improved_on_pause(readings, window, span))
        answers.append(_returned_on_restart(readings, window, span))
    return Timing(
        answers=tuple(answers),
        first_dose=doses[0] if doses else None,
        first_rash=first_rash.day if first_rash else None,
        usual_interval=interval,
        pause=window,
    )


def _usual_interval(doses: Sequence[dt.date]) -> tuple[int | None, str]:
    if len(doses) < MIN_DOSES:
        return None, (
            f"{_count(len(doses), 'dose')} recorded: at least {MIN_DOSES} are needed to learn "
            "the usual interval between doses"
        )
    gaps = [(later - earlier).days for earlier, later in itertools.pairwise(doses)]
    interval = sorted(gaps)[(len(gaps) - 1) // 2]  # the lower middle (statistics.median_low)
    return interval, (
        f"usual interval {_days(interval)} (the middle of the {len(gaps)} gaps between "
        f"{len(doses)} doses, {_iso(doses[0])} to {_iso(doses[-1])})"
    )


def _band(days: int) -> str:
    if days < 0:
        return "before_starting"
    if days < EARLY_DAYS:
        return "within_4_weeks"
    if days < FOUR_MONTHS_DAYS:
        return "1_to_4_months"
    return "after_4_months"


def _onset(
    doses: Sequence[dt.date], checkins: Sequence[CheckIn], first_rash: CheckIn | None
) -> DerivedAnswer:
    if not doses:
        return DerivedAnswer(
            ONSET, "unsure", ("no dose recorded, so there is no start to count from",)
        )
    if first_rash is None:
        return DerivedAnswer(
            ONSET, "unsure", ("no check-in records a rash (a location or a look)",)
        )
    first_dose = doses[0]
    rash_day = first_rash.day
    after = (rash_day - first_dose).days
    if after < 0:
        return DerivedAnswer(
            ONSET,
            "before_starting",
            (
                f"first check-in with a rash {_iso(rash_day)}, {_days(-after)} before the first "
                f"dose on {_iso(first_dose)}",
            ),
        )
    first_line = (
        f"first check-in with a rash {_iso(rash_day)}, {_days(after)} after the first dose on "
        f"{_iso(first_dose)}"
    )
    clear = [c for c in checkins if c.day < rash_day]
    if not clear:
        return DerivedAnswer(
            ONSET,
            "unsure",
            (first_line, "no check-in before it records clear skin, so it may have begun earlier"),
        )
    previous = clear[-1].day
    earliest = (previous - first_dose).days + 1
    band = _band(after)
    clear_line = f"the check-in before it, {_iso(previous)}, recorded no rash"
    if _band(earliest) != band:
        return DerivedAnswer(
            ONSET,
            "unsure",
            (
                first_line,
                f"{clear_line}: it began between those dates, which straddle "
                "two of the answer's time bands",
            ),
        )
    return DerivedAnswer(ONSET, band, (first_line, clear_line))


def _pause_window(
    doses: Sequence[dt.date],
    pauses: Sequence[Pause],
    interval: int | None,
    first_rash: CheckIn | None,
    last_day: dt.date | None,
) -> PauseWindow | None:
    """The first recorded pause, else the first long gap between doses, since the rash began."""
    if first_rash is None or last_day is None:
        return None
    rash_day = first_rash.day
    for pause in pauses:
        restart_from = pause.end or pause.start + dt.timedelta(days=1)
        restart = next((d for d in doses if d >= restart_from), None)
        if (restart or last_day) > rash_day:
            agreed = " (agreed with the prescriber)" if pause.agreed_with_prescriber else ""
            until = f" to {_iso(pause.end)}" if pause.end else ""
            return PauseWindow(
                pause.start, restart, f"a pause recorded from {_iso(pause.start)}{until}{agreed}"
            )
    if interval is None:
        return None
    longest = GAP_FACTOR * interval
    for earlier, later in itertools.pairwise(doses):
        gap = (later - earlier).days
        if gap >= longest and later > rash_day:
            return PauseWindow(
                earlier + dt.timedelta(days=interval),
                later,
                f"no dose between {_iso(earlier)} and {_iso(later)}: {_days(gap)}, against a "
                f"usual {_days(interval)}",
            )
    if doses and (last_day - doses[-1]).days >= longest and last_day > rash_day:
        since = (last_day - doses[-1]).days
        return PauseWindow(
            doses[-1] + dt.timedelta(days=interval),
            None,
            f"no dose since {_iso(doses[-1])}: {_days(since)} by the last entry on "
            f"{_iso(last_day)}, against a usual {_days(interval)}",
        )
    return None


def _dose_paused(
    doses: Sequence[dt.date],
    interval: int | None,
    interval_note: str,
    first_rash: CheckIn | None,
    window: PauseWindow | None,
) -> DerivedAnswer:
    if first_rash is None:
        return DerivedAnswer(
            DOSE_PAUSED, None, ("no check-in records a rash, so there is no 'since' to look at",)
        )
    if window is not None:
        return DerivedAnswer(DOSE_PAUSED, "yes", (window.why,))
    since = [d for d in doses if d > first_rash.day]
    if interval is None or not since:
        reason = interval_note if interval is None else "no dose recorded since the rash began"
        return DerivedAnswer(DOSE_PAUSED, None, (reason,))
    return DerivedAnswer(
        DOSE_PAUSED,
        "no",
        (
            f"{_count(len(since), 'dose')} since the first check-in with a rash on "
            f"{_iso(first_rash.day)}, none later than {GAP_FACTOR:g} times the {interval_note}; "
            "no pause recorded",
        ),
    )


def _compare(
    question: str,
    measure: str | None,
    earlier: _Span,
    later: _Span,
    words: tuple[str, str],
    rising: bool,
) -> DerivedAnswer:
    """`yes` when `later` moved the expected way by CLEAR_CHANGE, `no` when by under NO_CHANGE."""
    if measure is None:
        return DerivedAnswer(question, "unsure", ("no itch recorded in the check-ins",))
    lines = (earlier.describe(measure, words[0]), later.describe(measure, words[1]))
    if len(earlier.values) < MIN_CHECKINS or len(later.values) < MIN_CHECKINS:
        return DerivedAnswer(
            question,
            "unsure",
            (*lines, f"at least {MIN_CHECKINS} check-ins are needed on each side"),
        )
    change = later.mean - earlier.mean if rising else earlier.mean - later.mean
    if change >= CLEAR_CHANGE:
        return DerivedAnswer(question, "yes", lines)
    if change < NO_CHANGE:
        return DerivedAnswer(question, "no", lines)
    return DerivedAnswer(question, "unsure", (*lines, "a change too small to call either way"))


def _late_pause(readings: _Readings, window: PauseWindow) -> _Span:
    """The second half of the pause: improvement takes days to show."""
    end = window.restart or (readings.last_day or window.start) + dt.timedelta(days=1)
    middle = window.start + dt.timedelta(days=max(0, (end - window.start).days // 2))
    return readings.span(middle, end)


def _improved_on_pause(readings: _Readings, window: PauseWindow, span: int) -> DerivedAnswer:
    before = readings.span(window.start - dt.timedelta(days=span), window.start)
    return _compare(
        IMPROVED_ON_PAUSE,
        readings.measure,
        before,
        _late_pause(readings, window),
        (f"before the pause began on {_iso(window.start)}", "in the second half of the pause"),
        rising=False,
    )


def _returned_on_restart(readings: _Readings, window: PauseWindow, span: int) -> DerivedAnswer:
    if window.restart is None:
        return DerivedAnswer(
            RETURNED_ON_RESTART,
            "not_restarted",
            (f"no dose recorded since the pause began on {_iso(window.start)}",),
        )
    after = readings.span(window.restart, window.restart + dt.timedelta(days=span))
    return _compare(
        RETURNED_ON_RESTART,
        readings.measure,
        _late_pause(readings, window),
        after,
        ("in the second half of the pause", f"after the restart dose on {_iso(window.restart)}"),
        rising=True,
    )


def _injection_pattern(
    doses: Sequence[dt.date], readings: _Readings, interval: int | None, interval_note: str
) -> DerivedAnswer:
    if interval is None:
        return DerivedAnswer(INJECTION_PATTERN, "unsure", (interval_note,))
    measure = readings.measure
    if measure is None:
        return DerivedAnswer(INJECTION_PATTERN, "unsure", ("no itch recorded in the check-ins",))
    cycles: list[tuple[dt.date, float, float]] = []
    for dose, next_dose in itertools.pairwise(doses):
        if (next_dose - dose).days >= GAP_FACTOR * interval:
            continue  # a paused cycle says nothing about the days after a dose
        cut = dose + dt.timedelta(days=AFTER_DOSE_DAYS + 1)
        after = readings.span(dose, cut)
        rest = readings.span(cut, next_dose)
        if after.values and rest.values:
            cycles.append((dose, after.mean, rest.mean))
    if len(cycles) < MIN_CHECKINS:
        return DerivedAnswer(
            INJECTION_PATTERN,
            "unsure",
            (
                f"{_count(len(cycles), 'dose cycle')} with check-ins both in the "
                f"{AFTER_DOSE_DAYS + 1} days from a dose and later in the cycle: at least "
                f"{MIN_CHECKINS} are needed",
            ),
        )
    worse = [c for c in cycles if c[1] - c[2] >= CLEAR_CHANGE]
    dose, after_mean, rest_mean = max(cycles, key=lambda c: (c[1] - c[2], c[0]))
    name = "itch" if measure == "itch" else measure.replace("_", " ")
    lines = (
        f"in {len(worse)} of {len(cycles)} dose cycles, {name} in the {AFTER_DOSE_DAYS + 1} "
        f"days from the dose was {CLEAR_CHANGE:g} or more points above the rest of the cycle",
        f"the largest difference: after the dose on {_iso(dose)}, {after_mean:.1f} against "
        f"{rest_mean:.1f}",
    )
    if 3 * len(worse) >= 2 * len(cycles):
        return DerivedAnswer(INJECTION_PATTERN, "yes", lines)
    average = _mean([c[1] - c[2] for c in cycles])
    if not worse and average < NO_CHANGE:
        return DerivedAnswer(INJECTION_PATTERN, "no", lines)
    return DerivedAnswer(INJECTION_PATTERN, "unsure", lines)
