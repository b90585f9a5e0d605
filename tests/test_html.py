"""The HTML report: self-contained, printable, and never relying on colour alone.

How it looks was checked by rendering it in headless Chromium (docs/report.png); these tests pin
what must stay true whatever the styling becomes.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

import pytest

from dupi_triage import __version__
from dupi_triage.answers import parse_answers
from dupi_triage.questionnaire import ABOUT, Questionnaire
from dupi_triage.questionnaire_loader import parse_questionnaire
from dupi_triage.render import html as html_report
from dupi_triage.render.view import summary_view
from dupi_triage.scoring import assess
from tests.report_cases import CASES, EXPECTED_LEVELS, FACIAL_REDNESS, HALF_ANSWERED

DAY = datetime.date(2031, 4, 9)
VOID = {"meta", "col", "br", "hr", "img", "input", "link", "wbr", "source"}


def _page(
    questionnaire: Questionnaire, answers: Mapping[str, object], day: datetime.date = DAY
) -> str:
    assessment = assess(questionnaire, parse_answers(questionnaire, answers))
    return html_report.render(questionnaire, assessment, today=day)


def _visible(page: str) -> str:
    page = re.sub(r"<style\b.*?</style>", " ", page, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _style(page: str) -> str:
    match = re.search(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    assert match is not None
    return match.group(1)


class _Elements(HTMLParser):
    """Records every element and checks that each one opened is closed, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.seen: list[tuple[str, dict[str, str | None]]] = []
        self.errors: list[str] = []
        self.text_by_class: dict[str, list[str]] = {}
        self._classes: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))
        if tag in VOID:
            return
        self.open.append(tag)
        self._classes.append((dict(attrs).get("class") or "").split())

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")
            return
        self.open.pop()
        self._classes.pop()

    def handle_data(self, data: str) -> None:
        for classes in self._classes:
            for name in classes:
                self.text_by_class.setdefault(name, []).append(data)

    def text_of(self, css_class: str) -> str:
        return " ".join(" ".join(self.text_by_class.get(css_class, [])).split())


def _parsed(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


# --- self-contained -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_page_is_well_formed(questionnaire: Questionnaire, case: str) -> None:
    page = _page(questionnaire, CASES[case])
    parsed = _parsed(page)
    assert page.startswith("<!DOCTYPE html>\n")
    assert parsed.errors == []
    assert parsed.open == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_page_needs_nothing_from_outside(questionnaire: Questionnaire, case: str) -> None:
    page = _page(questionnaire, CASES[case])
    parsed = _parsed(page)
    tags = {tag for tag, _ in parsed.seen}

    assert "<script" not in page.lower()
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "video", "audio"}
    for tag, attrs in parsed.seen:
        for name in ("src", "href", "srcset", "action", "data"):
            assert name not in attrs, f"<{tag} {name}=...> would fetch something"
        assert not any(name.startswith("on") for name in attrs), f"<{tag}> has an event handler"
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, flags=re.I)
    style = _style(page)
    assert "@import" not in style
    assert "url(" not in style
    assert "@font-face" not in style
    assert "http" not in style


def test_the_page_carries_no_emoji(questionnaire: Questionnaire) -> None:
    page = _page(questionnaire, FACIAL_REDNESS)
    assert not [char for char in page if ord(char) >= 0x2190]


# --- the level: colour and words ------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_level_is_in_words_beside_its_colour(questionnaire: Questionnaire, case: str) -> None:
    page = _page(questionnaire, CASES[case])
    level = questionnaire.level(EXPECTED_LEVELS[case])
    parsed = _parsed(page)

    banners = [attrs for tag, attrs in parsed.seen if "level" in (attrs.get("class") or "").split()]
    assert len(banners) == 1
    assert f"level-{level.id}" in (banners[0].get("class") or "").split()
    assert parsed.text_of("level-word") == f"Level {level.label}"
    # The level's action; an ordinary flare the usual treatment settles has its own (spec).
    action = assess(questionnaire, parse_answers(questionnaire, CASES[case])).action
    assert action in parsed.text_of("level-action")
    assert f".level-{level.id} {{" in _style(page), "every level has its colour"


def test_print_css_keeps_the_colour_and_sets_the_page(questionnaire: Questionnaire) -> None:
    style = _style(_page(questionnaire, FACIAL_REDNESS))
    assert "@media print" in style
    assert "@page" in style
    assert "print-color-adjust: exact" in style


def test_unscreened_warning_signs_are_shown_prominently(questionnaire: Questionnaire) -> None:
    page = _page(questionnaire, HALF_ANSWERED)
    parsed = _parsed(page)
    assert questionnaire.wording.not_screened in parsed.text_of("alert")


# --- what the report holds ------------------------------------------------------------------------


def test_the_date_and_versions_are_on_the_page(questionnaire: Questionnaire) -> None:
    shown = _visible(_page(questionnaire, FACIAL_REDNESS))
    assert "Generated 2031-04-09" in shown
    assert f"dupi-triage {__version__}" in shown
    assert f"version {questionnaire.version}" in shown


