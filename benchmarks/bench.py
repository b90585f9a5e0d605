"""Measure what users wait for: start-up of each mode, and batch throughput and memory.

    python benchmarks/bench.py            # the full run (about 2-3 minutes)
    python benchmarks/bench.py --quick    # smaller batches, for a first look
    python benchmarks/bench.py --startup-only   # start-up and the diary commands, one round-robin
    python benchmarks/bench.py --hostile-only   # batch memory on a 200 MB line, /dev/zero ...
    python benchmarks/bench.py --profile-only   # where a batch row's time goes

Start-up figures are medians of whole processes, run round-robin so that a busy moment hits every
command alike, and are given as ratios to `python -c "import typer"` (and, for the first prompt,
to `import typer, questionary`), each against the baseline of the same rounds; the diary's
commands run in the same round-robin. Batch figures stream generated rows through
`dupi-triage batch` to /dev/null, so they measure scoring and encoding rather than the disk; peak
memory is the batch process's own maximum resident size (wait4). Targets are printed beside each
figure: met or not.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import pty
import random
import select
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parent
DATA = ROOT / ".data"
FLAGS = (
    "--no-input",
    "--red-flags=none",
    "--onset=1_to_4_months",
    "--look=redness_no_scaling",
    "--location=face_neck",
    "--itch=6",
    "--usual-treatment-helps=partly",
)
FIRST_PROMPT = b"warning signs"
# Measure what an installed tool does: with bytecode caches (pip compiles them at install).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"COLUMNS": "100"}


def wall(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=True
    )
    return time.perf_counter() - started


def until_first_prompt(command: Sequence[str]) -> float:
    """Seconds from spawning the interactive command in a pseudo-terminal to its first question."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the command, on a terminal of a usual size
        import fcntl
        import struct
        import termios

        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        os.execve(command[0], list(command), {**ENV, "TERM": "xterm"})
    seen = b""
    try:
        while FIRST_PROMPT not in seen:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                raise RuntimeError("the first prompt did not appear within 10 s")
            seen += os.read(fd, 65536)
        return time.perf_counter() - started
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def medians(probes: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in probes}
    for probe in probes.values():  # warm the page cache and bytecode first
        probe()
    for _ in range(rounds):
        for name, probe in probes.items():
            samples[name].append(probe())
    return {name: statistics.median(values) for name, values in samples.items()}


def generate_rows(count: int, path: Path, seed: int = 2026) -> None:
    """Random but valid answer sets drawn from the questionnaire itself, about 90 % complete.

    Valid as `assess` reads them: a question only where its condition holds, an option only
    where it is offered given the earlier answers, never two answers that cannot both be true
    (the questionnaire's contradictions); one row in ten is saved under 2.1, where an option
    whose condition came in later (`when_since`) is still offered.
    """
    from dupi_triage.answers import ruled_out
    from dupi_triage.questionnaire import NONE_OPTION
    from dupi_triage.questionnaire_loader import load_questionnaire

    questionnaire = load_questionnaire()
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for _ in range(count):
            saved_under = "2.1" if rng.random() < 0.1 else None
            row: dict[str, object] = {}
            for question in questionnaire:
                if rng.random() < 0.1:
                    continue
                if question.when and question.when.state(row) is not True:
                    continue
                offered = [o.id for o in question.offered(row, saved_under)]
                if question.type == "integer":
                    assert question.min is not None
                    assert question.max is not None
                    row[question.id] = rng.randint(question.min, question.max)
                elif question.type == "single":
                    impossible = ruled_out(questionnaire, question.id, row)
                    row[question.id] = rng.choice([o for o in offered if o not in impossible])
                elif question.type == "text":
                    row[question.id] = rng.choice(["", "worse since the new cream"])
                elif NONE_OPTION in offered and rng.random() < 0.4:
                    row[question.id] = (NONE_OPTION,)
                else:
                    others = [o for o in offered if o != NONE_OPTION]
                    picked = set(rng.sample(others, rng.randint(1, min(3, len(others)))))
                    row[question.id] = tuple(o for o in question.option_ids if o in picked)
            document = {k: list(v) if isinstance(v, tuple) else v for k, v in row.items()}
            if saved_under is not None:
                document = {"questionnaire_version": saved_under, **document}
            out.write(json.dumps(document) + "\n")


