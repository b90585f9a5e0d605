"""The summary in words, once, for every human-readable format.

Terminal, text, markdown and HTML lay this out differently but say the same things, in the same
order (safety rule 9), so a report sent to a prescriber matches what the person saw on screen:
first the part the person reads (the level and what to do, why, what the answers fit with one
plain sentence about the drug link, what to tell the prescriber, and the action again), then,
under a heading that says so, the detail for the prescriber (the answers behind the pattern, the
drug-link table, the risk factors, the diary, the sources).
"""

from typing import TYPE_CHECKING

from dupi_triage import __version__
from dupi_triage.answers import applicable_questions, describe_answer
from dupi_triage.questionnaire import ABOUT, DEFAULT_TOPIC, INDICATION, Questionnaire, topic_of
from dupi_triage.records import NamedTuple
from dupi_triage.scoring.model import Assessment

if TYPE_CHECKING:
    from dupi_triage.diary.report import DiaryView

NOT_APPLICABLE = "Not applicable"


class Row(NamedTuple):
    """A labelled line: what was asked (short) and the answer in the person's words."""

    label: str
    value: str


class DrugLinkRow(NamedTuple):
    number: int
    item: str
    answer: str
    points: int
    source: str


class RiskRow(NamedTuple):
    label: str
    description: str
    impact: str


class SummaryView(NamedTuple):
    tool_version: str
    questionnaire_version: str
    level: str
    level_label: str
    level_action: str
    level_colour: str
    level_reasons: tuple[str, ...]
    red_flags: tuple[str, ...]
    red_flags_screened: bool
    not_screened_warning: str
    pattern: str
    pattern_label: str
    pattern_summary: str
    pattern_evidence: tuple[Row, ...]
    also_consistent_with: tuple[str, ...]
    drug_link_score: int
    drug_link_category: str
    drug_link_name: str
    drug_link_rows: tuple[DrugLinkRow, ...]
    drug_link_note: str
    risk_band: str
    risk_answered: bool
    risk_unsure: bool
    risk_rows: tuple[RiskRow, ...]
    advice: tuple[str, ...]
    tell_your_prescriber: tuple[str, ...]
    #: The answers in questionnaire order, but for those in `about`.
    answers: tuple[Row, ...]
    missing: tuple[str, ...]
    question_count: int
    sources: tuple[str, ...]
    source_key: tuple[tuple[str, str], ...]
    uncommon: str
    disclaimer: str
    emergency: bool = False
    tell_heading: str = "What to tell the prescriber"
    #: For an indication other than eczema: what the patterns are worth here.
    scope_note: str = ""
    #: Who is answering, age, what dupilumab is for, pregnancy: the `about` section's answers,
    #: which are not in `answers` (a report shows them beside the person's name).
    about: tuple[Row, ...] = ()
    for_later: str = ""
    for_later_note: str = ""
    diary: "DiaryView | None" = None  # assess --from-diary: the diary behind the timing answers
    #: The one plain sentence about the drug link in the person's part: never a verdict.
    drug_link_plain: str = ""
    #: Why the band is held at 'possible' (another cause fits), or "".
    drug_link_capped: str = ""
    for_prescriber: str = "For the prescriber"
    for_prescriber_note: str = ""
    #: Two answers that cannot both be true (kept as given, from an older version): say so.
    answer_warnings: tuple[str, ...] = ()

    @property
    def headline(self) -> str:
        return f"{self.level_label.upper()}. {self.level_action}"

    @property
    def detail_heading(self) -> str:
        """The heading over the prescriber's part: "for later" beside an emergency."""
        return self.for_later if self.emergency else self.for_prescriber

    @property
    def detail_note(self) -> str:
        return self.for_later_note if self.emergency else self.for_prescriber_note

    @property
    def completeness(self) -> str | None:
        """A line beside the level when it rests on part of the questionnaire.

        Not beside an emergency: it cannot rise, and nothing may suggest it could change.
        """
        if not self.missing or self.emergency:
            return None
        answered = self.question_count - len(self.missing)
        return (
            f"Based on {answered} of {self.question_count} questions: "
            "the result may change when the rest are answered."
        )

    @property
    def pattern_sentence(self) -> str:
        return f"The answers are most consistent with {self.pattern_label}."

    @property
    def drug_link_sentence(self) -> str:
        """What the answers score, never that a link exists; no band beside an emergency."""
        if self.emergency:
            return f"The answers score {self.drug_link_score} on the adapted scale."
        return (
            f"The answers score {self.drug_link_score} on the adapted scale: "
            f"the '{self.drug_link_category}' band of its published cut-offs."
        )

    @property
    def risk_sentence(self) -> str:
        if not self.risk_answered:
            return "The risk-factor question was not answered."
        if self.risk_unsure and not self.risk_rows:
            return "Not known: you were not sure whether any risk factor applies."
        count = len(self.risk_rows)
        noun = "factor" if count == 1 else "factors"
        return f"{self.risk_band.capitalize()}: {count} risk {noun} from the article's table."


