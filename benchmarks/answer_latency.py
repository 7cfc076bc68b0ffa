"""Answer and ack latency of `boardbot web` under open-loop load, beside Bolt's floor.

Usage: python benchmarks/answer_latency.py [--quick] [--rates 2,20,50,100,200] [--max-rate 800]

Starts, all on 127.0.0.1 and each in processes of its own: the stand-in Slack (bot/fakeslack),
which stamps every response_url POST as it arrives; a bare Bolt app under gunicorn with
`boardbot web`'s default workers and threads whose `/duties` acks, then answers a fixed text
through respond() (the floor); `boardbot web` itself on SQLite with the sandbox's rutland
partnership; and a bare Bolt app that only acks. Signed `/duties lrlscb` commands start at fixed
rates whatever the answers (open loop); the ack is the HTTP response, the answer the POST to the
command's response_url. Prints ack and answer p50/p99 at each rate, the capacity (the highest
rate whose answer p99 stays under 1 s), the ack p99 of 50 closed-loop clients against the no-op,
the resident memory of boardbot's web workers, and the targets beside them. Every server it
starts is stopped when it ends, fails or is interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answer_load import SlashCommands
from answer_phases import Phase, Results, Runner, Target, search_capacity
from answer_report import report
from answer_servers import (
    SECRET,
    StandIn,
    ahead_of_servers,
    bare_bolt,
    boardbot_web,
    free_port,
    web_defaults,
)

from bot.sandbox.demo import DemoSetup, command_fields, demo_setup
from bot.sandbox.demo_data import load_demo
from schedules.calendar import utcnow
from schedules.protocol import load_protocol
from storage.db import make_engine
from storage.migrate import upgrade

BOARD, ROLE = "lrlscb", "business_manager"
CLOSED_CLIENTS = 50


@dataclass(frozen=True)
class Plan:
    rates: tuple[float, ...]
    samples: int  # at each listed rate, held between these many seconds:
    hold: tuple[float, float]
    step_hold: float  # seconds at each rate the capacity search tries
    max_rate: float
    refine: int  # steps that narrow the capacity between a rate kept up with and one not
    closed: int  # requests of the closed-loop clients
    marks: tuple[int, int]  # requests after which the workers' memory is read

    def count(self, rate: float) -> int:
        low, high = self.hold
        return round(rate * min(high, max(low, self.samples / rate)))


FULL = Plan((2, 20, 50, 100, 200), 300, (5, 15), 5, 800, 2, 1000, (1000, 10_000))
QUICK = Plan((2, 20, 50, 100, 200), 60, (2, 4), 2, 400, 1, 300, (200, 2000))


def seed(directory: str) -> tuple[DemoSetup, str]:
    """A SQLite database with the rutland partnership set up as the sandbox sets it up."""
    url = f"sqlite:///{directory}/boardbot.sqlite3"
    upgrade(url)
    protocol = load_protocol("rutland")
    demo = demo_setup(protocol)
    engine = make_engine(url)
    load_demo(demo, protocol, engine, utcnow())
    engine.dispose()
    return demo, url


def duties_fields(demo: DemoSetup) -> dict[str, str]:
    person = next(p for p in demo.people if p.board_key == BOARD and p.role == ROLE)
    channel = next(c for c in demo.channels if c.board_key == BOARD)
    fields = command_fields(demo, "T0FAKE", person.id, channel.id)
    return {**fields, "command": "/duties", "text": BOARD}


def measure(runner: Runner, target: Target, plan: Plan, *, memory: bool) -> Results:
    """The listed rates, the capacity search and (for boardbot) memory and the closed loop."""
    results = Results(target.name)
    with target.server:
        runner.ready(target)
        results.ready_after = target.ready_after
        print(f"{target.name}: first ack {target.ready_after:.1f} s after its start", flush=True)
        if memory:
            target.note_memory()
            target.marks = list(plan.marks)
        for rate in plan.rates:
            count = plan.count(rate)
            results.listed[rate] = phase = runner.open(target, rate, count, f"{rate:g}/s x {count}")
            print(phase.line(), flush=True)
        results.capacity = search_capacity(
            runner, target, results.listed,
            hold=plan.step_hold, limit=plan.max_rate, refine=plan.refine,
        )  # fmt: skip
        if memory:
            results.closed = memory_and_closed_loop(runner, target, plan, results)
            results.memory = target.memory
    return results


def memory_and_closed_loop(runner: Runner, target: Target, plan: Plan, results: Results) -> Phase:
    """Serve up to the last memory mark at a rate the app keeps up with (its memory is read
    there), then 50 closed-loop clients: last, since the answers they queue take memory."""
    rate = min(400.0, round(0.75 * (results.capacity.kept_up or 20.0)))
    remaining = plan.marks[-1] - target.served
    if remaining > 0:
        phase = runner.open(target, rate, remaining, f"to {plan.marks[-1]:,}: {rate:g}/s")
        print(phase.line(), flush=True)
    phase = runner.closed(target, CLOSED_CLIENTS, plan.closed, f"{CLOSED_CLIENTS} closed-loop")
    print(phase.line(), flush=True)
    return phase


def no_op(runner: Runner, target: Target, plan: Plan) -> Phase:
    with target.server:
        runner.ready(target)
        phase = runner.closed(target, CLOSED_CLIENTS, plan.closed, f"{CLOSED_CLIENTS} closed-loop")
        print(f"{target.name}: first ack {target.ready_after:.1f} s after its start")
        print(phase.line(), flush=True)
    return phase


def target(name: str, stand_in: StandIn, tmp: str, url: str, fields: dict[str, str]) -> Target:
    port, api = free_port(), f"{stand_in.url}api/"
    log = Path(tmp) / f"{name}.log"
    if name == "boardbot":
        server = boardbot_web(port, url, api, log)
    else:
        server = bare_bolt(name, port, api, log)
    requests = SlashCommands(port, SECRET, fields, f"{stand_in.url}response/")
    return Target(name, server, port, requests, answers=name != "noop")


@contextlib.contextmanager
def stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so that every server is stopped on the way out."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def rates(text: str) -> tuple[float, ...]:
    try:
        values = tuple(sorted({float(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError("give rates a second, e.g. 2,20,50") from None
    if not values or values[0] <= 0:
        raise argparse.ArgumentTypeError("give rates a second above 0, e.g. 2,20,50")
    return values


def run(plan: Plan) -> tuple[Results, Results, Phase]:
    """The floor, boardbot, then the no-op, one after the other on one stand-in Slack."""
    with tempfile.TemporaryDirectory() as tmp:
        demo, url = seed(tmp)
        fields = duties_fields(demo)
        with StandIn(demo) as stand_in:
            runner = Runner(stand_in)

            def app(name: str) -> Target:
                return target(name, stand_in, tmp, url, fields)

            floor = measure(runner, app("floor"), plan, memory=False)
            ours = measure(runner, app("boardbot"), plan, memory=True)
            return floor, ours, no_op(runner, app("noop"), plan)


def header(plan: Plan) -> None:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    workers, threads = web_defaults()
    ahead = ahead_of_servers()
    print(
        f"{os.cpu_count()} cores, load average {load}; "
        f"each app under gunicorn as `boardbot web` runs it: {workers} workers x {threads} "
        "threads (gthread); open-loop rates held "
        f"{plan.hold[0]:g}-{plan.hold[1]:g} s, capacity steps {plan.step_hold:g} s; load "
        f"generator and stand-in Slack {'at a higher' if ahead else 'at the same'} CPU priority",
        flush=True,
    )
    print(
        "each phase: ack and answer p50/p99 ms; the generator's lateness against its schedule "
        "(ms); the app's CPU ms for each request; the generator's and the stand-in's CPU "
        "(share of one core)",
        flush=True,
    )


def positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"give a rate a second above 0, not {text!r}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (a minute or two)")
    parser.add_argument("--rates", type=rates, help="open-loop rates a second, e.g. 2,20,50")
    parser.add_argument(
        "--max-rate",
        type=positive,
        help="where the capacity search stops (default 800, 400 with --quick)",
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    plan = dataclasses.replace(
        plan, rates=args.rates or plan.rates, max_rate=args.max_rate or plan.max_rate
    )
    started = time.monotonic()
    header(plan)
    try:
        with stopped_by_sigterm():
            floor, ours, noop = run(plan)
    except KeyboardInterrupt:
        raise SystemExit("interrupted; every server it started has been stopped") from None
    report(plan, floor, ours, noop)
    took = time.monotonic() - started
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"the run took {took / 60:.1f} min; load average at its end {load_after}")


if __name__ == "__main__":
    main()
