"""Compare `pip freeze` (on stdin) with the lock: the packages whose versions differ."""

from __future__ import annotations

import re
import sys
from pathlib import Path


def pins(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            found[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return found


def main() -> int:
    lock = pins(Path(sys.argv[1]).read_text().splitlines())
    newest = pins(sys.stdin.read().splitlines())
    changes = []
    for name in sorted(lock.keys() | newest.keys()):
        locked, latest = lock.get(name, "(not in the lock)"), newest.get(name, "(not needed now)")
        if locked != latest:
            changes.append(f"  {name}: {locked} -> {latest}")
    count = f"{len(changes)} packages differ" if changes else "no package differs"
    print(f"drift from {sys.argv[1]}: {count}")
    for change in changes:
        print(change)
    return 0


if __name__ == "__main__":
    sys.exit(main())