#: Runs one measured command and prints its exit code, peak memory (KiB) and wall seconds. A
#: process's peak memory starts at its parent's (Linux keeps the high-water mark across fork and
#: exec), and this benchmark has read whole files of rows: a small launcher keeps that out.
LAUNCHER = """
import os, subprocess, sys, threading, time
stop = float(sys.argv[1])
started = time.perf_counter()
process = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if stop > 0:
    threading.Timer(stop, process.terminate).start()
_, status, usage = os.wait4(process.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, time.perf_counter() - started)
os._exit(0)
"""


def run_measured(
    command: Sequence[str], allowed: tuple[int, ...] = (0, 1), stop_after: float | None = None
) -> tuple[float, int]:
    """Wall seconds and peak resident memory (bytes) of one process, output to /dev/null.

    With `stop_after`, the process is sent SIGTERM after that many seconds (for endless input).
    """
    launcher = [PYTHON, "-c", LAUNCHER, str(stop_after or 0), *command]
    report = subprocess.run(launcher, capture_output=True, text=True, env=ENV, check=True)
    code, peak, elapsed = report.stdout.split()
    if int(code) not in allowed:
        raise RuntimeError(f"{' '.join(command)} failed with status {code}")
    return float(elapsed), int(peak) * 1024


def hostile_files() -> dict[str, Path]:
    """A 200 MB JSONL line and a 10-million-column CSV row, each between two ordinary rows."""
    row = json.dumps({"red_flags": ["none"], "itch": 3})
    files = {
        "200 MB JSONL line": DATA / "line-200mb.jsonl",
        "10M-column CSV row": DATA / "wide.csv",
    }
    if not files["200 MB JSONL line"].exists():
        with files["200 MB JSONL line"].open("w", encoding="utf-8") as out:
            out.write(row + '\n{"onset": "')
            for _ in range(200):
                out.write("x" * 1_000_000)
            out.write('"}\n' + row + "\n")
    if not files["10M-column CSV row"].exists():
        with files["10M-column CSV row"].open("w", encoding="utf-8") as out:
            out.write("red_flags,itch\nnone,3\n")
            for _ in range(10):
                out.write("x," * 1_000_000)
            out.write("x\nnone,4\n")
    return files


def hostile_memory(tool: Sequence[str], baseline: int) -> None:
    """Peak memory for input meant to exhaust it, beside the 10,000-row figure."""
    print("\nBatch peak memory on hostile input, beside 10,000 rows"
          f" ({baseline / 2**20:.1f} MiB; target: at most 10 MB above it)")  # fmt: skip
    cases: list[tuple[str, list[str], float | None]] = [
        (name, [str(path)], None) for name, path in hostile_files().items()
    ]
    cases += [
        ("/dev/zero", ["/dev/zero"], None),
        ("/dev/zero as JSONL, stopped after 10 s", ["--input-format", "jsonl", "/dev/zero"], 10),
    ]
    for name, args, stop_after in cases:
        try:
            elapsed, peak = run_measured(
                [*tool, "batch", *args], allowed=(0, 1, 2, 143), stop_after=stop_after
            )
        except RuntimeError as error:  # an exit the README does not list: shown, not fatal
            print(f"  {name:46} {error}")
            continue
        growth = peak - baseline
        print(
            f"  {name:46} {peak / 2**20:6.1f} MiB ({growth / 2**20:+5.1f} MiB, {elapsed:5.1f} s)"
            f"  (target <= +10 MB: {verdict(growth <= 10_000_000)})"
        )


