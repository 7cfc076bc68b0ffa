"""Example calendar feeds bundled for the sandbox: `rutland.ics` is a council's committee calendar.

It holds the Rutland Health and Well-Being Board's meetings (every other month on the third
Tuesday, 14:00; each March's moved to the Wednesday morning, each July's cancelled) beside
Cabinet's, so that `--match "Health and Well-Being Board"` picks out the board's own.
"""

from __future__ import annotations

from importlib import resources


def example_feed(name: str = "rutland") -> bytes:
    return resources.files(__package__).joinpath(f"{name}.ics").read_bytes()
