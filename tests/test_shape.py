"""The shape of the package (issue 21): no two modules import each other.

A circle hides which module is the foundation: `questionnaire` holds the typed objects and its
loader reads the TOML into them; `batch_rows` scores a row for both `batch` and `batch_pool`.
Imports inside functions count too: a lazy import is still a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dupi_triage"


def _imports(module: str) -> set[str]:
    path = PACKAGE.parent / (module.replace(".", "/") + ".py")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("dupi_triage.questionnaire", "dupi_triage.questionnaire_loader"),
        ("dupi_triage.batch", "dupi_triage.batch_pool"),
    ],
)
def test_these_modules_do_not_import_each_other(first: str, second: str) -> None:
    assert not (second in _imports(first) and first in _imports(second)), (
        f"{first} and {second} import each other"
    )


def test_the_typed_questionnaire_never_imports_its_loader() -> None:
    assert "dupi_triage.questionnaire_loader" not in _imports("dupi_triage.questionnaire")
