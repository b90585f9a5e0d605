"""HTML: one self-contained file a person can e-mail, upload or print for the prescriber.

Everything the page needs is inside it (inline CSS, no scripts, nothing fetched), so it opens the
same offline, in a patient portal or years later in a records system, and leaks nothing when
opened. Print CSS keeps it to one or two A4 or Letter pages. The level is shown in colour and in
words, because a report may be printed in black and white or read by someone who cannot tell the
colours apart.

The answers table stands in for the "what to tell your prescriber" list of the other formats: the
reader of this page is the prescriber, and that list repeats the answers. Any line of that list that
is not an answer or the pattern sentence is still shown.
"""

from __future__ import annotations

import datetime
from html import escape

from dupi_triage.questionnaire import Questionnaire
from dupi_triage.render.html_style import STYLE
from dupi_triage.render.view import Row, SummaryView, summary_view
from dupi_triage.scoring.model import Assessment

KNOWN_LEVELS = ("routine", "soon", "urgent", "emergency")
NOTE_LINES = 4


def render(
    questionnaire: Questionnaire, assessment: Assessment, *, today: datetime.date | None = None
) -> str:
    return render_view(summary_view(questionnaire, assessment), today or datetime.date.today())


def render_view(view: SummaryView, today: datetime.date) -> str:
    title = f"dupi-triage report, {today.isoformat()}"
    # Safety rule 9: the person's part first, ending on the action again; then, under its own
    # heading, the detail for the prescriber.
    body = [
        _masthead(view, today),
        _level(view),
        _advice(view),
        _why(view),
        _fit(view),
        _answers(view),
        _in_short(view),
        _for_prescriber(view),
        _evidence(view),
        _drug_link(view),
        _risk(view),
        _notes(),
        _diary(view),
        _sources(view),
        _footer(view),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="dupi-triage {_e(view.tool_version)}">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        '<main class="report">\n' + "\n".join(part for part in body if part) + "\n</main>\n"
        "</body>\n</html>\n"
    )


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _list(items: tuple[str, ...] | list[str], css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return f"<ul{attribute}>" + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"


def _section(heading: str, inner: str, css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return f"<section{attribute}>\n<h2>{_e(heading)}</h2>\n{inner}\n</section>"


def _masthead(view: SummaryView, today: datetime.date) -> str:
    return (
        '<header class="masthead">\n'
        "<div>\n"
        '<p class="kicker">dupi-triage report</p>\n'
        "<h1>A new or worse rash on dupilumab (Dupixent)</h1>\n"
        "</div>\n"
        '<dl class="meta">'
        f'<div><dt>Generated</dt><dd><time datetime="{today.isoformat()}">'
        f"{today.isoformat()}</time></dd></div>"
        f"<div><dt>Tool</dt><dd>dupi-triage {_e(view.tool_version)}</dd></div>"
        f"<div><dt>Questionnaire</dt><dd>version {_e(view.questionnaire_version)}</dd></div>"
        "</dl>\n"
        "</header>\n"
        '<p class="person"><span>Name</span><span class="blank"></span>'
        '<span>Date of birth</span><span class="blank short"></span></p>' + _about(view)
    )


def _about(view: SummaryView) -> str:
    """Who answered, the age and what dupilumab is for: one line under the name, where a
    prescriber looks for them (and two table rows fewer on paper)."""
    if not view.about:
        return ""
    items = "".join(
        f"<div><dt>{_e(row.label)}</dt><dd>{_e(row.value)}</dd></div>" for row in view.about
    )
    return f'\n<dl class="about" aria-label="Who is answering">{items}</dl>'


def _level(view: SummaryView) -> str:
    level_class = view.level if view.level in KNOWN_LEVELS else "unknown"
    parts = [
        f'<section class="level level-{level_class}" aria-label="How soon to contact the '
        'prescriber">',
        '<div class="level-word"><span class="level-caption">Level</span>'
        f"<strong>{_e(view.level_label)}</strong></div>",
        '<div class="level-text">',
        f'<p class="level-action">{_e(view.level_action)}</p>',
        "</div>",
        "</section>",
    ]
    if view.completeness:
        parts.append(f'<p class="completeness">{_e(view.completeness)}</p>')
    parts += [f'<p class="completeness">{_e(warning)}</p>' for warning in view.answer_warnings]
    if not view.red_flags_screened:
        parts.append(f'<p class="alert" role="alert">{_e(view.not_screened_warning)}</p>')
    if view.red_flags:
        parts.append(
            '<div class="alert"><p class="alert-title">Warning signs reported</p>'
            + _list(view.red_flags)
            + "</div>"
        )
    return "\n".join(part for part in parts if part)


def _advice(view: SummaryView) -> str:
    # Long lists may break across pages: kept whole they leave half a page empty.
    return _section("What to do", _list(view.advice, "advice"))


def _why(view: SummaryView) -> str:
    if not view.level_reasons:
        return ""
    return _section("Why this level", _list(view.level_reasons, "why"))


def _fit(view: SummaryView) -> str:
    """What the answers fit, with one plain sentence about the drug link (never a verdict)."""
    inner = [f"<p><strong>{_e(view.pattern_sentence)}</strong> {_e(view.pattern_summary)}</p>"]
    if view.scope_note:
        inner.append(f'<p class="note">{_e(view.scope_note)}</p>')
    if view.also_consistent_with:
        also = "; ".join(view.also_consistent_with)
        inner.append(f"<p>Also consistent with: {_e(also)}.</p>")
    inner.append(f"<p>{_e(view.drug_link_plain)}</p>")
    if view.uncommon:
        inner.append(f'<p class="note">{_e(view.uncommon)}</p>')
    return _section("What the answers fit", "\n".join(inner), "keep")


def _in_short(view: SummaryView) -> str:
    """The action again, where the person's part ends (safety rule 9: first and last)."""
    level_class = view.level if view.level in KNOWN_LEVELS else "unknown"
    return (
        f'<p class="disclaimer">{_e(view.disclaimer)}</p>\n'
        f'<p class="in-short level-{level_class}"><strong>In short: '
        f"{_e(view.level_label)}.</strong> {_e(view.level_action)}</p>"
    )


def _for_prescriber(view: SummaryView) -> str:
    return (
        f'<section class="for-later"><h2>{_e(view.detail_heading)}</h2>'
        f'<p class="note">{_e(view.detail_note)}</p></section>'
    )


def _evidence(view: SummaryView) -> str:
    if not view.pattern_evidence:
        return ""
    rows = tuple(f"{row.label}: {row.value}" for row in view.pattern_evidence)
    return _section("Answers behind the pattern", _list(rows, "compact"), "keep")


def _points(points: int) -> str:
    return f"{points:+d}" if points else "0"


def _drug_link(view: SummaryView) -> str:
    rows = "".join(
        f'<tr class="{"zero" if row.points == 0 else "scored"}">'
        f'<td class="num">{row.number}</td><td>{_e(row.item)}</td><td>{_e(row.answer)}</td>'
        f'<td class="num points">{_points(row.points)}</td><td class="source">{_e(row.source)}</td>'
        "</tr>"
        for row in view.drug_link_rows
    )
    table = (
        f'<table class="drug-link" aria-label="{_e(view.drug_link_name)}">'
        '<colgroup><col class="c-num"><col class="c-item"><col class="c-answer">'
        '<col class="c-points"><col class="c-source"></colgroup>'
        '<thead><tr><th scope="col" class="num">#</th><th scope="col">Item</th>'
        '<th scope="col">Answer</th><th scope="col" class="num">Points</th>'
        '<th scope="col">Source</th></tr></thead>'
        f"<tbody>{rows}"
        '<tr class="total"><th scope="row" colspan="3">Total</th>'
        f'<td class="num points">{view.drug_link_score}</td>'
        f"<td>{'' if view.emergency else _e(_capital(view.drug_link_category))}</td></tr></tbody>"
        "</table>"
    )
    inner = [
        f"<p><strong>{_e(view.drug_link_sentence)}</strong> {_e(view.drug_link_name)}.</p>",
        f"<p>{_e(view.drug_link_capped)}</p>" if view.drug_link_capped else "",
        table,
        f'<p class="note">{_e(view.drug_link_note)}</p>',
    ]
    return _section("Link to dupilumab", "\n".join(part for part in inner if part))


def _risk(view: SummaryView) -> str:
    inner = [f"<p>{_e(view.risk_sentence)}</p>"]
    if view.risk_rows:
        rows = "".join(
            f"<tr><td>{_e(row.label)}</td><td>{_e(row.description)}</td>"
            f"<td>{_e(row.impact)}</td></tr>"
            for row in view.risk_rows
        )
        inner.append(
            '<table class="risk"><thead><tr><th scope="col">Factor</th>'
            '<th scope="col">What the article says</th><th scope="col">Impact on risk</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    return _section("Risk factors", "\n".join(inner), "keep")


def _answers(view: SummaryView) -> str:
    inner = [_answers_table(view.answers)]
    if view.missing and not view.emergency:
        inner.append(
            f'<p class="missing"><strong>Not answered:</strong> {_e(", ".join(view.missing))}.</p>'
        )
    answered = {f"{row.label}: {row.value}" for row in view.about + view.answers}
    answered.add(f"The answers are consistent with {view.pattern_label}.")
    extra = [line for line in view.tell_your_prescriber if line not in answered]
    if extra:
        inner.append(f'<p class="lead-in">{_e(view.tell_heading)}, also:</p>' + _list(extra))
    return _section("Your answers", "\n".join(inner))


# An answer longer than this gets a row of its own, across the page: in a quarter-width cell it
# would stand many lines tall beside a one-word answer.
LONG_ANSWER = 70


def _answers_table(rows: tuple[Row, ...]) -> str:
    """Answers in order, row after row: short ones two to a row (left, then right), long ones
    across the whole row. The order holds wherever a page break falls.

    (Two tables side by side read 1-4 and 8-11 on one page, 5-7 and 12-16 on the next.)
    """
    body: list[str] = []
    pending: Row | None = None

    def cell(row: Row, span: int = 1) -> str:
        wide = f' colspan="{span}"' if span > 1 else ""
        return f'<th scope="row">{_e(row.label)}</th><td{wide}>{_e(row.value)}</td>'

    for row in rows:
        if len(row.value) > LONG_ANSWER:
            if pending is not None:
                body.append(f'<tr>{cell(pending)}<td class="empty" colspan="2"></td></tr>')
                pending = None
            body.append(f'<tr class="wide">{cell(row, 3)}</tr>')
        elif pending is None:
            pending = row
        else:
            body.append(f"<tr>{cell(pending)}{cell(row)}</tr>")
            pending = None
    if pending is not None:
        body.append(f'<tr>{cell(pending)}<td class="empty" colspan="2"></td></tr>')
    heading = '<th scope="col">Question</th><th scope="col">Answer</th>'
    return (
        '<table class="answers"><colgroup><col class="c-q"><col class="c-a"><col class="c-q">'
        f'<col class="c-a"></colgroup><thead><tr>{heading * 2}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _notes() -> str:
    lines = '<div class="line"></div>' * NOTE_LINES
    return (
        '<section class="notes" aria-label="Notes for the prescriber">\n'
        "<h2>Prescriber's notes</h2>\n"
        f'<div class="notes-box">{lines}'
        '<p class="signed"><span>Reviewed by</span><span class="blank"></span>'
        '<span>Date</span><span class="blank short"></span></p></div>\n'
        "</section>"
    )


def _diary(view: SummaryView) -> str:
    """The diary's chart (inline SVG: no scripts, hatching that prints in black and white)."""
    diary = view.diary
    if diary is None:
        return ""
    table = "".join(
        f"<tr><td>{_e(r.day)}</td><td>{_e(r.kind)}</td><td>{_e(r.details)}</td></tr>"
        for r in diary.rows
    )
    groups: list[tuple[str, list[str]]] = []
    for line in diary.timing:
        if line.startswith("    ") and groups:
            groups[-1][1].append(line.strip())
        else:
            groups.append((line, []))
    timing = (
        '<ul class="diary-timing">'
        + "".join(f"<li>{_e(answer)}{_list(evidence)}</li>" for answer, evidence in groups)
        + "</ul>"
    )
    return _section(
        "Your diary",
        f'<p>{_e(diary.intro)}</p>\n<figure class="diary-chart">{diary.svg()}</figure>\n'
        f"<h3>What the diary says about timing (our own heuristics)</h3>\n{timing}\n"
        f"{_printed_entries(len(diary.rows))}"
        '<h3 class="diary-entries-heading">Entries</h3>\n'
        '<table class="diary-entries"><thead><tr><th>Date</th><th>Entry</th><th>Details</th>'
        f"</tr></thead><tbody>{table}</tbody></table>",
        "diary",
    )


def _printed_entries(count: int) -> str:
    """On paper the list of entries is left out (the report stays on two pages): say so there."""
    return (
        f'<p class="print-only note">The {count} entries behind the chart are listed in this '
        "report on screen, and by 'dupi-triage diary show'.</p>"
    )


def _sources(view: SummaryView) -> str:
    """The sources name their documents by short words; the key spells them out for a reader."""
    items = "".join(f"<li>{_e(source)}</li>" for source in view.sources)
    key = "".join(
        f"<div><dt>{_e(word)}</dt><dd>{_e(meaning)}</dd></div>" for word, meaning in view.source_key
    )
    return _section(
        "Sources", f'<ol class="sources">{items}</ol>\n<dl class="source-key">{key}</dl>'
    )


def _footer(view: SummaryView) -> str:
    return (
        '<footer class="colophon">'
        f"<p>Made by dupi-triage {_e(view.tool_version)} (questionnaire "
        f"{_e(view.questionnaire_version)}) on this computer; nothing was sent anywhere.</p>"
        "</footer>"
    )
