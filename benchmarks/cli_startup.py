"""Time the `boardbot` command's start-up: how long before it prints, and which imports cost.

Usage: python benchmarks/cli_startup.py [--runs N]  (from the project's virtualenv)
Prints, for each command: the median, min and max wall and CPU seconds of the installed script
over N runs (after one warm-up), then the imports that `python -X importtime` finds dearest.
Target: `boardbot --help` and `boardbot protocols list` print in under 0.5 s.
For the operating system's own accounting: farm-bench -- .venv/bin/boardbot --help
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("boardbot")
COMMANDS = [["--help"], ["protocols", "list"], ["protocols", "validate", "rutland"]]
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def timed(args: list[str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one run of the script."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run([str(SCRIPT), *args], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def dearest_imports(args: list[str], count: int = 6) -> tuple[float, list[tuple[str, float]]]:
    """Total import seconds and the top-level imports that took longest (cumulative)."""
    probe = "import sys; from bot.cli import run; run(sys.argv[1:])"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", probe, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    top: list[tuple[str, float]] = []
    for match in IMPORT_LINE.finditer(result.stderr):
        if len(match.group(3)) == 1:  # a module imported by the program, not by another module
            top.append((match.group(4), int(match.group(2)) / 1e6))
    top.sort(key=lambda item: item[1], reverse=True)
    return sum(seconds for _, seconds in top), top[:count]


def spread(values: list[float]) -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{mid:.3f} (min {low:.3f}, max {high:.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    print(f"{SCRIPT}, {runs} runs each, on {os.cpu_count()} cores")
    for args in COMMANDS:
        timed(args)  # warm-up: file system caches and .pyc files
        walls, cpus = zip(*(timed(args) for _ in range(runs)), strict=True)
        total, top = dearest_imports(args)
        print(f"\nboardbot {' '.join(args)}")
        print(f"  wall s  {spread(list(walls))}")
        print(f"  cpu s   {spread(list(cpus))}")
        print(f"  imports {total:.3f} s; dearest: ")
        for name, seconds in top:
            print(f"    {seconds:.3f}  {name}")


if __name__ == "__main__":
    main()