#: The floor: read each row with orjson and write it back, to /dev/null (no scoring at all).
READ_DUMP = (
    "import orjson, sys\n"
    "with open(sys.argv[1], 'rb') as rows, open('/dev/null', 'wb') as out:\n"
    "    for line in rows:\n"
    "        out.write(orjson.dumps(orjson.loads(line)) + b'\\n')\n"
)
THROUGHPUT_ROWS = 60_000


def rows_file(count: int) -> Path:
    path = DATA / f"rows-{count}.jsonl"
    if not path.exists():
        generate_rows(count, path)
    return path


def refused_share(path: Path) -> float:
    """The share of rows the tool refuses (the generator means to draw none)."""
    from dupi_triage.answers_file import read_document
    from dupi_triage.errors import InputError
    from dupi_triage.questionnaire_loader import load_questionnaire

    questionnaire = load_questionnaire()
    refused = 0
    lines = path.read_bytes().splitlines()
    for line in lines:
        try:
            read_document(questionnaire, json.loads(line), "row")
        except InputError:
            refused += 1
    return refused / len(lines)


def equal_to_assess(tool: Sequence[str], path: Path, jobs: int, sample: int = 2000) -> int:
    """Rows of a sample where `batch --jobs N` differs from `assess` on the same answers."""
    from dupi_triage.answers_file import read_document
    from dupi_triage.questionnaire_loader import load_questionnaire
    from dupi_triage.render.json import assessment_to_dict, contract_subset
    from dupi_triage.scoring import assess

    questionnaire = load_questionnaire()
    lines = path.read_bytes().splitlines()[:sample]
    command = [*tool, "batch", "--jobs", str(jobs), "--input-format", "jsonl", "-"]
    output = subprocess.run(
        command, input=b"\n".join(lines) + b"\n", capture_output=True, env=ENV, check=True
    ).stdout.splitlines()
    differ = abs(len(output) - len(lines))
    for line, result in zip(lines, output, strict=False):
        row = json.loads(result)
        row.pop("row")
        answers = read_document(questionnaire, json.loads(line), "row")
        expected = contract_subset(
            assessment_to_dict(questionnaire, assess(questionnaire, answers))
        )
        differ += row != expected
    return differ


def throughput(tool: Sequence[str], pairs: int = 3) -> None:
    """Rows a second on one core and on all of them, beside the orjson read+dump floor."""
    path = rows_file(THROUGHPUT_ROWS)
    cores = len(os.sched_getaffinity(0))
    share = refused_share(path)
    print(
        f"\nBatch throughput ({THROUGHPUT_ROWS:,} generated valid rows, refused"
        f" {share:.1%}; JSONL in, JSONL out to /dev/null; median of {pairs} paired runs)"
    )
    floors, single, every = [], [], []
    for _ in range(pairs):
        floors.append(run_measured([PYTHON, "-c", READ_DUMP, str(path)])[0])
        single.append(run_measured([*tool, "batch", "--jobs", "1", str(path)])[0])
        every.append(run_measured([*tool, "batch", "--jobs", str(cores), str(path)])[0])
    floor, one, alls = (statistics.median(times) for times in (floors, single, every))
    rate = THROUGHPUT_ROWS / alls
    for name, seconds in (
        ("orjson read+dump (the floor)", floor),
        ("batch --jobs 1 (one core)", one),
    ):
        print(f"  {name:40} {seconds:6.2f} s {THROUGHPUT_ROWS / seconds:9,.0f} rows/s")
    print(
        f"  {f'batch --jobs {cores} (all cores)':40} {alls:6.2f} s {rate:9,.0f} rows/s"
        f"  (target >= 50,000: {verdict(rate >= 50_000)})"
    )
    ratio = alls / floor
    print(
        f"  {'all cores / the floor':40} {ratio:6.1f}x"
        f"  (target <= 3x: {verdict(ratio <= 3)}); one core / the floor {one / floor:.1f}x"
    )
    differ = equal_to_assess(tool, path, cores)
    print(
        f"  {'batch rows equal to assess (sample 2,000)':40} {2000 - differ:6,}"
        f"  (target: all: {verdict(differ == 0)})"
    )


