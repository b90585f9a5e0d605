"""Run the README's two set-up lines exactly as printed, in a fresh copy of the repository.

On current Debian and Ubuntu the system Python refuses `pip install` outside a virtual
environment (PEP 668), so the README's lines create (or reuse) one themselves. This proves they
work as written: the lines are read from the README, not copied here, and run with `sh -c` in a
clean copy (no virtual environment, no build left over). The first line ends in the interactive
questionnaire: it runs in a pseudo-terminal until the first question shows, then Ctrl-C must
stop it with exit code 130. The second must exit 0 (it installs the test extra and runs pytest).

Usage: python .ci/readme_setup.py [--print]   (--print only shows the lines it would run)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The key hint is drawn by prompt_toolkit, once the terminal is in raw mode: a Ctrl-C sent
# earlier (at the section's intro) reaches the shell as SIGINT as well, and sh then dies of it.
FIRST_QUESTION = "Use the arrow keys"
INSTALL_TIMEOUT = 900


def setup_lines(readme: str) -> list[str]:
    """The command lines of the first ```sh block under "## Set-up"."""
    section = readme.split("\n## Set-up", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    if block is None:
        raise SystemExit("README: no ```sh block under '## Set-up'")
    return [line for line in block.group(1).splitlines() if line.strip()]


def fresh_copy(into: Path) -> Path:
    """The committed files only, as a new clone would have them, with ../shared beside them."""
    copy = into / ROOT.name
    subprocess.run(["git", "clone", "--quiet", "--no-local", str(ROOT), str(copy)], check=True)
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (into / "shared").symlink_to(shared)
    return copy


def run_interactive(line: str, cwd: Path) -> None:
    import pexpect

    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if ".ci-venv" not in p
    )
    child = pexpect.spawn(
        "sh", ["-c", line], cwd=str(cwd), env={**env, "TERM": "xterm"}, encoding="utf-8",
        codec_errors="replace", timeout=INSTALL_TIMEOUT, dimensions=(40, 80),
    )  # fmt: skip
    child.logfile_read = sys.stdout
    child.expect(FIRST_QUESTION)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    if child.exitstatus != 130:
        raise SystemExit(f"line 1 ended with {child.exitstatus}, not 130 after Ctrl-C: {line}")


def run_plain(line: str, cwd: Path) -> None:
    # As a person runs it: not CI. The copy has no npm packages, so the LHC-Forms round trip
    # skips here, saying why; .ci/run's own pytest runs it, where CI=true makes it required.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "CI")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if ".ci-venv" not in p
    )
    result = subprocess.run(["sh", "-c", line], cwd=cwd, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"line 2 exited {result.returncode}: {line}")


def main() -> None:
    lines = setup_lines((ROOT / "README.md").read_text(encoding="utf-8"))
    if len(lines) != 2:
        raise SystemExit(f"README set-up: expected two lines, found {len(lines)}")
    if "--print" in sys.argv:
        print("\n".join(lines))
        return
    with tempfile.TemporaryDirectory(prefix="readme-setup-") as folder:
        copy = fresh_copy(Path(folder))
        print(f"+ (in a fresh copy) {lines[0]}", flush=True)
        run_interactive(lines[0], copy)
        print(f"\n+ (same copy) {lines[1]}", flush=True)
        run_plain(lines[1], copy)
        shutil.rmtree(copy / ".venv", ignore_errors=True)
    print("README set-up lines: both work as printed.")


if __name__ == "__main__":
    main()
