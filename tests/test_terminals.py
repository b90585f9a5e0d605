"""Every terminal, and none: pipes, cron, narrow and wide screens, dumb ones, screen readers."""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys
import unicodedata

import pytest

from tests.conftest import ORDINARY_FLARE, run_module

ANSI = re.compile(r"\x1b\[")
BOX_DRAWING = re.compile(r"[\u2500-\u257f]")
FACIAL_REDNESS = [
    "--red-flags=none",
    "--onset=1_to_4_months",
    "--look=redness_no_scaling",
    "--location=face_neck",
    "--risk-factors=other_skin_conditions",
    "--usual-treatment-helps=partly",
]


@pytest.mark.parametrize("stdin", [subprocess.DEVNULL, subprocess.PIPE], ids=["dev-null", "pipe"])
def test_without_a_terminal_missing_answers_exit_2_naming_no_input_and_never_hang(
    stdin: int,
) -> None:
    result = run_module("assess", "--red-flags=none", stdin=stdin)
    assert result.returncode == 2
    assert "--no-input" in result.stderr
    assert "onset" in result.stderr, "the unanswered questions are named"
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Warning" not in result.stderr, "no prompt_toolkit warnings"
    assert result.stdout == ""


def test_without_a_terminal_complete_flags_go_straight_to_the_result() -> None:
    flags = [
        f"--{key.replace('_', '-')}={','.join(value) if isinstance(value, list) else value}"
        for key, value in ORDINARY_FLARE.items()
    ]
    result = run_module("assess", *flags, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["missing"] == []


def test_answers_can_come_from_standard_input() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dupi_triage", "assess", "--no-input", "--answers=-", "-f", "json"],
        input=json.dumps({"red_flags": ["fever_or_unwell"], "itch": 3}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["level"] == "urgent"
    assert document["answers"]["itch"] == 3


@pytest.mark.parametrize("width", [40, 200])
def test_the_summary_reads_whole_at_40_and_200_columns(width: int) -> None:
    result = run_module("assess", "--no-input", *FACIAL_REDNESS, env={"COLUMNS": str(width)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "…" not in result.stdout, "no word is cut short"
    flat = " ".join(result.stdout.split())
    assert "SOON" in flat
    assert "head and neck dermatitis (facial redness)" in flat
    assert "Contact your prescriber within 1 to 3 days." in flat
    assert "A history of psoriasis" in flat
    for item in range(1, 11):
        assert re.search(rf"\b{item}\b", result.stdout)


def test_a_dumb_terminal_gets_plain_text() -> None:
    result = run_module("assess", "--no-input", *FACIAL_REDNESS, env={"TERM": "dumb"})
    assert result.returncode == 0
    assert ANSI.search(result.stdout) is None
    assert BOX_DRAWING.search(result.stdout) is None
    assert "How soon: SOON." in result.stdout


def test_plain_mode_suits_screen_readers() -> None:
    result = run_module("assess", "--no-input", *FACIAL_REDNESS, "--plain", env={"TERM": "xterm"})
    assert result.returncode == 0
    text = result.stdout
    assert ANSI.search(text) is None
    assert BOX_DRAWING.search(text) is None
    symbols = {ch for ch in text if unicodedata.category(ch) in ("So", "Sk") or ord(ch) > 0x2FFF}
    assert symbols == set(), f"no emoji or symbols: {symbols}"
    assert "How soon: SOON. Contact your prescriber within 1 to 3 days." in " ".join(text.split())


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "xterm-256color"}])
def test_output_piped_to_a_file_carries_no_escape_codes(env: dict[str, str]) -> None:
    result = run_module("assess", "--no-input", *FACIAL_REDNESS, env=env)
    assert result.returncode == 0
    assert ANSI.search(result.stdout) is None


@pytest.mark.parametrize(
    ("flags", "label"),
    [
        (("--red-flags", "breathing_or_swelling"), "EMERGENCY"),
        (("--red-flags", "eye_pain_or_vision"), "URGENT"),
    ],
)
@pytest.mark.parametrize("how", ["--plain", "TERM=dumb"])
def test_plain_text_on_a_terminal_ends_on_an_urgent_or_emergency_action(
    flags: tuple[str, ...], label: str, how: str
) -> None:
    """Safety rule 9 on a screen reader's or a dumb terminal's screen, as in the rich summary:
    the plain text ends on the prescriber's detail, so the action comes once more, last."""
    import pexpect

    env = {"TERM": "dumb"} if how == "TERM=dumb" else {"TERM": "xterm"}
    extra = ["--plain"] if how == "--plain" else []
    child = pexpect.spawn(
        sys.executable,
        ["-m", "dupi_triage", "assess", "--no-input", *flags, *extra],
        env={**os.environ, **env, "COLUMNS": "80"},
        encoding="utf-8",
        dimensions=(50, 80),
        timeout=30,
    )
    child.expect(pexpect.EOF)
    screen = [line for line in child.before.replace("\r", "").splitlines() if line.strip()]
    last = " ".join(" ".join(screen[-4:]).split())
    assert f"{label}: " in last
    assert last.rstrip().endswith(("now.", "the morning.")), last


@pytest.mark.parametrize("width", [64, 80, 100])
def test_the_prescribers_tables_keep_every_word_of_every_cell_in_its_column(width: int) -> None:
    """The drug-link and risk tables are laid out here, not by rich: every word of the data is
    on screen, whole, and no line is wider than the screen, at each width that gets tables."""
    from dupi_triage.answers import parse_answers
    from dupi_triage.options import load_questionnaire
    from dupi_triage.render.view import summary_view
    from dupi_triage.scoring import assess

    questionnaire = load_questionnaire()
    raw = {"red_flags": ["none"], "onset": "1_to_4_months", "look": ["redness_no_scaling"]}
    raw |= {"location": ["face_neck"], "usual_treatment_helps": "partly"}
    raw |= {"risk_factors": ["other_skin_conditions", "immune_variability"]}
    assessment = assess(questionnaire, parse_answers(questionnaire, raw))
    both = "--risk-factors=immune_variability,other_skin_conditions"
    result = run_module("assess", "--no-input", *FACIAL_REDNESS, both, env={"COLUMNS": str(width)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    screen_words = result.stdout.split()
    view = summary_view(questionnaire, assessment)
    cells = [cell for row in view.drug_link_rows for cell in (row.item, row.answer, row.source)]
    cells += [cell for row in view.risk_rows for cell in row]
    for cell in cells:
        rest = iter(screen_words)  # the cell's words, in order, among the other columns'
        assert all(word in rest for word in cell.split()), f"{cell!r} is whole on screen"
    header = next(line for line in lines if line.split()[:2] == ["#", "Item"])
    assert header.split() == ["#", "Item", "Answer", "Points", "Source"]
    rule = lines[lines.index(header) + 1]
    assert set(rule) == {"\u2500"}
    assert len(rule) <= width


def test_a_table_cell_wraps_by_terminal_cells_and_cuts_only_a_word_too_long_for_its_column() -> (
    None
):
    """Wide characters take two cells; a word longer than its column is folded, not lost."""
    from rich.cells import cell_len

    from dupi_triage.render.terminal import Column, _columns

    columns = (Column("#", right=True), Column("Text", share=1), Column("More", share=1))
    wide = "\u76ae\u819a\u708e " * 12  # CJK: two cells each
    long_word = "q" * 70
    rows = [("1", wide.strip(), long_word), ("10", "short", "")]
    table = _columns(columns, rows, 64, ("", "dim"))
    lines = table.plain.splitlines()
    assert all(cell_len(line) <= 64 for line in lines)
    assert "".join(table.plain.split()).count("q") == 70
    assert table.plain.count("\u76ae\u819a\u708e") == 12
    assert lines[0].split() == ["#", "Text", "More"]
    assert set(lines[1]) == {"\u2500"}
    assert lines[2].startswith(" 1  "), "numbers right-aligned under #"
    styled = {table.plain[span.start : span.end].strip(): str(span.style) for span in table.spans}
    assert styled["10  short"] == "dim", "a row's style (the drug-link rows scoring 0) is kept"
    assert styled[lines[0].strip()] == "bold", "the header is bold"
    ascii_table = _columns(columns, [("1", "a", "b")], 64, ascii_only=True)
    assert set(ascii_table.plain.splitlines()[1]) == {"-"}


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_that_cannot_show_every_character_still_gets_the_whole_result(
    encoding: str, tmp_path: pathlib.Path
) -> None:
    """An ASCII or Latin-1 locale (or PYTHONIOENCODING): a character it cannot show becomes "?"
    on screen, never a traceback that would hide an emergency; JSON, FHIR and HTML stay UTF-8,
    as their formats are, so nothing typed is lost from them."""
    typed = "caf\u00e9 \u65b0\u3057\u3044 \U0001f62c"
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "80"}
    env["DUPI_TRIAGE_DIARY"] = str(tmp_path / "diary.sqlite")

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable, "-m", "dupi_triage", *args]
        return subprocess.run(command, capture_output=True, env=env, timeout=60, check=False)

    emergency = ["assess", "--no-input", "--red-flags=breathing_or_swelling"]
    for fmt in ("rich", "text", "markdown"):
        shown = run(*emergency, f"--anything-else={typed}", "-f", fmt)
        assert shown.returncode == 0, shown.stderr
        assert b"Traceback" not in shown.stderr
        screen = shown.stdout.decode(encoding)
        assert "Call your local emergency number now." in " ".join(screen.split())
        assert "caf" in screen
    for fmt in ("json", "fhir", "html"):
        data = run(*emergency, f"--anything-else={typed}", "-f", fmt)
        assert data.returncode == 0, data.stderr
        assert typed.encode("utf-8") in data.stdout, fmt
    added = run("diary", "skin", "--itch", "4", f"--note={typed}")
    assert added.returncode == 0, added.stderr
    for fmt in ("rich", "text", "markdown", "json", "csv"):
        listed = run("diary", "show", "-f", fmt)
        assert listed.returncode == 0, (fmt, listed.stderr)
        assert b"Traceback" not in listed.stderr
    assert typed.encode("utf-8") in run("diary", "show", "-f", "json").stdout
    chart = run("diary", "show", "-f", "rich").stdout.decode(encoding)
    assert "|#" in chart, "the chart's plain stand-ins for its block characters"


def test_a_column_takes_room_for_its_longest_word_when_another_can_give_it() -> None:
    from dupi_triage.render.terminal import Column, _columns

    columns = (Column("Item", share=3), Column("Answer", share=2), Column("Source", share=2))
    row = ("Has this kind of reaction been reported with the medicine before?",
           "fits eye inflammation (conjunctivitis)", "Naranjo item 1; article")  # fmt: skip
    for width in range(40, 72):
        lines = _columns(columns, [row], width).plain.splitlines()
        assert any("(conjunctivitis)" in line for line in lines), (width, lines)
        assert max(len(line) for line in lines) <= width


def test_bullets_wrap_by_terminal_cells_and_keep_their_indent() -> None:
    from rich.cells import cell_len

    from dupi_triage.render.terminal import _bullets

    typed = "The new medicine: \u65b0\u3057\u3044\u85ac\u3092\u4e09\u9031\u9593\u524d\u306b" * 4
    for width in (40, 64, 80):
        lines = _bullets((typed, "Short."), width).plain.splitlines()
        assert all(cell_len(line) <= width for line in lines), width
        assert lines[0].startswith("  - The new medicine:")
        assert all(line.startswith("    ") for line in lines[1:-1]), "the hanging indent"
        assert lines[-1] == "  - Short."
        assert "".join(line[4:].replace(" ", "") for line in lines[:-1]) == typed.replace(" ", "")


@pytest.mark.parametrize("how", [["--plain"], []], ids=["plain", "dumb-terminal"])
def test_plain_text_on_a_narrow_screen_fits_it(how: list[str]) -> None:
    """A screen reader's or magnifier's window is often narrow: plain text on a screen is
    wrapped to it, as the rich summary is (files and pipes keep 78 columns)."""
    from tests.pty_screen import Terminal

    env = {} if how else {"TERM": "dumb"}
    with Terminal("assess", "--no-input", *FACIAL_REDNESS, *how, columns=40, env=env) as term:
        assert term.finish() == 0
        written = bytes(term.raw).decode("utf-8").replace("\r", "").splitlines()
    assert max(len(line) for line in written) <= 40, max(written, key=len)
    assert "How soon: SOON." in " ".join(" ".join(written).split())
