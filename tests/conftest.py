"""Shared fixtures: the questionnaire, answer sets a person might give, and ways to run the CLI."""

from __future__ import annotations

import copy
import html
import io
import os
import re
import signal
import subprocess
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dupi_triage.answers import Answers, parse_answers
from dupi_triage.cli import main
from dupi_triage.questionnaire import DEFAULT_PATH, Questionnaire
from dupi_triage.questionnaire_loader import load_questionnaire
from dupi_triage.render import FORMATS, TERMINAL, render_document
from dupi_triage.scoring import assess
from dupi_triage.scoring.model import Assessment


def pytest_configure(config: pytest.Config) -> None:
    """Give the programs under test the signals a person's terminal gives them.

    A suite started under `nohup`, or as a background job of a script, inherits SIGHUP or Ctrl-C
    ignored, and passes that on to every program it starts: the tests that send those signals
    would then see them ignored, as the program rightly leaves an ignored signal ignored.
    """
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGHUP) == signal.SIG_IGN:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)


PROJECT_ROOT = Path(__file__).resolve().parents[1]
CURRENT_VERSION = load_questionnaire().version

# A complete, unremarkable answer set: an ordinary eczema flare with nothing worrying. Its level is
# `routine`, so a test can change one answer and see that answer alone raise the level.
ORDINARY_FLARE: dict[str, object] = {
    "red_flags": ["none"],
    "respondent": "self",
    "age_band": "adult",
    "indication": "atopic_dermatitis",
    "pregnancy": "neither",
    "onset": "before_starting",
    "treatment_duration": "4_to_12_months",
    "injection_pattern": "no",
    "location": ["usual_eczema_areas"],
    "look": ["typical_eczema"],
    "other_symptoms": ["none"],
    "itch": 3,
    "impact": "some",
    "dose_paused": "no",
    "usual_treatment_helps": "yes",
    "overall_course": "better",
    "alternative_causes": ["stress_or_sleep"],
    "similar_before": "no",
    "confirmed_by_clinician": "no",
    "risk_factors": ["none"],
}


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


RunCli = Callable[..., CliResult]
Assess = Callable[[Mapping[str, object]], Assessment]
Render = Callable[[Assessment, str], str]
# Every output format the product offers, the terminal summary included.
ALL_FORMATS = FORMATS


@pytest.fixture(autouse=True)
def _no_personal_diary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or write the diary of whoever runs them (diary tests set their own)."""
    monkeypatch.setenv("DUPI_TRIAGE_DIARY", str(tmp_path / "no-diary-here.sqlite"))


@pytest.fixture(autouse=True)
def state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Answers kept by a stopped walk go to this test's own state folder, never the user's."""
    folder = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture
def questionnaire_data() -> dict[str, Any]:
    """The real questionnaire.toml as a plain dict, fresh for each test to mutate."""
    with DEFAULT_PATH.open("rb") as handle:
        return copy.deepcopy(tomllib.load(handle))


@pytest.fixture
def ordinary_flare() -> dict[str, object]:
    return copy.deepcopy(ORDINARY_FLARE)


@pytest.fixture
def answers_from(questionnaire: Questionnaire) -> Callable[[Mapping[str, object]], Answers]:
    """Parse raw answers the way an answers file is parsed."""

    def parse(raw: Mapping[str, object]) -> Answers:
        return parse_answers(questionnaire, raw)

    return parse


@pytest.fixture
def assessed(questionnaire: Questionnaire) -> Assess:
    """Score raw answers (as an answers file would hold them)."""

    def score(raw: Mapping[str, object]) -> Assessment:
        return assess(questionnaire, parse_answers(questionnaire, raw))

    return score


@pytest.fixture
def render_as(questionnaire: Questionnaire) -> Render:
    """An assessment as the person would read it in a format (HTML as its visible text).

    A format whose renderer cannot be imported here (an optional dependency missing) is skipped,
    visibly, rather than passed.
    """

    def render(assessment: Assessment, fmt: str) -> str:
        if fmt == TERMINAL:
            from rich.console import Console

            from dupi_triage.render.terminal import print_summary

            buffer = io.StringIO()
            print_summary(
                Console(file=buffer, width=80, color_system=None), questionnaire, assessment
            )
            return buffer.getvalue()
        try:
            text = render_document(fmt, questionnaire, assessment)
        except ImportError as error:
            pytest.skip(f"the {fmt} renderer cannot run here: {error}")
        return _visible_text(text) if fmt == "html" else text

    return render


def _visible_text(page: str) -> str:
    """What a reader of an HTML page sees: no style sheet, no tags, entities decoded."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.DOTALL | re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run `dupi-triage ARGS` in this process; returns exit code, stdout and stderr."""

    def run(*args: str) -> CliResult:
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def run_module(
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: int | None = subprocess.DEVNULL,
    cwd: Path | None = None,
    preexec_fn: Callable[[], Any] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m dupi_triage ARGS` in a fresh interpreter, without a terminal."""
    full_env = {**os.environ, "COLUMNS": "80", **(env or {})}
    full_env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "dupi_triage", *args],
        capture_output=True,
        text=True,
        env=full_env,
        stdin=stdin,
        cwd=cwd or PROJECT_ROOT,
        timeout=60,
        check=False,
        preexec_fn=preexec_fn,
    )


@pytest.fixture
def run_subprocess() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_module
