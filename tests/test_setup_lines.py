"""The README's set-up lines work on a system Python that refuses pip (PEP 668).

CI runs them as printed (`.ci/readme_setup.py`); this checks their shape on every test run: each
line makes or reuses a virtual environment before it installs, and runs only what it installed.
"""

from __future__ import annotations

import importlib.util
import shlex
from types import ModuleType

from tests.conftest import PROJECT_ROOT


def _setup_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "readme_setup", PROJECT_ROOT / ".ci/readme_setup.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_readme_setup_line_installs_into_its_own_virtual_environment() -> None:
    lines = _setup_script().setup_lines((PROJECT_ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(lines) == 2
    for line in lines:
        steps = [shlex.split(step) for step in line.split("&&")]
        assert steps[0] == ["python3", "-m", "venv", ".venv"], line
        for program, *_ in steps[1:]:
            assert program.startswith(".venv/bin/"), f"{program!r} is not the venv's own: {line}"
    assert any("dupi-triage" in line for line in lines)
    assert any("'.[test]'" in line and "pytest" in line for line in lines)
