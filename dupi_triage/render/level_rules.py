""" "How the level is decided": every rule, its level and its source, as a Markdown table.

Generated from the questionnaire data (the warning signs, then the level rules), so the README's
table cannot drift from what the tool does; a test compares the two.
"""

from __future__ import annotations

from dupi_triage.questionnaire import RED_FLAGS, Questionnaire


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def markdown_table(questionnaire: Questionnaire) -> str:
    rows = ["| Rule | Level | Source |", "|---|---|---|"]
    red_flags = questionnaire.question(RED_FLAGS)
    for option in red_flags.options:
        if option.red_flag is None:
            continue
        rule = f"Warning sign `{option.id}`: {option.label}."
        if option.hold_next_dose:
            rule += " Hypersensitivity sign: no further dose until a clinician says it is safe."
        if option.described_by:
            described = "; ".join(
                " and ".join(f"`{sign}`" for sign in clause) for clause in option.described_by
            )
            rule += f" Also when the answers describe it: {described}."
        rows.append(f"| {_cell(rule)} | {option.red_flag} | {_cell(option.source or '')} |")
    for level_rule in questionnaire.level_rules:
        if level_rule.id == "warning_sign_described":
            continue  # shown with each sign above
        rule = f"`{level_rule.id}`: {level_rule.summary}"
        rows.append(f"| {_cell(rule)} | at least {level_rule.level} | {_cell(level_rule.source)} |")
    rows.append(
        "| Otherwise | routine | SPEC, triage levels: before the next injection, or within two "
        "weeks, whichever is sooner. An ordinary flare the usual treatment settles: mention it at "
        "the next review, or contact the prescriber if it has not settled within two weeks "
        "(NICE CG57). |"
    )
    return "\n".join(rows) + "\n"
