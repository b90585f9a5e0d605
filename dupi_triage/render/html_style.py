"""The HTML report's stylesheet, inlined into every report so the file needs nothing else.

Only fonts already on the reader's computer are named: a report that fetched a web font would
tell a server that someone opened a health report. Sizes for print are in points so the page
reads like a letter; the level colours are tints with dark text, legible in black and white too.
"""

STYLE = """
.print-only { display: none; }
:root {
  --ink: #1f2328;
  --muted: #5b6470;
  --rule: #d5d9de;
  --faint: #f4f5f7;
  --accent: #4a5563;
  --tint: #f1f3f5;
  --bar: #8a94a3;
}
* { box-sizing: border-box; }
html { font-size: 15px; -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  background: #e9ecef;
  color: var(--ink);
  font-family: "Segoe UI", "Helvetica Neue", Helvetica, Arial, "Liberation Sans", "DejaVu Sans",
    sans-serif;
  font-size: 1rem;
  line-height: 1.45;
}
.report {
  max-width: 52rem;
  margin: 1.5rem auto;
  padding: 2rem 2.25rem 1.5rem;
  background: #fff;
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12);
}
h1, h2, p, ul, ol, dl, table { margin-top: 0; }
h1 { font-size: 1.45rem; line-height: 1.2; margin: 0; font-weight: 650; }
h2 {
  font-size: 0.8rem;
  letter-spacing: 0.08em;
  text-transform: uppercase;
  color: var(--muted);
  margin: 1.2rem 0 0.4rem;
  padding-bottom: 0.2rem;
  border-bottom: 1px solid var(--rule);
  break-after: avoid;
  page-break-after: avoid;
}
p { margin-bottom: 0.45rem; }
ul, ol { padding-left: 1.2rem; margin-bottom: 0.45rem; }
li { margin-bottom: 0.15rem; }
ul.compact li { margin-bottom: 0; }
.lead-in { margin-bottom: 0.15rem; }
.note, .kicker, .colophon, .sources { color: var(--muted); }
.note { font-size: 0.87em; font-style: italic; }

.masthead {
  display: flex;
  justify-content: space-between;
  align-items: flex-end;
  gap: 1.5rem;
  padding-bottom: 0.6rem;
  border-bottom: 2px solid var(--ink);
}
.kicker {
  margin: 0 0 0.15rem;
  font-size: 0.78rem;
  letter-spacing: 0.08em;
  text-transform: uppercase;
}
.meta { display: flex; gap: 1.1rem; margin: 0; font-size: 0.8rem; white-space: nowrap; }
.meta dt { color: var(--muted); font-size: 0.72rem; text-transform: uppercase;
  letter-spacing: 0.06em; }
.meta dd { margin: 0; font-weight: 600; }
.person, .signed {
  display: flex;
  align-items: flex-end;
  gap: 0.5rem;
  margin: 0.7rem 0 0.9rem;
  font-size: 0.8rem;
  color: var(--muted);
}
.blank { flex: 1 1 auto; border-bottom: 1px solid var(--muted); height: 1.1em; }
.blank.short { flex: 0 0 9rem; }
.about { display: flex; flex-wrap: wrap; gap: 0.15rem 1.4rem; margin: -0.4rem 0 0.9rem;
  font-size: 0.85rem; }
.about div { display: flex; gap: 0.35rem; }
.about dt { color: var(--muted); }
.about dt::after { content: ":"; }
.about dd { margin: 0; font-weight: 600; }

.level {
  display: flex;
  align-items: stretch;
  border: 1px solid var(--bar);
  border-left: 0.6rem solid var(--bar);
  background: var(--tint);
  border-radius: 4px;
  break-inside: avoid;
  page-break-inside: avoid;
}
.level-word {
  flex: 0 0 9.5rem;
  padding: 0.65rem 0.9rem;
  border-right: 1px solid var(--bar);
}
.level-caption {
  display: block;
  font-size: 0.72rem;
  letter-spacing: 0.08em;
  text-transform: uppercase;
  color: var(--accent);
}
.level-word strong {
  display: block;
  font-size: 1.75rem;
  line-height: 1.1;
  color: var(--accent);
  text-transform: uppercase;
  letter-spacing: 0.03em;
}
.level-text { padding: 0.65rem 0.95rem; }
.level-action { font-size: 1.12rem; font-weight: 650; margin-bottom: 0.3rem; }
.level-routine { --accent: #24592f; --tint: #edf6ef; --bar: #3f8a4e; }
.level-soon { --accent: #6b4700; --tint: #fdf5e2; --bar: #d49a1f; }
.level-urgent { --accent: #8f3508; --tint: #fdeee3; --bar: #d9631c; }
.level-emergency { --accent: #8e1414; --tint: #fbe9e9; --bar: #c42b2b; }

.completeness {
  margin: 0.4rem 0 0;
  font-style: italic;
}
.alert {
  margin: 0.6rem 0 0;
  padding: 0.5rem 0.8rem;
  border: 2px solid #b42318;
  border-radius: 4px;
  font-weight: 600;
}
.alert ul { margin: 0; font-weight: 400; }
.alert-title { margin: 0 0 0.2rem; }
.disclaimer {
  margin: 0.55rem 0 0;
  font-size: 0.85rem;
  color: var(--muted);
}

/* The action again where the person's part ends (safety rule 9). */
.in-short {
  margin: 0.55rem 0 0;
  padding: 0.4rem 0.8rem;
  border-left: 0.35rem solid var(--bar);
  background: var(--tint);
  -webkit-print-color-adjust: exact;
  print-color-adjust: exact;
}
.in-short strong { color: var(--accent); text-transform: uppercase; }
.for-later { margin-top: 1.1rem; border-top: 2px solid var(--ink); }
.for-later h2 { margin-top: 0.4rem; }

table { width: 100%; border-collapse: collapse; margin-bottom: 0.4rem; font-size: 0.88rem; }
th, td { text-align: left; vertical-align: top; padding: 0.22rem 0.45rem 0.22rem 0; }
thead th {
  font-size: 0.76rem;
  font-weight: 600;
  color: var(--muted);
  border-bottom: 1px solid var(--ink);
}
tbody tr { border-bottom: 1px solid var(--rule); }
tr { break-inside: avoid; page-break-inside: avoid; }
tbody th { font-weight: 600; }
.num { text-align: right; padding-right: 0.7rem; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
.points { font-weight: 650; }
tr.zero td { color: var(--muted); }
tr.zero .points { font-weight: 400; }
tr.total th, tr.total td { border-top: 1px solid var(--ink); font-weight: 650; }
tbody tr.total { border-bottom: 0; break-before: avoid; page-break-before: avoid; }
.source { font-size: 0.92em; color: var(--muted); }
col.c-num { width: 2.2rem; }
col.c-item { width: 27%; }
col.c-answer { width: 49%; }
col.c-points { width: 3.8rem; }
.risk td:first-child { width: 30%; }
.missing { margin-top: 0.3rem; }

.answers col.c-q { width: 16%; }
.answers col.c-a { width: 34%; }
.answers td + th[scope="row"] { padding-left: 1.2rem; }

.keep, .notes { break-inside: avoid; page-break-inside: avoid; }
.notes-box {
  border: 1.5px solid var(--ink);
  border-radius: 4px;
  padding: 0.1rem 0.9rem 0;
}
.notes-box .line { height: 1.9rem; border-bottom: 1px solid var(--rule); }
.notes-box .signed { margin: 0.7rem 0 0.45rem; }

.sources { font-size: 0.76rem; padding-left: 1.4rem; columns: 2; column-gap: 1.6rem; }
.sources li { margin-bottom: 0.12rem; break-inside: avoid; page-break-inside: avoid; }
.source-key { margin: 0.3rem 0 0; font-size: 0.76rem; color: var(--muted); }
.source-key div, .source-key dt, .source-key dd { display: inline; }
.source-key div { margin-right: 0.9rem; }
.source-key dt { font-weight: 650; margin-right: 0.3rem; }
.source-key dd { margin: 0; }
.colophon {
  margin-top: 0.9rem;
  padding-top: 0.4rem;
  border-top: 1px solid var(--rule);
  font-size: 0.8rem;
}
.colophon p { margin-bottom: 0.15rem; }

@media (max-width: 40rem) {
  .report { padding: 1.2rem; margin: 0; }
  .masthead, .level { display: block; }
  .meta { margin-top: 0.5rem; }
  .level-word { border-right: 0; border-bottom: 1px solid var(--bar); }
  .answers thead, .answers colgroup { display: none; }
  .answers tr, .answers th, .answers td { display: block; }
  .answers td + th[scope="row"] { padding-left: 0; }
  .sources { columns: 1; }
}

.diary h3 { font-size: 0.95rem; margin: 0.8rem 0 0.3rem; }
.diary-chart { margin: 0.6rem 0 0.8rem; }
.diary-chart svg { max-width: 44rem; height: auto; display: block; }
.diary-entries td:first-child, .diary-entries td:nth-child(2) { white-space: nowrap; }
.diary-timing > li { margin-bottom: 0.25rem; }
.diary-timing ul { color: var(--muted); font-size: 0.88rem; }

@page { margin: 10mm 12mm 10mm; }
@media print {
  html { font-size: 8pt; }
  html, body { background: #fff; }
  body { line-height: 1.25; }
  .report { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  h2 { margin-top: 0.55rem; }
  th, td { padding-top: 0.14rem; padding-bottom: 0.14rem; }
  .level, .level-word, .alert { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .notes-box .line { height: 5.5mm; }
  .sources, .source-key { font-size: 0.68rem; line-height: 1.15; }
  .sources { columns: 3; column-gap: 1.2rem; }
  .colophon { margin-top: 0.4rem; padding-top: 0.2rem; }
  .notes-box .signed { margin: 0.4rem 0 0.3rem; }
  .sources li { margin-bottom: 0; }
  /* Wider question cells on paper: a label wrapping to three lines beside a "Yes" wastes rows. */
  .answers col.c-q { width: 19%; }
  .answers col.c-a { width: 31%; }
  /* The prescriber's tables, denser on paper: the person's part keeps its size. */
  table.drug-link, table.risk { font-size: 0.8rem; }
  .drug-link col.c-item { width: 33%; }
  .drug-link col.c-answer { width: 43%; }
  .notes-box .line:nth-child(n+3) { display: none; }
  .for-later .note { display: none; }
  .sources, .source-key { font-size: 0.6rem; line-height: 1.1; }
  ul.why, ul.advice { margin-bottom: 0.2rem; }
  /* On paper the answers behind the pattern run on as one paragraph: they are in the table too. */
  ul.compact { padding-left: 0; list-style: none; }
  ul.compact li { display: inline; }
  ul.compact li + li::before { content: " \\2022  "; }
  /* The diary on paper: a smaller chart, the evidence close, the latest entries only. */
  .print-only { display: block; }
  .diary-chart { float: left; width: 52%; margin: 0.1rem 1rem 0.2rem 0; }
  .diary-chart svg { max-width: none; width: 100%; }
  .diary-entries-heading { clear: both; }
  .diary-timing { margin: 0.1rem 0; display: flow-root; }
  .diary h3 { margin: 0.3rem 0 0.1rem; }
  .diary-timing > li { margin-bottom: 0.05rem; }
  .diary-timing ul { font-size: 0.8rem; margin: 0; }
  .diary-entries, .diary-entries-heading { display: none; }
}
"""
