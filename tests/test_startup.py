"""Start-up stays light: each run imports only what its output needs (timings: benchmarks/)."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer

from dupi_triage.questionnaire import Questionnaire
from tests.conftest import ORDINARY_FLARE

HEAVY = ("questionary", "prompt_toolkit", "rich")


def probed(args: list[str], report: str, *, setup: str = "", stdin: str = "") -> Any:
    """Run `main(args)` in a fresh process after `setup`; what `report` evaluates to then (before
    the probe itself imports json), as JSON."""
    probe = (
        "import sys, io, contextlib\n"
        f"{setup}\n"
        "from dupi_triage.cli import main\n"
        "quiet = contextlib.redirect_stdout(io.StringIO())\n"
        "with quiet, contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main({args!r})\n"
        f"reported = {report}\n"
        "import json\n"
        "print(json.dumps(reported))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def imported_after(args: list[str], stdin: str = "") -> list[str]:
    heavy: list[str] = probed(
        args, f"sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))", stdin=stdin
    )
    return heavy


def modules_after(args: list[str], prefix: str) -> list[str]:
    loaded: list[str] = probed(args, f"sorted(m for m in sys.modules if m.startswith({prefix!r}))")
    return loaded


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_a_document_format_needs_neither_prompts_nor_rich(fmt: str, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ORDINARY_FLARE))
    assert (
        imported_after(["assess", "--no-input", "--answers", str(answers), "--format", fmt]) == []
    )


def test_batch_without_a_terminal_needs_neither_prompts_nor_rich(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps(ORDINARY_FLARE) + "\n")
    assert imported_after(["batch", str(rows)]) == []


def test_the_terminal_summary_needs_rich_but_not_the_prompts(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ORDINARY_FLARE))
    assert imported_after(["assess", "--no-input", "--answers", str(answers)]) == ["rich"]


@pytest.mark.parametrize(
    "args",
    [["--version"], ["questions", "--format", "json"], ["diary", "dose", "--date", "today"]],
    ids=["--version", "questions", "diary dose"],
)
def test_a_command_that_scores_nothing_never_loads_the_scoring(
    args: list[str], tmp_path: Path
) -> None:
    if args[0] == "diary":
        args = [*args, "--diary", str(tmp_path / "diary.sqlite")]
    assert modules_after(args, "dupi_triage.scoring") == []


JSON_RUN = ["assess", "--no-input", "--red-flags", "none", "--itch", "3", "--format", "json"]


@pytest.mark.parametrize("prefix", ["dupi_triage.questionnaire", "dataclasses", "json", "calendar"])
def test_a_dose_needs_neither_the_questionnaire_nor_dataclasses_nor_json(
    prefix: str, tmp_path: Path
) -> None:
    # A dose has no answers: the questionnaire's modules and json cost it 3 ms, a dataclass
    # 0.5 ms to define, calendar (for a mistyped date's message) 1 ms (benchmarks/bench.py).
    args = ["diary", "dose", "--date", "today", "--diary", str(tmp_path / "diary.sqlite")]
    assert modules_after(args, prefix) == []


@pytest.mark.parametrize("prefix", ["statistics", "dataclasses"])
def test_diary_show_needs_neither_statistics_nor_dataclasses(prefix: str, tmp_path: Path) -> None:
    # statistics brings fractions, decimal and random: 3 ms of `diary show` (benchmarks/bench.py).
    path = tmp_path / "diary.sqlite"
    for day in ("2026-01-01", "2026-01-15", "2026-01-29"):
        modules_after(["diary", "dose", "--date", day, "--diary", str(path)], "dupi_triage")
    modules_after(
        ["diary", "skin", "--itch", "4", "--date", "2026-01-02", "--diary", str(path)], "x"
    )
    assert modules_after(["diary", "show", "--diary", str(path)], prefix) == []


def test_the_json_path_defines_no_dataclass() -> None:
    # Defining a frozen dataclass costs every start 0.4 to 0.7 ms (benchmarks/bench.py).
    assert modules_after(JSON_RUN, "dataclasses") == []


BUILT = (
    "import typer.main\n"
    "built = []\n"
    "_build = typer.main.get_command_from_info\n"
    "def _counting(*info, **settings):\n"
    "    built.append((info[0] if info else settings['command_info']).name)\n"
    "    return _build(*info, **settings)\n"
    "typer.main.get_command_from_info = _counting\n"
)


@pytest.mark.parametrize(
    ("args", "expected"),
    [(JSON_RUN, ["assess"]), (["diary", "dose", "--date", "today"], ["dose"])],
    ids=["assess", "diary dose"],
)
def test_a_run_builds_only_the_command_it_runs(
    args: list[str], expected: list[str], tmp_path: Path
) -> None:
    if args[0] == "diary":
        args = [*args, "--diary", str(tmp_path / "diary.sqlite")]
    assert probed(args, "built", setup=BUILT) == expected


PARSES = (
    "import dupi_triage.questionnaire_loader as loader\n"
    "parsed = []\n"
    "_parse = loader.parse_questionnaire\n"
    "def _counting(data, *voice):\n"
    "    parsed.append(list(voice))\n"
    "    return _parse(data, *voice)\n"
    "loader.parse_questionnaire = _counting\n"
)


def test_a_run_words_the_questionnaire_only_for_whoever_answers() -> None:
    """The flags' help, worded for anyone, is written only for --help and completion."""
    assert probed(JSON_RUN, "parsed", setup=PARSES) == [[]]
    respondent = [*JSON_RUN, "--respondent", "parent_or_carer"]
    assert probed(respondent, "parsed", setup=PARSES) == [[], ["parent_or_carer", "eczema"]]