def batch_profile(path: Path) -> None:
    """Where a row's time goes, in this process: each stage timed alone over the same rows.

    The parts of scoring are `assess`'s own callees, found by profiling it (so a new part shows up
    by itself); their shares of the profile are scaled to the unprofiled scoring time.
    """
    import cProfile
    import pstats

    from dupi_triage import strictjson
    from dupi_triage.answers_file import read_document
    from dupi_triage.questionnaire_loader import load_questionnaire
    from dupi_triage.render.json import contract_line
    from dupi_triage.scoring import assess

    questionnaire = load_questionnaire()
    lines = path.read_bytes().splitlines()

    def stage(step: Callable[[Any], Any], inputs: list[Any]) -> tuple[list[Any], float]:
        started = time.perf_counter()
        outputs = [step(item) for item in inputs]
        return outputs, (time.perf_counter() - started) / len(inputs) * 1e6

    documents, parse = stage(lambda line: strictjson.loads_row(line, "row"), lines)
    answers, validate = stage(lambda doc: read_document(questionnaire, doc, "row"), documents)
    results, scoring = stage(lambda given: assess(questionnaire, given), answers)
    _, output = stage(lambda result: contract_line(questionnaire, result, '"row":1,'), results)
    total = parse + validate + scoring + output
    print(
        f"\nWhere a row's time goes ({len(lines):,} generated rows, one core, microseconds a row;"
        f" {total:.1f} in all, so at most {1e6 / total:,.0f} rows/s a core)"
    )
    for name, micros in (
        ("parse (strictjson.loads_row)", parse),
        ("validation (read_document)", validate),
        ("scoring (assess)", scoring),
        ("output (contract_line)", output),
    ):
        print(f"  {name:40} {micros:7.1f}  {micros / total:4.0%}")
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [assess(questionnaire, given) for given in answers])
    stats = pstats.Stats(profiler)
    parts: dict[str, float] = {}
    for (file, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        callers = row[4]
        if any(caller[2] == "assess" for caller in callers):
            name = f"{Path(file).stem}.{function}"
            parts[name] = parts.get(name, 0.0) + sum(
                timing[3] for caller, timing in callers.items() if caller[2] == "assess"
            )
    whole = sum(parts.values()) or 1.0
    for name, seconds in sorted(parts.items(), key=lambda item: -item[1])[:10]:
        print(f"    {name:38} {scoring * seconds / whole:7.1f}")


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, {system}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="memory on 10k/100k rows instead of 10k/100k/1M"
    )
    parser.add_argument("--rounds", type=int, default=41, help="start-up runs per command")
    parser.add_argument(
        "--startup-only", action="store_true", help="start-up and the diary, no batch figures"
    )
    parser.add_argument(
        "--profile-only", action="store_true", help="only where a batch row's time goes"
    )
    parser.add_argument(
        "--batch-only", action="store_true", help="start-up and batch figures, no diary or hostile"
    )
    parser.add_argument(
        "--hostile-only",
        action="store_true",
        help="only batch memory on hostile input (a 200 MB line, 10M columns, /dev/zero)",
    )
    parser.add_argument(
        "--diary-only", action="store_true", help="only the diary figures (and import typer)"
    )
    args = parser.parse_args()

    print(f"Machine: {machine()}")
    where = [PYTHON, "-c", "import dupi_triage; print(dupi_triage.__file__)"]
    print(f"dupi-triage from: {subprocess.check_output(where, text=True).strip()}")

    import compileall

    import dupi_triage

    compileall.compile_dir(Path(dupi_triage.__file__).parent, quiet=1)
    tool = [PYTHON, "-m", "dupi_triage"]
    if args.profile_only:
        DATA.mkdir(exist_ok=True)
        path = DATA / "rows-10000.jsonl"
        if not path.exists():
            generate_rows(10_000, path)
        batch_profile(path)
        return 0
    if args.diary_only:
        return diary_figures(tool, args.rounds)
    if args.hostile_only:
        DATA.mkdir(exist_ok=True)
        path = DATA / "rows-10000.jsonl"
        if not path.exists():
            generate_rows(10_000, path)
        hostile_memory(tool, run_measured([*tool, "batch", str(path)])[1])
        return 0
    DATA.mkdir(exist_ok=True)
    probes: dict[str, Callable[[], float]] = {
        "import typer": lambda: wall([PYTHON, "-c", "import typer"]),
        "import typer, questionary": lambda: wall([PYTHON, "-c", "import typer, questionary"]),
        TYPER_PAUSED: lambda: wall([PYTHON, "-c", PAUSED_IMPORT]),
        "assess --no-input --format json": lambda: wall(
            [*tool, "assess", *FLAGS, "--format", "json"]
        ),
        "assess --no-input (terminal summary)": lambda: wall([*tool, "assess", *FLAGS]),
        "interactive: first prompt": lambda: until_first_prompt([*tool]),
    }
    with diary_probes(tool) as diary:
        if not args.batch_only:
            probes |= diary
        print(
            f"\nStart-up and the diary (median of {args.rounds} round-robin runs, each ratio"
            " against the import typer of the same rounds)"
        )
        times = medians(probes, args.rounds)
    typer_time = times["import typer"]
    prompt_base = times["import typer, questionary"]
    rows = [
        ("assess --no-input --format json", typer_time, 1.2, "import typer"),
        ("assess --no-input (terminal summary)", typer_time, 1.5, "import typer"),
        ("interactive: first prompt", prompt_base, 1.2, "import typer, questionary"),
    ]
    print(f"  {'import typer':40} {typer_time * 1000:7.1f} ms")
    print(f"  {'import typer, questionary':40} {prompt_base * 1000:7.1f} ms")
    print_paused(times)
    for name, base, target, base_name in rows:
        print_ratio(name, times[name], base, target, base_name)
    if not args.batch_only:
        print_diary(times, typer_time)

    if args.startup_only:
        return 0
    throughput(tool)
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    print("\nBatch memory (one process, --jobs 1: its peak resident size is the whole batch's)")
    peaks: dict[int, int] = {}
    for count in sizes:
        path = rows_file(count)
        elapsed, peaks[count] = run_measured([*tool, "batch", "--jobs", "1", str(path)])
        print(
            f"  {count:>9,} rows: {elapsed:7.2f} s, {count / elapsed:9,.0f} rows/s;"
            f" peak memory {peaks[count] / 2**20:6.1f} MiB"
        )
    largest = max(peaks)
    growth = (peaks[largest] - peaks[min(peaks)]) / 2**20
    print(
        f"  peak memory growth from {min(peaks):,} to {largest:,} rows: {growth:+.1f} MiB"
        f" (target within 10 MB: {verdict(abs(growth) * 2**20 <= 10_000_000)})"
    )
    batch_profile(DATA / f"rows-{sizes[0]}.jsonl")
    if not args.batch_only:
        hostile_memory(tool, peaks[min(peaks)])
    return 0