def summary_view(questionnaire: Questionnaire, assessment: Assessment) -> SummaryView:
    questionnaire = questionnaire.worded_for(assessment.answers.values)
    level = questionnaire.level(assessment.level.value)
    pattern = questionnaire.pattern(assessment.pattern.id)
    answers = assessment.answers

    used = assessment.diary.used if assessment.diary is not None else ()

    def from_diary(question_id: str) -> str:
        return " (from the diary)" if question_id in used else ""

    def label(question_id: str, option_id: str) -> str:
        return questionnaire.question(question_id).option(option_id).label

    evidence = tuple(
        Row(
            questionnaire.question(item.question).short,
            label(item.question, item.answer) + (" (key sign)" if item.key else " (supporting)"),
        )
        for item in assessment.pattern.evidence
    )
    rows = []
    for item in assessment.drug_link.items:
        if item.question is None:
            answer = "cannot be answered here"
        elif item.shown is not None:
            answer = item.shown
        elif item.answer is None:
            answer = "not answered"
        else:
            question = questionnaire.question(item.question)
            answer = describe_answer(question, item.decisive or item.answer)
        source = f"Naranjo item {item.number}"
        if item.question and "ARTICLE" in (
            questionnaire.question(item.question).points_source or ""
        ):
            source += "; article"
        rows.append(DrugLinkRow(item.number, item.text, answer, item.points, source))

    # The scale's citation, then the full source of every rule that moved this result.
    sources = [questionnaire.drug_link.source]
    sources += [
        questionnaire.question(item.question).points_source or ""
        for item in assessment.drug_link.items
        if item.points and item.question is not None
    ]
    if assessment.pattern.evidence:
        sources.append(pattern.source)
    sources += [
        reason.source for reason in assessment.level_reasons if reason.source not in sources
    ]
    if assessment.risk.factors:
        sources.append(questionnaire.question("risk_factors").risk_source or "")
    sources += [item.source for item in assessment.drug_link.items if item.source and item.points]
    sources += [line.source for line in assessment.advice_lines if line.source]
    emergency = assessment.emergency
    drug_reaction = pattern.drug_reaction

    answer_rows = [
        (
            question.section,
            Row(question.short, describe_answer(question, value) + from_diary(question.id))
            if (value := answers.get(question.id)) is not None
            else Row(question.short, NOT_APPLICABLE),
        )
        for question in questionnaire
        if question.id in answers
        # "Not applicable" where it explains a score: the pause items of the drug-link scale.
        or (question.id in assessment.not_applicable and question.drug_link_item)
    ]
    return SummaryView(
        tool_version=__version__,
        questionnaire_version=questionnaire.version,
        level=level.id,
        level_label=level.label,
        level_action=assessment.action or level.action,
        level_colour=level.colour,
        level_reasons=tuple(reason.reason for reason in assessment.level_reasons),
        red_flags=tuple(label("red_flags", flag) for flag in assessment.red_flags),
        red_flags_screened=assessment.red_flags_screened,
        not_screened_warning=questionnaire.wording.not_screened,
        pattern=pattern.id,
        pattern_label=pattern.label,
        pattern_summary=pattern.summary,
        pattern_evidence=evidence,
        also_consistent_with=tuple(
            questionnaire.pattern(other).label for other in assessment.pattern.also_consistent_with
        ),
        drug_link_score=assessment.drug_link.score,
        drug_link_category=assessment.drug_link.category,
        drug_link_name=questionnaire.drug_link.name,
        drug_link_rows=tuple(rows),
        drug_link_note=questionnaire.wording.drug_link_note,
        risk_band=assessment.risk.band,
        risk_answered=assessment.risk.answered,
        risk_unsure=assessment.answers.has("risk_factors", "unsure"),
        risk_rows=tuple(
            RiskRow(factor.label, factor.description, factor.impact)
            for factor in assessment.risk.factors
        ),
        advice=assessment.advice,
        tell_your_prescriber=assessment.tell_your_prescriber,
        answers=tuple(row for section, row in answer_rows if section != ABOUT),
        about=tuple(row for section, row in answer_rows if section == ABOUT),
        missing=tuple(
            questionnaire.question(question_id).short for question_id in assessment.missing
        ),
        question_count=sum(
            1 for q in applicable_questions(questionnaire, answers) if q.type != "text"
        ),
        sources=(cited := tuple(dict.fromkeys(source for source in sources if source))),
        source_key=tuple(
            (word, meaning)
            for word, meaning in questionnaire.wording.source_key
            if any(word in source for source in cited)
        ),
        uncommon=questionnaire.wording.uncommon if drug_reaction and not emergency else "",
        disclaimer=questionnaire.wording.disclaimer,
        emergency=emergency,
        tell_heading=questionnaire.wording.tell_heading,
        scope_note=_scope_note(questionnaire, assessment),
        for_later=questionnaire.wording.for_later,
        for_later_note=questionnaire.wording.for_later_note,
        diary=_diary(questionnaire, assessment),
        drug_link_plain=questionnaire.wording.drug_link_points
        if assessment.drug_link.score >= 1
        else questionnaire.wording.drug_link_no_points_reaction
        if assessment.hold_next_dose
        else questionnaire.wording.drug_link_no_points,
        drug_link_capped=questionnaire.wording.drug_link_capped.format(
            cause=assessment.drug_link.capped
        )
        if assessment.drug_link.capped
        else "",
        for_prescriber=questionnaire.wording.for_prescriber,
        for_prescriber_note=questionnaire.wording.for_prescriber_note,
        answer_warnings=_contradictions(questionnaire, assessment),
    )


