"""Re-render docs/diary-chart.png: the README's two-week diary, from the real HTML report.

    python docs/render_diary_chart.py        # needs chromium (Debian package `chromium`)

Runs the README's example commands into a temporary diary, renders `assess --from-diary
--format html`, keeps the report's style sheet and its "Your diary" section (chart and timing
answers; not the entry table), and screenshots that in headless Chromium.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
OUT = ROOT / "docs" / "diary-chart.png"


def example_commands() -> list[list[str]]:
    """The `dupi-triage diary` lines of the README's "Keeping a diary" example."""
    section = README.read_text(encoding="utf-8").split("## Keeping a diary", 1)[1]
    block = re.search(r"```console\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None, "no console block in the README's diary section"
    return [
        shlex.split(line.removeprefix("$ "))[1:]
        for line in block.group(1).splitlines()
        if line.startswith("$ dupi-triage diary ")
    ]


def main() -> int:
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        print("needs chromium: apt-get install chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "DUPI_TRIAGE_DIARY": str(Path(scratch) / "diary.sqlite")}
        tool = [sys.executable, "-m", "dupi_triage"]
        for args in example_commands():
            subprocess.run([*tool, *args], env=env, check=True, capture_output=True)
        report = subprocess.run(
            [*tool, "assess", "--from-diary", "--no-input", "--red-flags", "none", "-f", "html"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        head = report[: report.index("<body>")]
        section = re.search(r'<section class="diary">.*?</section>', report, flags=re.DOTALL)
        assert section is not None, "the report has no diary section"
        diary = re.sub(r"<h3>Entries</h3>.*?</table>", "", section.group(0), flags=re.DOTALL)
        diary = diary.replace(
            str(Path(scratch) / "diary.sqlite"), "~/.local/share/dupi-triage/diary.sqlite"
        )
        page = Path(scratch) / "chart.html"
        page.write_text(
            f'{head}<body>\n<main class="report">\n{diary}\n</main>\n</body>\n</html>\n',
            encoding="utf-8",
        )
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=860,640",
                f"--screenshot={OUT}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