# --- the diary ---------------------------------------------------------------------------------

TEN_YEARS_DAYS = 3650


def build_ten_year_diary(path: Path) -> None:
    """Daily check-ins and fortnightly doses for ten years, ending yesterday."""
    import datetime as dt

    from dupi_triage.diary.entries import CheckIn, Dose
    from dupi_triage.diary.store import new_id, now_stamp, open_diary

    rng = random.Random(2026)
    start = dt.date.today() - dt.timedelta(days=TEN_YEARS_DAYS)
    with open_diary(path, write=True) as diary, diary.transaction() as db:
        for offset in range(TEN_YEARS_DAYS):
            day = start + dt.timedelta(days=offset)
            if offset % 14 == 0:
                diary.add(db, Dose(new_id(), day, "thigh", "", now_stamp()))
            answers: dict[str, str | int | tuple[str, ...]] = {"itch": rng.randint(0, 10)}
            if rng.random() < 0.5:
                answers |= {"location": ("face_neck",), "look": ("redness_no_scaling",)}
            diary.add(db, CheckIn(new_id(), day, answers, "", now_stamp()))


@contextlib.contextmanager
def diary_probes(tool: list[str]) -> Iterator[dict[str, Callable[[], float]]]:
    """The diary's everyday commands (on a scratch diary) and `show` of ten years."""
    import tempfile

    big = DATA / "diary-10y.sqlite"
    if not big.exists():
        build_ten_year_diary(big)
    with tempfile.TemporaryDirectory() as scratch:
        small = str(Path(scratch) / "diary.sqlite")
        skin = ["--itch", "5", "--location", "face-neck", "--look", "redness-no-scaling"]
        skin += ["--impact", "some", "--note", "bench", "--date", "today"]
        yield {
            "diary dose --date today": lambda: wall(
                [*tool, "diary", "dose", "--date", "today", "--diary", small]
            ),
            "diary skin (all flags)": lambda: wall(
                [*tool, "diary", "skin", *skin, "--diary", small]
            ),
            "diary show (ten years)": lambda: wall([*tool, "diary", "show", "--diary", str(big)]),
        }


