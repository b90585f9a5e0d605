"""Wording a lay person reads: one spelling (British, as the project uses), plain words.

Ids stay as they are (saved answers must load); only what is shown is checked here.
"""

from __future__ import annotations

import re

from dupi_triage.questionnaire import Questionnaire
from tests.conftest import Assess, Render

# US spellings the text could slip into; British is the project's choice (colour, centre, ...).
US_SPELLINGS = re.compile(
    r"\b(color\w*|center\w*|behavior\w*|favor\w*|gray|seborrheic\w*|esophag\w*|edema|"
    r"pediatric\w*|anemia|hemorrh\w*|recogniz\w*|organiz\w*|minimiz\w*|realiz\w*|"
    r"analyz\w*|labeled|traveled|canceled|fetus)\b",
    flags=re.IGNORECASE,
)


def _shown_texts(questionnaire: Questionnaire) -> list[str]:
    texts = [section.intro for section in questionnaire.sections]
    texts += [section.title for section in questionnaire.sections]
    for question in questionnaire:
        texts += [question.text, question.help, question.short]
        for option in question.options:
            texts += [option.label, option.help, option.description or "", option.impact or ""]
    texts += [pattern.label for pattern in questionnaire.patterns]
    texts += [pattern.summary for pattern in questionnaire.patterns]
    return texts


def test_every_shown_text_uses_british_spelling(questionnaire: Questionnaire) -> None:
    found = [
        m.group(0) for text in _shown_texts(questionnaire) for m in US_SPELLINGS.finditer(text)
    ]
    assert found == []


def test_no_question_asks_about_a_similar_medicine_or_biologics_without_saying_what_they_are(
    questionnaire: Questionnaire,
) -> None:
    for question in questionnaire:
        assert "similar medicine" not in question.text
        for option in question.options:
            assert not re.search(r"\bbiologics?\b", option.label), option.label
            if "biologic" in option.help:
                assert "like dupilumab" in option.help, "the word is explained where it is used"


def test_the_injection_question_says_either_change_counts(questionnaire: Questionnaire) -> None:
    question = questionnaire.question("injection_pattern")
    assert "Either counts" in question.text
    assert "either" in question.option("yes").help


def test_a_reason_says_what_was_answered_of_the_treatments_not_more(assessed: Assess) -> None:
    """ "They help a bit" is not "they do not control it": the reason for the level repeats the
    person's answer."""
    facial = {"red_flags": ["none"], "onset": "1_to_4_months", "look": ["redness_no_scaling"]}
    facial |= {"location": ["face_neck"]}
    reasons = {
        helps: " ".join(
            r.reason
            for r in assessed({**facial, "usual_treatment_helps": helps}).level_reasons
            if r.question == "usual_treatment_helps"
        )
        for helps in ("partly", "no")
    }
    assert "the usual treatments help only a bit" in reasons["partly"]
    assert "do not" not in reasons["partly"]
    assert "the usual treatments do not help" in reasons["no"]


def test_beside_a_hypersensitivity_sign_the_drug_link_sentence_does_not_clear_the_medicine(
    assessed: Assess, render_as: Render
) -> None:
    """After signs of an allergic reaction the next dose waits (safety rule 3): "the answers do
    not point to dupilumab" would read as clearing it. Without such a sign it stays as it was."""
    reaction = assessed({"red_flags": ["breathing_or_swelling"]})
    assert reaction.drug_link.score < 1
    ordinary = assessed({"red_flags": ["none"], "look": ["typical_eczema"]})
    assert ordinary.drug_link.score < 1
    for fmt in ("text", "markdown", "html"):
        said = " ".join(render_as(reaction, fmt).split())
        assert "do not point to dupilumab" not in said, fmt
        assert "A reaction like this can be caused by a medicine, dupilumab among them" in said
        assert "do not point to dupilumab" in " ".join(render_as(ordinary, fmt).split()), fmt