def _contradictions(questionnaire: Questionnaire, assessment: Assessment) -> tuple[str, ...]:
    answers = assessment.answers
    saved = f" (saved under questionnaire {answers.saved_under})" if answers.saved_under else ""
    warnings = []
    for rule in questionnaire.contradictions:
        if rule.id not in assessment.contradictions:
            continue
        shown = [
            f"'{question.short}' is '{describe_answer(question, value)}'"
            for sign in rule.signs
            if (value := answers.get((question := questionnaire.question(sign.question)).id))
            is not None
        ]
        warnings.append(
            f"Two answers{saved} cannot both be true: {' and '.join(shown)} ({rule.message}). "
            "They are scored as given; check which is right."
        )
    return tuple(warnings)


def _diary(questionnaire: Questionnaire, assessment: Assessment) -> "DiaryView | None":
    if assessment.diary is None:
        return None
    from dupi_triage.diary.report import diary_view

    return diary_view(questionnaire, assessment.diary)


def _scope_note(questionnaire: Questionnaire, assessment: Assessment) -> str:
    indication = assessment.answers.get(INDICATION)
    if not isinstance(indication, str) or topic_of(indication) == DEFAULT_TOPIC:
        return ""
    label = questionnaire.question(INDICATION).option(indication).label
    return questionnaire.wording.other_indication.format(indication=label)
