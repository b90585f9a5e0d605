"""The command as the person ran it, for every command the tool suggests.

After the README's own set-up the tool is `.venv/bin/dupi-triage` (or `python -m dupi_triage`),
not a `dupi-triage` on the PATH: a hint that says `dupi-triage assess ...` would fail with
"command not found". So a suggested command starts the way this run was started, shell-quoted.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys

from dupi_triage import PROG

MODULE = "dupi_triage"


def invoked() -> str:
    """`.venv/bin/dupi-triage`, `python3 -m dupi_triage`, or `dupi-triage` when that is on the
    PATH and is this very program. Anything else (a test runner, an embedding) gets PROG."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name in (MODULE, f"{MODULE}.__main__"):
        python = sys.orig_argv[0] if sys.orig_argv else sys.executable
        return shlex.join([python, "-m", MODULE])
    typed = sys.argv[0] if sys.argv else ""
    name = os.path.basename(typed)
    if os.path.splitext(name)[0] != PROG:
        return PROG
    found = shutil.which(PROG)
    if found is not None and _same_file(found, typed):
        return PROG
    return shlex.quote(typed)


def _same_file(one: str, other: str) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False