DIARY_TARGETS = (
    ("diary dose --date today", 1.2),
    ("diary skin (all flags)", 1.2),
    ("diary show (ten years)", 1.5),
)
#: For scale: Typer imported as dupi-triage imports it (dupi_triage/__main__.py), with the
#: collector paused and what it made frozen; part of the tool's lead on `import typer` is this.
TYPER_PAUSED = "(for scale) typer, collector paused"
PAUSED_IMPORT = "import gc; gc.disable(); import typer; gc.freeze(); gc.enable()"


def print_ratio(name: str, seconds: float, base: float, target: float, base_name: str) -> None:
    ratio = seconds / base
    print(
        f"  {name:40} {seconds * 1000:7.1f} ms  {ratio:4.2f}x {base_name}"
        f"  (target <= {target}x: {verdict(ratio <= target)})"
    )


def print_paused(times: dict[str, float]) -> None:
    paused = times[TYPER_PAUSED]
    print(f"  {TYPER_PAUSED:40} {paused * 1000:7.1f} ms  ({paused / times['import typer']:4.2f}x)")


def print_diary(times: dict[str, float], typer_time: float) -> None:
    """The diary's ratios, and the timing derivation from the ten-year diary."""
    from dupi_triage.diary.store import open_diary
    from dupi_triage.timing import derive_timing

    for name, target in DIARY_TARGETS:
        print_ratio(name, times[name], typer_time, target, "import typer")
    with open_diary(DATA / "diary-10y.sqlite", write=False) as diary:
        entries = diary.entries()
    samples = []
    for _ in range(21):
        started = time.perf_counter()
        derive_timing(entries)
        samples.append(time.perf_counter() - started)
    derive_ms = statistics.median(samples) * 1000
    name = f"timing answers from {len(entries):,} entries"
    print(f"  {name:40} {derive_ms:7.1f} ms  (target < 20 ms: {verdict(derive_ms < 20)})")


def diary_figures(tool: list[str], rounds: int) -> int:
    """The diary's figures alone, beside `import typer` (and `assess --format json` for scale)."""
    DATA.mkdir(exist_ok=True)
    with diary_probes(tool) as probes:
        probes = {
            "import typer": lambda: wall([PYTHON, "-c", "import typer"]),
            TYPER_PAUSED: lambda: wall([PYTHON, "-c", PAUSED_IMPORT]),
            "(for scale) assess --format json": lambda: wall(
                [*tool, "assess", *FLAGS, "--format", "json"]
            ),
            **probes,
        }
        print(f"\nDiary (median of {rounds} round-robin runs; show: diary-10y.sqlite)")
        times = medians(probes, rounds)
    typer_time = times["import typer"]
    print(f"  {'import typer':40} {typer_time * 1000:7.1f} ms")
    print_paused(times)
    name = "(for scale) assess --format json"
    print_ratio(name, times[name], typer_time, 1.2, "import typer")
    print_diary(times, typer_time)
    return 0


if __name__ == "__main__":
    sys.exit(main())
