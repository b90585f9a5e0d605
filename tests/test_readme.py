"""The README's examples are what the tool really prints."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from tests.conftest import PROJECT_ROOT, RunCli

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _console_blocks() -> list[tuple[list[str], list[str]]]:
    """Each ```console block as (command arguments, the lines shown after it)."""
    blocks = []
    for body in re.findall(r"```console\n(.*?)```", README, flags=re.DOTALL):
        lines = body.splitlines()
        command = lines.pop(0)
        while command.endswith("\\"):
            command = command[:-1] + lines.pop(0)
        blocks.append((shlex.split(command.removeprefix("$ ")), lines))
    return blocks


def test_the_flags_example_prints_what_the_readme_shows(run_cli: RunCli) -> None:
    [(args, shown)] = [
        (args, shown)
        for args, shown in _console_blocks()
        if args[:3] == ["dupi-triage", "assess", "--no-input"] and "   ..." in shown
    ]
    result = run_cli(*args[1:])
    assert result.code == 0
    expected = shown[: shown.index("   ...")]
    assert result.out.splitlines()[: len(expected)] == expected


def test_the_contradiction_example_is_refused_as_the_readme_shows(run_cli: RunCli) -> None:
    [(args, shown)] = [
        (args, shown) for args, shown in _console_blocks() if "--treatment-duration" in args
    ]
    result = run_cli(*args[1:])
    assert result.code == 2
    assert result.err.splitlines() == shown


def test_the_answers_file_example_gives_what_the_readme_shows(
    run_cli: RunCli, tmp_path: Path
) -> None:
    [(_, shown)] = [
        (args, shown) for args, shown in _console_blocks() if args == ["cat", "answers.json"]
    ]
    document = json.loads(
        " ".join(shown[: shown.index(next(s for s in shown if s.startswith("$")))])
    )
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(document))
    result = run_cli("assess", "--no-input", "--answers", str(answers), "--format", "json")
    output = json.loads(result.out)
    quoted = [line for line in shown if not line.startswith(("$", "{", " "))]
    assert quoted == [
        json.dumps(output["level"]),
        json.dumps(output["pattern"]),
        str(output["drug_link"]["score"]),
    ]
