"""The figures answer_latency.py prints at its end: tables, capacity, memory and targets."""

from __future__ import annotations

import math
from typing import Any

from answer_phases import Capacity, Phase, Results, ms

Row = tuple[float, float, float, float]  # floor p50, p99, boardbot p50, p99


def ratio(ours: float, floor: float) -> float:
    if math.isnan(ours) or math.isnan(floor) or floor <= 0:
        return math.nan
    return ours / floor


def times(value: float) -> str:
    return "-" if math.isnan(value) else ("inf" if math.isinf(value) else f"{value:.1f}x")


def table(title: str, rows: dict[float, Row]) -> None:
    print(f"\n{title:<18}{'floor p50':>10}{'p99':>8}  |{'boardbot p50':>13}{'p99':>8}  |"
          f"{'p50':>7}{'p99':>7}")  # fmt: skip
    for rate, (f50, f99, o50, o99) in rows.items():
        print(
            f"{f'{rate:g}/s':>8}{'':10}{ms(f50):>10}{ms(f99):>8}  |{ms(o50):>13}{ms(o99):>8}  |"
            f"{times(ratio(o50, f50)):>7}{times(ratio(o99, f99)):>7}"
        )


def cpu_table(pairs: list[tuple[float, Phase | None, Phase | None]]) -> None:
    """The web app's CPU for each request: what bounds its capacity, whatever else runs."""
    print(f"\n{'app CPU a request':<18}{'floor':>10}{'':8}  |{'boardbot':>13}{'':8}  |")
    for rate, floor, ours in pairs:
        if floor and ours:
            f, o = floor.cpu_per_request, ours.cpu_per_request
            print(f"{f'{rate:g}/s':>8}{'':10}{ms(f):>10}{'':8}  |{ms(o):>13}{'':8}  |"
                  f"{'':7}{times(ratio(o, f)):>7}")  # fmt: skip


def lateness(*results: Results) -> str:
    phases = [p for r in results for p in (*r.listed.values(), *r.capacity.tried)]
    worst = max((p.late(99) for p in phases), default=math.nan)
    top = max((p.late(100) for p in phases), default=math.nan)
    cpu = max((p.effort.share for p in phases), default=math.nan)
    return (
        f"the generator's lateness against the open-loop schedule: p99 at most {ms(worst)} ms in "
        f"any phase, worst single send {ms(top)} ms late; its CPU at most {cpu:.0%} of a core"
    )


def capacity(found: Capacity) -> str:
    if found.kept_up is None:
        return f"below {found.fell_behind:g}/s"
    if found.fell_behind is None:
        return f">= {found.kept_up:g}/s (the search stops at {found.limit:g}/s)"
    return f"{found.kept_up:g}/s ({found.fell_behind:g}/s did not keep up)"


def memory(marks: list[tuple[int, dict[int, float]]]) -> tuple[str, float]:
    """The workers' RSS at each mark, and the largest growth of any worker since the first."""
    said = "\n".join(
        (f"  at start (after {served:,} requests): " if i == 0 else f"  after {served:,}: ")
        + ", ".join(f"{mib:.1f} (pid {pid})" for pid, mib in rss.items())
        for i, (served, rss) in enumerate(marks)
    )
    first, last = marks[0][1], marks[-1][1]
    if set(first) != set(last):
        return said + "\n  (a worker was replaced: no growth to compare)", math.nan
    return said, max((last[pid] / first[pid] - 1 for pid in first), default=math.nan)


def verdict(value: float, limit: float, *, at_least: bool = False) -> str:
    if math.isnan(value):
        return "not measured"
    kept = value >= limit if at_least else value <= limit
    return "met" if kept else "MISSED"


def report(plan: Any, floor: Results, ours: Results, noop: Phase) -> None:
    print("\n== open loop: signed /duties lrlscb, ms; x = boardbot / floor")
    print("ack = the HTTP response; answer = the response_url POST arriving at the stand-in Slack")
    pairs = [(rate, floor.listed.get(rate), ours.listed.get(rate)) for rate in plan.rates]
    acks = {r: (f.ack(50), f.ack(99), o.ack(50), o.ack(99)) for r, f, o in pairs if f and o}
    answers = {
        r: (f.answer(50), f.answer(99), o.answer(50), o.answer(99)) for r, f, o in pairs if f and o
    }
    table("acks", acks)
    table("answers", answers)
    cpu_table(pairs)
    print(lateness(floor, ours))
    print(f"\n== capacity (the highest rate whose answer p99 < 1 s; search steps held "
          f"{plan.step_hold:g} s)")  # fmt: skip
    print(f"floor {capacity(floor.capacity)}; boardbot {capacity(ours.capacity)}")
    closed = ours.closed
    print(f"\n== ack at {noop.label} clients, {plan.closed:,} requests each app")
    print(f"bare Bolt no-op p50/p99 {ms(noop.ack(50))}/{ms(noop.ack(99))} ms; boardbot "
          f"{ms(closed.ack(50)) if closed else '-'}/{ms(closed.ack(99)) if closed else '-'} ms"
          + (f"; boardbot's answers to them were all in {closed.drain:.1f} s after its last ack"
             if closed and not closed.lost else ""))  # fmt: skip
    closed_ratio = ratio(closed.ack(99), noop.ack(99)) if closed else math.nan
    said, growth = memory(ours.memory) if ours.memory else ("-", math.nan)
    print("\n== boardbot web workers' resident memory (MiB, each worker and answer process)")
    print(said)
    print(f"growth since the start: {growth:+.1%} (the largest of any worker)")
    at20_f, at20_o = floor.listed.get(20), ours.listed.get(20)
    answer20 = ratio(at20_o.answer(99), at20_f.answer(99)) if at20_f and at20_o else math.nan
    ack20 = ratio(at20_o.ack(99), at20_f.ack(99)) if at20_f and at20_o else math.nan
    kept = ours.capacity.kept_up or 0.0
    print("\n== targets")
    for what, value, limit, shown, at_least in (
        ("answer p99 at 20/s <= 3x floor", answer20, 3.0, times(answer20), False),
        ("ack p99 at 20/s <= 1.5x floor", ack20, 1.5, times(ack20), False),
        ("capacity >= 300/s", kept, 300.0, capacity(ours.capacity), True),
        ("closed-loop ack p99 <= 1.5x no-op", closed_ratio, 1.5, times(closed_ratio), False),
        ("memory growth <= 10%", growth * 100, 10.0, f"{growth:+.1%}", False),
    ):
        print(f"  {what:<36} {shown:<34} {verdict(value, limit, at_least=at_least)}")