@pytest.mark.parametrize("command_path", [("assess",), ("diary", "skin"), ("diary", "edit")])
def test_the_question_flags_are_the_options_typer_would_build(
    command_path: tuple[str, ...], questionnaire: Questionnaire
) -> None:
    """The question flags are made without Typer reading a signature (start-up): the same
    options it builds from `Annotated[list[str] | None, typer.Option(...)]` (`str | None` for
    a single value in the diary), help and completion aside."""
    from dupi_triage.cli import app
    from dupi_triage.diary.commands import command as diary_command
    from dupi_triage.options import METAVARS, QuestionOption

    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    ours = (
        root.commands["assess"] if command_path == ("assess",) else diary_command(command_path[1])
    )
    made = {p.name: p for p in ours.params if isinstance(p, QuestionOption)}
    assert len(made) >= 5

    def typers(**values: Any) -> None:
        """Typer's own build of the same flags."""

    parameters = []
    for name, option in made.items():
        question = questionnaire.question(name or "")
        kind: Any = list[str] | None if option.multiple else str | None
        info = typer.Option(
            question.flag,
            metavar=METAVARS[question.type],
            show_default=False,
            rich_help_panel=option.rich_help_panel,
        )
        parameters.append(
            inspect.Parameter(
                question.id,
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[kind, info],
            )
        )
    typers.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    single = typer.Typer(add_completion=False)
    single.command()(typers)
    built = typer.main.get_command(single)
    context = typer.Context(built)
    assert [param.name for param in built.params] == list(made)
    for param in built.params:
        assert isinstance(param, typer.core.TyperOption)
        option = made[param.name]
        theirs_attributes = {k: v for k, v in vars(param).items() if k != "help"}
        ours_attributes = {k: v for k, v in vars(option).items() if k != "help"}
        for extra in ("question", "questionnaire", "conditions", "note", "complete_values"):
            ours_attributes.pop(extra)
        assert ours_attributes == theirs_attributes, param.name
        assert option.make_metavar(context) == param.make_metavar(context)


def test_what_start_up_made_is_frozen_out_of_the_collector_which_then_runs() -> None:
    """The collector skips the objects the imports made (about 10 ms a run), and still runs
    for everything after: a long walk or a million-row batch frees its garbage."""
    probe = (
        "import gc, io, sys, contextlib\n"
        f"sys.argv = ['dupi-triage', *{JSON_RUN!r}]\n"
        "from dupi_triage.__main__ import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main()\n"
        "print(code, gc.isenabled(), gc.get_freeze_count())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    code, enabled, frozen = result.stdout.split()
    assert (code, enabled) == ("0", "True")
    assert int(frozen) > 10_000, "Typer's and our modules' objects"


FIRST_QUESTION = (
    "import io, sys\n"
    "from prompt_toolkit.data_structures import Size\n"
    "from prompt_toolkit.input import create_pipe_input\n"
    "from prompt_toolkit.output.vt100 import Vt100_Output\n"
    "from dupi_triage.answers import parse_answers\n"
    "from dupi_triage.prompts import Interrupted, TerminalNotes, run_questionnaire\n"
    "from dupi_triage.questionnaire_loader import load_questionnaire\n"
    "class Recorder(io.StringIO):\n"
    "    loaded = None\n"
    "    def write(self, text):\n"
    "        if self.loaded is None and 'warning signs' in text.lower():\n"
    "            Recorder.loaded = sorted(m for m in sys.modules if m.startswith(%r))\n"
    "        return super().write(text)\n"
    "screen = Recorder()\n"
    "output = Vt100_Output(screen, lambda: Size(rows=60, columns=100), enable_cpr=False)\n"
    "questionnaire = load_questionnaire()\n"
    "with create_pipe_input() as pipe:\n"
    "    pipe.close()\n"
    "    try:\n"
    "        notes = TerminalNotes(screen, colour=False)\n"
    "        run_questionnaire(questionnaire, parse_answers(questionnaire, {}), console=notes,\n"
    "                          input=pipe, output=output)\n"
    "    except (Interrupted, EOFError, KeyboardInterrupt):\n"
    "        pass\n"
    "import json\n"
    "print(json.dumps(Recorder.loaded))\n"
)


def test_the_first_question_is_drawn_before_the_scoring_is_loaded() -> None:
    """Nothing answered describes no warning sign: the check waits for the first answer."""
    result = subprocess.run(
        [sys.executable, "-c", FIRST_QUESTION % "dupi_triage.scoring"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout) == []


def test_no_warning_sign_is_described_before_any_answer(questionnaire: Questionnaire) -> None:
    """What lets the first question come before the scoring: no answers describe no sign."""
    from dupi_triage.answers import parse_answers
    from dupi_triage.scoring.triage import warning_signs

    assert warning_signs(questionnaire, parse_answers(questionnaire, {})) == ()
