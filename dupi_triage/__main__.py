"""The program: `dupi-triage` and `python -m dupi_triage`.

Start-up makes some 100,000 objects (Typer, click and this package's modules) that live until
the end. Python's cyclic garbage collector would scan them several times while they are made,
and once more at exit, for nothing: about 10 ms of a run that otherwise takes 60
(benchmarks/bench.py). So the collector is paused while the modules are imported, and what they
made is then frozen (gc.freeze: kept out of every later collection); from there on the collector
runs as usual, so a long walk or a million-row batch frees its garbage as before.
"""

import gc
import sys


def main() -> int:
    gc.disable()
    try:
        from dupi_triage.cli import main as run
    except KeyboardInterrupt:  # Ctrl-C while starting: as calm as Ctrl-C anywhere else
        print("\ndupi-triage: stopped. Nothing was saved.", file=sys.stderr)
        return 130
    finally:
        gc.freeze()
        gc.enable()
    return run()


if __name__ == "__main__":
    sys.exit(main())
