"""Timing answers from diary entries: the heuristics at their edges, and properties of order."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterable

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dupi_triage.diary.entries import CheckIn, Dose, Entry, Pause
from dupi_triage.timing import (
    EARLY_DAYS,
    FOUR_MONTHS_DAYS,
    GAP_FACTOR,
    TIMING_QUESTIONS,
    Timing,
    derive_timing,
)

DAY0 = dt.date(2025, 1, 6)
RASH = {"location": ("face_neck",), "look": ("redness_no_scaling",)}


def on(offset: int) -> dt.date:
    return DAY0 + dt.timedelta(days=offset)


def _id(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def dose(offset: int) -> Dose:
    return Dose(_id(f"dose{offset}"), on(offset))


def checkin(offset: int, itch: int | None = None, *, rash: bool = False) -> CheckIn:
    answers: dict[str, str | int | tuple[str, ...]] = dict(RASH) if rash else {}
    if itch is not None:
        answers["itch"] = itch
    return CheckIn(_id(f"checkin{offset}-{itch}-{rash}"), on(offset), answers)


def answer(entries: Iterable[Entry], question: str) -> str | None:
    derived = derive_timing(entries).get(question)
    assert derived is not None
    return derived.answer


def doses_every(days: int, count: int, start: int = 0) -> list[Entry]:
    return [dose(start + n * days) for n in range(count)]


# --- onset ---------------------------------------------------------------------------------------


def test_onset_bands_meet_at_four_weeks_and_at_four_months() -> None:
    def onset_for(first_rash: int) -> str | None:
        return answer(
            [dose(0), checkin(first_rash - 1), checkin(first_rash, 5, rash=True)], "onset"
        )

    assert onset_for(EARLY_DAYS - 1) == "within_4_weeks"
    assert onset_for(EARLY_DAYS + 1) == "1_to_4_months"
    assert onset_for(FOUR_MONTHS_DAYS - 1) == "1_to_4_months"
    assert onset_for(FOUR_MONTHS_DAYS + 1) == "after_4_months"


def test_onset_is_unsure_when_the_clear_check_in_and_the_rash_straddle_a_band_edge() -> None:
    entries: list[Entry] = [dose(0), checkin(EARLY_DAYS - 3), checkin(EARLY_DAYS + 3, 5, rash=True)]
    derived = derive_timing(entries).get("onset")
    assert derived is not None
    assert derived.answer == "unsure"
    assert on(EARLY_DAYS - 3).isoformat() in " ".join(derived.evidence)


def test_onset_is_unsure_without_a_clear_check_in_before_the_rash() -> None:
    assert answer([dose(0), checkin(60, 5, rash=True)], "onset") == "unsure"


def test_a_rash_recorded_before_the_first_dose_was_there_before_starting() -> None:
    derived = derive_timing([checkin(0, 4, rash=True), dose(10)]).get("onset")
    assert derived is not None
    assert derived.answer == "before_starting"
    assert derived.evidence == (
        f"first check-in with a rash {on(0)}, 10 days before the first dose on {on(10)}",
    )


def test_onset_without_doses_or_rash_is_unsure() -> None:
    assert answer([checkin(3, 5, rash=True)], "onset") == "unsure"
    assert answer([dose(0), checkin(3, 2)], "onset") == "unsure"


# --- pauses --------------------------------------------------------------------------------------


def rash_throughout(days: range, itch: int = 6) -> list[Entry]:
    return [checkin(n, itch, rash=True) for n in days]


def test_a_gap_of_one_and_a_half_usual_intervals_is_a_pause_and_just_under_is_not() -> None:
    regular: list[Entry] = doses_every(14, 4)  # days 0 .. 42
    rash = rash_throughout(range(1, 40, 3))
    paused_gap = int(GAP_FACTOR * 14)
    assert answer([*regular, dose(42 + paused_gap), *rash], "dose_paused") == "yes"
    assert answer([*regular, dose(42 + paused_gap - 1), *rash], "dose_paused") == "no"


def test_four_weekly_doses_are_not_mistaken_for_pauses() -> None:
    entries = [*doses_every(28, 5), *rash_throughout(range(1, 110, 5))]
    timing = derive_timing(entries)
    assert timing.usual_interval == 28
    assert answer(entries, "dose_paused") == "no"


def test_too_few_doses_to_learn_the_interval_leave_dose_paused_to_the_person() -> None:
    entries: list[Entry] = [dose(0), dose(40), *rash_throughout(range(1, 50, 5))]
    assert answer(entries, "dose_paused") is None


def test_a_recorded_pause_counts_whatever_the_interval() -> None:
    entries: list[Entry] = [dose(0), checkin(5, 6, rash=True), Pause(_id("p"), on(10))]
    assert answer(entries, "dose_paused") == "yes"
    assert answer(entries, "returned_on_restart") == "not_restarted"


def pause_story(before: int, late_pause: int, after: int) -> list[Entry]:
    """Doses every 14 days, one skipped (due day 56, restarted day 70), rash from day 5."""
    entries: list[Entry] = [*doses_every(14, 4), dose(70), dose(84)]
    entries += rash_throughout(range(42, 56, 2), before)
    entries += rash_throughout(range(56, 63, 2), before)
    entries += rash_throughout(range(63, 70, 2), late_pause)
    entries += rash_throughout(range(70, 84, 2), after)
    entries += [checkin(3), checkin(5, 4, rash=True)]
    return entries


def test_improvement_needs_a_two_point_fall_and_no_change_is_under_one_point() -> None:
    assert answer(pause_story(7, 5, 7), "improved_on_pause") == "yes"
    assert answer(pause_story(7, 6, 7), "improved_on_pause") == "unsure"
    assert answer(pause_story(7, 7, 7), "improved_on_pause") == "no"
    assert answer(pause_story(7, 8, 7), "improved_on_pause") == "no"


def test_return_on_restart_needs_a_two_point_rise() -> None:
    assert answer(pause_story(7, 3, 5), "returned_on_restart") == "yes"
    assert answer(pause_story(7, 3, 3), "returned_on_restart") == "no"


def test_too_few_check_ins_around_a_pause_are_unsure() -> None:
    entries = [*doses_every(14, 5), dose(84), checkin(3), checkin(5, 6, rash=True)]
    entries += [checkin(50, 7, rash=True), checkin(66, 2, rash=True)]
    assert answer(entries, "improved_on_pause") == "unsure"


# --- injection pattern ---------------------------------------------------------------------------


def test_itch_worse_in_the_days_after_most_doses_is_an_injection_pattern() -> None:
    entries: list[Entry] = doses_every(14, 5)
    for start in range(0, 56, 14):
        entries += [checkin(start + 1, 8, rash=True), checkin(start + 8, 3, rash=True)]
    assert answer(entries, "injection_pattern") == "yes"
    flat: list[Entry] = [e for e in entries if not isinstance(e, CheckIn)]
    for start in range(0, 56, 14):
        flat += [checkin(start + 1, 4, rash=True), checkin(start + 8, 4, rash=True)]
    assert answer(flat, "injection_pattern") == "no"


def answer_of(timing: Timing, question: str) -> str | None:
    derived = timing.get(question)
    return None if derived is None else derived.answer


# --- properties ----------------------------------------------------------------------------------


@st.composite
def diaries(draw: st.DrawFn) -> list[Entry]:
    interval = draw(st.sampled_from([14, 28]))
    regular = draw(st.integers(4, 8))
    entries: list[Entry] = doses_every(interval, regular)
    end = interval * (regular - 1)
    if draw(st.booleans()):
        gap = draw(st.integers(interval, 3 * interval))
        end += gap
        entries.append(dose(end))
    if draw(st.booleans()):
        start = draw(st.integers(1, end))
        entries.append(Pause(_id(f"pause{start}"), on(start), on(start + interval)))
    rash_from = draw(st.integers(1, end))
    for offset in sorted(set(draw(st.lists(st.integers(0, end + interval), max_size=40)))):
        itch = draw(st.integers(0, 10))
        entries.append(checkin(offset, itch, rash=offset >= rash_from))
    return entries


@settings(max_examples=80, deadline=None)
@given(diaries(), st.randoms(use_true_random=False))
def test_the_order_entries_were_added_in_changes_nothing(
    entries: list[Entry], shuffler: random.Random
) -> None:
    shuffled = list(entries)
    shuffler.shuffle(shuffled)
    assert derive_timing(shuffled) == derive_timing(entries)


@settings(max_examples=80, deadline=None)
@given(diaries(), st.integers(400, 4000), st.integers(0, 10))
def test_a_check_in_far_in_the_past_never_changes_the_pause_and_injection_answers(
    entries: list[Entry], days_before: int, itch: int
) -> None:
    before = derive_timing(entries)
    far = CheckIn(_id(f"far{days_before}"), on(-days_before), {"itch": itch})
    after = derive_timing([*entries, far])
    assert after.pause == before.pause
    for question in ("dose_paused", "improved_on_pause", "returned_on_restart"):
        assert answer_of(after, question) == answer_of(before, question)
    assert answer_of(after, "injection_pattern") == answer_of(before, "injection_pattern")


@settings(max_examples=80, deadline=None)
@given(diaries(), st.integers(400, 4000))
def test_a_check_in_far_in_the_future_never_changes_onset_or_a_finished_pause(
    entries: list[Entry], days_after: int
) -> None:
    before = derive_timing(entries)
    assume(before.first_rash is not None)
    last = max(e.day for e in entries)
    far = checkin((last - DAY0).days + days_after, 5, rash=True)
    after = derive_timing([*entries, far])
    assert after.get("onset") == before.get("onset")
    if before.pause is not None and before.pause.restart is not None:
        assert after.pause == before.pause
        for question in ("improved_on_pause", "returned_on_restart"):
            assert after.get(question) == before.get(question)


def test_every_timing_answer_carries_evidence() -> None:
    timing = derive_timing(pause_story(7, 3, 7))
    assert [a.question for a in timing.answers] == list(TIMING_QUESTIONS)
    assert all(a.evidence for a in timing.answers)
