"""The questionnaire itself, listed for people (a table), programs (JSON) and FHIR systems."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from dupi_triage import __version__
from dupi_triage.questionnaire import Question, Questionnaire

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
            for option in question.options
        ],
        "condition": _condition(question),
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


def _condition(question: Question) -> dict[str, Any] | None:
    """When the question is asked: all (or any) of its conditions on earlier answers."""
    if question.when is None:
        return None
    return {
        question.when.behaviour: [
            {"question": c.question, c.operator: list(c.options)} for c in question.when.conditions
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
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def print_table(console: Console, questionnaire: Questionnaire) -> None:
    from rich import box
    from rich.table import Table

    for section in questionnaire.sections:
        table = Table(title=section.title, title_justify="left", box=box.SIMPLE_HEAD, expand=False)
        table.add_column("Flag", no_wrap=True)
        table.add_column("Type", no_wrap=True)
        table.add_column("Question")
        table.add_column("Allowed values")
        for question in questionnaire:
            if question.section != section.id:
                continue
            text = question.text
            if question.when is not None:
                text += f" (only when {question.when.describe()})"
            values = question.allowed_values().replace(", ", "\n")
            table.add_row(question.flag, question.type, text, values)
        console.print(table)
