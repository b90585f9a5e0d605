"""The diary's timing answers for `assess --from-diary`, ready to sit under files and flags."""

from __future__ import annotations

import dataclasses

from dupi_triage.answers import Answers, prune_inapplicable
from dupi_triage.diary.report import DiaryReport
from dupi_triage.questionnaire import Questionnaire
from dupi_triage.records import NamedTuple
from dupi_triage.scoring.model import Assessment
from dupi_triage.timing import derive_timing

UNSURE = "unsure"


class FromDiary(NamedTuple):
    answers: Answers
    report: DiaryReport


def answers_from_diary(questionnaire: Questionnaire, path_text: str | None) -> FromDiary:
    """Open the diary read-only and turn its timing into answers the questionnaire accepts."""
    from dupi_triage.diary.store import open_diary, resolve

    with open_diary(resolve(path_text), write=False) as diary:
        entries = tuple(diary.entries())
        path = str(diary.path)
    timing = derive_timing(entries)
    values = {}
    for derived in timing.answers:
        question = questionnaire.by_id.get(derived.question)
        if question is not None and derived.answer in question.option_ids:
            values[derived.question] = derived.answer
    answers = prune_inapplicable(questionnaire, Answers(values))
    return FromDiary(answers, DiaryReport(path, entries, timing))


def settled(diary: FromDiary) -> FromDiary:
    """Only the answers the diary could settle: when someone is there to ask, "unsure" is asked."""
    unsure = [q for q, value in diary.answers.values.items() if value == UNSURE]
    return diary._replace(answers=diary.answers.without(*unsure)) if unsure else diary


def still_from_diary(diary: FromDiary, final: Answers, overridden: set[str]) -> tuple[str, ...]:
    """The diary's answers that survived files, flags and the person's review."""
    return tuple(
        question_id
        for question_id, value in diary.answers.values.items()
        if question_id not in overridden and final.get(question_id) == value
    )


def with_diary(assessment: Assessment, report: DiaryReport, used: tuple[str, ...]) -> Assessment:
    """The result, its contributions naming the diary as the source of the answers it gave."""
    report = dataclasses.replace(report, used=used)
    contributions = tuple(
        c._replace(
            reason=f"{c.reason} Answer from your diary: {'; '.join(report.evidence(c.question))}."
        )
        if c.question in report.used
        else c
        for c in assessment.contributions
    )
    return assessment.replace(contributions=contributions, diary=report)
