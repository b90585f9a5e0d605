"""Regenerate the screenshot set in docs/: terminal captures as text, the HTML report as PNG pages.

    python docs/make_screens.py

Needs tmux (the terminal captures, 80 columns, read with `tmux capture-pane`), chromium and
poppler-utils (the report printed to PDF, then one PNG per page with pdftoppm). Each run uses a
new temporary home and working folder, so no diary or earlier report changes what is shown.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dupi_triage.answers import is_applicable, parse_answers  # noqa: E402
from dupi_triage.questionnaire import NONE_OPTION, RED_FLAGS  # noqa: E402
from dupi_triage.questionnaire_loader import load_questionnaire  # noqa: E402

SCREENS = ROOT / "docs" / "screens"
SOCKET = "dupi-triage-docs"
DOWN = "Down"
# The walk shown: an ordinary eczema flare, a paused dose (so that follow-ups are added).
OWN_WORDS = "It started after I changed washing powder; photos on my phone."
ANSWERS: dict[str, object] = {
    "red_flags": ["none"],
    "respondent": "self",
    "age_band": "adult",
    "indication": "atopic_dermatitis",
    "pregnancy": "neither",
    "onset": "before_starting",
    "injection_pattern": "no",
    "location": ["usual_eczema_areas", "new_areas"],
    "look": ["typical_eczema"],
    "itch": 6,
    "impact": "some",
    "dose_paused": "yes",
    "improved_on_pause": "unsure",
    "returned_on_restart": "not_restarted",
    "usual_treatment_helps": "partly",
    "alternative_causes": ["stress_or_sleep"],
    "similar_before": "no",
    "confirmed_by_clinician": "no",
    "risk_factors": ["none"],
}


class Tmux:
    def __init__(self, command: str, *, columns: int, rows: int, cwd: Path, home: Path) -> None:
        self.name = f"s{columns}"
        env = f"env HOME={shlex.quote(str(home))} TERM=xterm-256color"
        script = f"cd {shlex.quote(str(cwd))} && {env} {command}; sleep 600"
        self._tmux("new-session", "-d", "-s", self.name, "-x", str(columns), "-y", str(rows),
                   script)  # fmt: skip

    def _tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=True
        ).stdout

    def screen(self) -> str:
        text = self._tmux("capture-pane", "-p", "-t", self.name)
        return "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines()).strip("\n")

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while " ".join(text.split()) not in " ".join(self.screen().split()):
            if time.monotonic() > deadline:
                raise SystemExit(f"never saw {text!r}:\n{self.screen()}")
            time.sleep(0.2)
        time.sleep(0.4)  # let the redraw finish

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def save(self, name: str) -> None:
        (SCREENS / name).write_text(self.screen() + "\n", encoding="utf-8")
        print(f"docs/screens/{name}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", self.name], check=False)


def chosen(question_id: str) -> object:
    """The walk's answer: from ANSWERS, else the first option ("none" where there is one)."""
    question = load_questionnaire().question(question_id)
    if question_id in ANSWERS:
        return ANSWERS[question_id]
    if question.type == "text":
        return OWN_WORDS
    if question.type == "integer":
        return question.min
    if question.type == "multi":
        return [NONE_OPTION if NONE_OPTION in question.option_ids else question.option_ids[0]]
    return question.option_ids[0]


def answer_keys(question_id: str, given: dict[str, object]) -> list[str]:
    """Keys that give chosen(question_id): an option's number, or from the first option."""
    question = load_questionnaire().question(question_id)
    value = chosen(question_id)
    if question.type in ("integer", "text"):
        return [str(value), "Enter"]
    if question.type == "single":  # its number: Enter alone on an untouched choice waits
        earlier = parse_answers(load_questionnaire(), given).values
        offered = [option.id for option in question.offered(earlier)]
        return [str(offered.index(str(value)) + 1), "Enter"]
    keys: list[str] = []
    position = 0
    assert isinstance(value, list)
    for option_id in value:
        index = question.option_ids.index(option_id)
        keys += [DOWN] * (index - position) + ["Space"]
        position = index
    return [*keys, "Enter"]


def terminal_captures(work: Path, home: Path) -> None:
    questionnaire = load_questionnaire()
    tool = f"{shlex.quote(sys.executable)} -m dupi_triage"
    term = Tmux(tool, columns=80, rows=40, cwd=work, home=home)
    try:
        term.wait_for(questionnaire.question(RED_FLAGS).text)
        term.save("01-warning-signs-80-columns.txt")
        term.keys("Enter")
        term.wait_for("Nothing is picked yet")
        term.save("02-enter-with-nothing-picked.txt")
        term.keys("a")
        term.keys("Enter")
        term.wait_for("cannot be picked with other options")
        term.save("03-select-all-then-enter.txt")
        term.keys("a")  # clear them all again
        none_index = questionnaire.question(RED_FLAGS).option_ids.index(NONE_OPTION)
        term.keys(*[DOWN] * none_index)
        term.keys("Space", "Enter")
        given: dict[str, object] = {RED_FLAGS: [NONE_OPTION]}
        follow_up_saved = False
        for question in questionnaire:
            if question.id == RED_FLAGS:
                continue
            if not is_applicable(question, parse_answers(questionnaire, given)):
                continue
            term.wait_for(question.text)
            if "follow-up question" in term.screen() and not follow_up_saved:
                term.save("04-follow-up-added.txt")
                follow_up_saved = True
            if question.type == "text":
                term.save("05-own-words.txt")
            term.keys(*answer_keys(question.id, given))
            given[question.id] = chosen(question.id)
        term.wait_for("Review your answers")
        term.save("06-review.txt")
        term.keys("Enter")
        term.wait_for("Save this report")
        term.save("07-summary-end-and-report-offer.txt")
        term.keys("y")
        term.wait_for("Saved the report")
        term.save("08-report-saved.txt")
    finally:
        term.close()

    narrow = Tmux(tool, columns=40, rows=40, cwd=work, home=home)
    try:
        narrow.wait_for(questionnaire.question(RED_FLAGS).text)
        narrow.keys(DOWN, DOWN)
        time.sleep(0.5)
        narrow.save("09-warning-signs-40-columns.txt")
        narrow.keys("C-c")
        narrow.wait_for("Nothing was saved")
        narrow.save("10-ctrl-c-40-columns.txt")
    finally:
        narrow.close()


def report_pages(work: Path) -> None:
    """The report saved by the walk above, printed by Chromium, one PNG per A4 page."""
    [page] = sorted(work.glob("dupi-triage-report-*.html"))
    browser = os.environ.get("CHROMIUM") or shutil.which("chromium") or "chromium"
    pdf = work / "report.pdf"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--user-data-dir={work / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    for old in (ROOT / "docs").glob("report-page-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", str(pdf), str(ROOT / "docs" / "report-page")], check=True
    )
    for png in sorted((ROOT / "docs").glob("report-page-*.png")):
        print(png.relative_to(ROOT))


def main() -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    for old in SCREENS.glob("*.txt"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="dupi-screens-") as folder:
        work, home = Path(folder) / "work", Path(folder) / "home"
        work.mkdir()
        home.mkdir()
        terminal_captures(work, home)
        report_pages(work)


if __name__ == "__main__":
    main()