def test_the_date_is_today_by_default(questionnaire: Questionnaire) -> None:
    assessment = assess(questionnaire, parse_answers(questionnaire, FACIAL_REDNESS))
    before = datetime.date.today()
    page = html_report.render(questionnaire, assessment)
    after = datetime.date.today()
    assert f"Generated {before.isoformat()}" in _visible(page) or (
        f"Generated {after.isoformat()}" in _visible(page)
    )


def test_there_is_a_bordered_space_for_the_prescribers_notes(questionnaire: Questionnaire) -> None:
    page = _page(questionnaire, FACIAL_REDNESS)
    parsed = _parsed(page)
    assert "Prescriber's notes" in _visible(page)
    assert any("notes-box" in (attrs.get("class") or "").split() for _, attrs in parsed.seen)
    assert re.search(r"\.notes-box \{[^}]*border:", _style(page))


def test_every_answer_is_in_the_answers_table_or_beside_the_name(
    questionnaire: Questionnaire,
) -> None:
    page = _page(questionnaire, FACIAL_REDNESS)
    view = summary_view(
        questionnaire, assess(questionnaire, parse_answers(questionnaire, FACIAL_REDNESS))
    )
    cells = re.findall(r'<table class="answers">.*?</table>', page, flags=re.DOTALL)
    rows = html.unescape(" ".join(cells))
    about = re.search(r'<dl class="about"[^>]*>.*?</dl>', page, flags=re.DOTALL)
    assert about is not None
    # Who is answering, age, what dupilumab is for and pregnancy sit under the name; the rest
    # are in the table, each answer once.
    assert [row.label for row in view.about] == [
        q.short for q in questionnaire if q.section == ABOUT and q.id in FACIAL_REDNESS
    ]
    assert len(view.about) + len(view.answers) == len(FACIAL_REDNESS)
    assert page.index('class="about"') < page.index('class="level ')
    for row in view.about:
        assert f"<dt>{row.label}</dt><dd>{row.value}</dd>" in html.unescape(about.group(0))
        assert f">{row.label}</th>" not in rows
    for row in view.answers:
        # A long answer spans the rest of its row (colspan); short ones sit two to a row.
        assert re.search(
            rf'<th scope="row">{re.escape(row.label)}</th><td( colspan="3")?>'
            rf"{re.escape(row.value)}</td>",
            rows,
        )


def test_the_drug_link_table_has_item_answer_points_and_source(
    questionnaire: Questionnaire,
) -> None:
    page = _page(questionnaire, FACIAL_REDNESS)
    view = summary_view(
        questionnaire, assess(questionnaire, parse_answers(questionnaire, FACIAL_REDNESS))
    )
    match = re.search(r'<table class="drug-link"[^>]*>.*?</table>', page, flags=re.DOTALL)
    assert match is not None
    table = html.unescape(match.group(0))
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)
    assert headers == ["#", "Item", "Answer", "Points", "Source"]
    for row in view.drug_link_rows:
        points = f"{row.points:+d}" if row.points else "0"
        assert (
            f"<td>{row.item}</td><td>{row.answer}</td>"
            f'<td class="num points">{points}</td><td class="source">{row.source}</td>'
        ) in table
    assert f'<td class="num points">{view.drug_link_score}</td>' in table


def test_the_sources_are_listed_with_a_key_to_their_short_names(
    questionnaire: Questionnaire,
) -> None:
    page = _page(questionnaire, FACIAL_REDNESS)
    view = summary_view(
        questionnaire, assess(questionnaire, parse_answers(questionnaire, FACIAL_REDNESS))
    )
    shown = _visible(page)
    for source in view.sources:
        assert " ".join(source.split()) in shown
    assert "Naranjo CA, Busto U, Sellers EM" in shown


def test_the_disclaimer_and_advice_are_on_the_page(questionnaire: Questionnaire) -> None:
    page = _page(questionnaire, HALF_ANSWERED)
    shown = _visible(page)
    assert questionnaire.wording.disclaimer in shown
    assert questionnaire.wording.drug_link_note in shown
    assert "Not answered:" in shown
    view = summary_view(
        questionnaire, assess(questionnaire, parse_answers(questionnaire, HALF_ANSWERED))
    )
    for advice in view.advice:
        assert advice in shown


# --- escaping -------------------------------------------------------------------------------------

HOSTILE = "<script>alert('x')</script> & \"quoted\""


def test_every_text_from_the_questionnaire_is_escaped(questionnaire_data: dict[str, Any]) -> None:
    """Wording is data a translator may edit; markup in it must print as text, never run."""
    questionnaire_data["report"]["disclaimer"] = HOSTILE
    onset = next(q for q in questionnaire_data["questions"] if q["id"] == "onset")
    onset["short"] = HOSTILE
    next(o for o in onset["options"] if o["id"] == "1_to_4_months")["label"] = HOSTILE
    next(p for p in questionnaire_data["patterns"] if p["id"] == "facial_redness")["label"] = (
        HOSTILE
    )
    edited = parse_questionnaire(questionnaire_data)

    page = _page(edited, FACIAL_REDNESS)

    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in page
    assert _parsed(page).errors == []
    assert HOSTILE in _visible(page)
