"""The questionnaire itself, listed for people (a table), programs (JSON) and FHIR systems."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from dupi_triage import __version__
from dupi_triage.questionnaire import Question, Questionnaire, Section, When

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "json", "fhir", "rules")


def question_to_dict(question: Question) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": question.id,
        "section": question.section,
        "type": question.type,
        "flag": question.flag,
        "text": question.text,
        "help": question.help,
        "options": [
            {"id": option.id, "label": option.label, "help": option.help}
            | ({"points": option.points} if option.points is not None else {})
            | ({"red_flag": option.red_flag} if option.red_flag else {})
            | ({"hold_next_dose": True} if option.hold_next_dose else {})
            # Offered only when this holds (nappy_area: young children); null: always.
            | {"condition": _condition(option.when)}
            for option in question.options
        ],
        "condition": _condition(question.when),
    }
    if question.type == "integer":
        entry["min"] = question.min
        entry["max"] = question.max
    if question.type == "text":
        entry["max_length"] = question.max
    if question.drug_link_item:
        entry["drug_link_item"] = question.drug_link_item
    sources = [question.points_source, question.red_flag_source, question.risk_source]
    entry["sources"] = [source for source in sources if source]
    return entry


def _condition(when: When | None) -> dict[str, Any] | None:
    """When a question is asked, or an option offered: all (or any) of its tests of earlier
    answers."""
    if when is None:
        return None
    return {
        when.behaviour: [
            {"question": c.question, c.operator: list(c.options)} for c in when.conditions
        ]
    }


def render(fmt: str, questionnaire: Questionnaire) -> str:
    if fmt == "fhir":
        from dupi_triage.render.fhir_questionnaire import render_questionnaire

        return render_questionnaire(questionnaire)
    if fmt == "rules":
        from dupi_triage.render.level_rules import markdown_table

        return markdown_table(questionnaire)
    if fmt != "json":
        raise ValueError(fmt)
    document = {
        "tool": "dupi-triage",
        "version": __version__,
        "questionnaire_version": questionnaire.version,
        "sections": [{"id": s.id, "title": s.title} for s in questionnaire.sections],
        "questions": [question_to_dict(question) for question in questionnaire],
        # Pairs of answers that cannot both be true: refused together, so never draw both.
        "contradictions": [
            {
                "id": rule.id,
                "answers": [
                    {"question": sign.question, "in": list(sign.options)} for sign in rule.signs
                ],
                "message": rule.message,
                "source": rule.source,
            }
            for rule in questionnaire.contradictions
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def print_table(console: Console, questionnaire: Questionnaire) -> None:
    """A table per section where every value fits whole; on a narrow terminal, a list instead.

    A value is never cut: the questions wrap, the values never do.
    """
    sections = [
        (section, [q for q in questionnaire if q.section == section.id])
        for section in questionnaire.sections
    ]
    tables = [_section_table(section, questions) for section, questions in sections if questions]
    # Measured without a limit: rich caps a measurement at the width it is given.
    unlimited = console.options.update_width(10_000)
    if all(console.measure(t, options=unlimited).minimum <= console.width for t in tables):
        for table in tables:
            console.print(table)
        return
    for section, questions in sections:
        if questions:
            _print_section_list(console, section, questions)


#: The narrowest the question column may get before the list reads better than the table.
QUESTION_MIN_WIDTH = 20


def _section_table(section: Section, questions: list[Question]) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=section.title, title_justify="left", box=box.SIMPLE_HEAD, expand=False)
    # The type under the flag, not beside it: the table then fits 80 columns.
    table.add_column("Flag, type", no_wrap=True)
    table.add_column("Question", min_width=QUESTION_MIN_WIDTH)
    # As wide as the longest option id: rich narrows any column that may wrap, whatever its words.
    header = "Allowed values"
    longest = max((len(option) for q in questions for option in q.option_ids), default=0)
    table.add_column(header, width=max(longest, len(header)) if longest else None, overflow="fold")
    for question in questions:
        flag = Text(question.flag)
        flag.append(f"\n{question.type}", style="dim")
        table.add_row(flag, _question_text(question), _values(question))
    return table


def _print_section_list(console: Console, section: Section, questions: list[Question]) -> None:
    from rich.padding import Padding
    from rich.text import Text

    console.print(Text(section.title, style="bold"))
    for question in questions:
        console.print(Text(f"{question.flag}  {question.type}", overflow="fold"))
        console.print(Padding(Text(_question_text(question)), (0, 0, 0, 2)))
        console.print(Padding(Text(_values(question), overflow="fold"), (0, 0, 0, 4)))
    console.print()


def _question_text(question: Question) -> str:
    """The question, and when it is asked or an option offered (nappy_area: young children)."""
    notes = [f"only when {question.when.describe()}"] if question.when is not None else []
    notes += [
        f"{option.id} only when {option.when.describe()}"
        for option in question.options
        if option.when is not None
    ]
    return " ".join([question.text, *(f"({note})" for note in notes)])


def _values(question: Question) -> str:
    """One option id a line (a value reads whole); a number's or a text's range as words."""
    if question.options:
        return "\n".join(question.option_ids)
    return question.allowed_values()
