"""Phases of load against one web app for answer_latency.py, and what each one measured."""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from answer_load import Command, Effort, SlashCommands, clock, closed_loop, open_loop, percentile
from answer_servers import StandIn, WebProcess, rss_mib

KEEPS_UP = 1.0  # seconds: an app keeps up with a rate while its answer p99 stays under this
STALL = 15.0  # seconds without a new answer after which the missing ones count as lost
READY_WITHIN = 90.0  # seconds for a web app to give its first ack


@dataclass
class Phase:
    """One burst of load: its commands, and what the generator and the stand-in spent on it."""

    label: str
    commands: Sequence[Command]
    effort: Effort
    stand_in_share: float  # its CPU seconds as a share of one core, from first send to last answer
    answers: bool
    scheduled: bool  # open loop: each command had a time to start
    server_cpu: float  # the web app's CPU seconds, from first send to last answer

    def ack(self, p: float) -> float:
        return percentile((c.ack_time for c in self.commands), p)

    def answer(self, p: float) -> float:
        return percentile((c.answer_time for c in self.commands), p)

    def late(self, p: float) -> float:
        return percentile((c.lateness for c in self.commands), p)

    @property
    def cpu_per_request(self) -> float:
        """The web app's CPU seconds for each request (its ack and its answer)."""
        return self.server_cpu / len(self.commands) if self.commands else math.nan

    @property
    def failed(self) -> int:
        return sum(1 for c in self.commands if c.status != 200)

    @property
    def lost(self) -> int:
        return sum(1 for c in self.commands if c.status == 200 and c.answered is None)

    @property
    def drain(self) -> float:
        """Seconds from the last ack to the last answer."""
        acked = [c.acked for c in self.commands if c.acked is not None]
        answered = [c.answered for c in self.commands if c.answered is not None]
        return max(answered) - max(acked) if acked and answered else math.nan

    @property
    def keeps_up(self) -> bool:
        return self.answer(99) < KEEPS_UP

    def line(self) -> str:
        """One line as the run goes: ms for times (p50/p99), shares of one core for CPU."""
        said = f"  {self.label:<22} ack {ms(self.ack(50))}/{ms(self.ack(99))}"
        if self.answers:
            said += f"  answer {ms(self.answer(50))}/{ms(self.answer(99))}"
            said += f" ({self.lost} lost)" if self.lost else ""
        if self.failed:
            said += f"  {self.failed} without a 200 ack"
        if self.scheduled:
            said += f"  | late p99 {ms(self.late(99))}, max {ms(self.late(100))}"
        return said + (
            f"  | app CPU {ms(self.cpu_per_request)} a request; "
            f"generator {self.effort.share:.0%}, stand-in {self.stand_in_share:.0%}"
        )


def ms(seconds: float) -> str:
    if math.isinf(seconds):
        return "lost"
    if math.isnan(seconds):
        return "-"
    value = seconds * 1000
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


@dataclass
class Target:
    """One web app under load: how to reach it, and what it has served so far."""

    name: str
    server: WebProcess
    port: int
    requests: SlashCommands
    answers: bool
    served: int = 0
    ready_after: float = 0.0
    marks: list[int] = field(default_factory=list)  # read the workers' memory after these many
    memory: list[tuple[int, dict[int, float]]] = field(default_factory=list)

    def note_memory(self) -> None:
        """Each worker's resident memory now, with the number of requests served so far."""
        self.memory.append((self.served, {pid: rss_mib(pid) for pid in self.server.workers()}))

    def count(self, commands: Sequence[Command]) -> None:
        self.served += sum(1 for c in commands if c.status == 200)
        while self.marks and self.served >= self.marks[0]:
            self.marks.pop(0)
            self.note_memory()


class Runner:
    """Runs phases against targets and matches the stand-in's arrivals to the requests sent."""

    def __init__(self, stand_in: StandIn) -> None:
        self.stand_in, self.arrived = stand_in, dict[str, float]()
        self.stand_in_cpu = 0.0

    def _collect(self) -> None:
        arrivals, self.stand_in_cpu = self.stand_in.take()
        self.arrived.update(arrivals)

    def ready(self, target: Target) -> None:
        """Wait for the started app's first ack; then warm it up (both workers, caches)."""
        started = target.server.started
        while True:
            target.server.check()
            probe = target.requests.batch(1, target.name)
            closed_loop(target.port, probe, 1)
            if probe[0].status == 200:
                break
            if time.monotonic() - started > READY_WITHIN:
                raise RuntimeError(f"{target.name} gave no ack within {READY_WITHIN:.0f} s")
            time.sleep(0.1)
        target.ready_after = time.monotonic() - started
        self.open(target, 20, 40, "warm-up")

    def open(self, target: Target, rate: float, count: int, label: str) -> Phase:
        commands = target.requests.batch(count, target.name)
        load = functools.partial(open_loop, target.port, commands, rate)
        return self._run(target, label, commands, load, scheduled=True)

    def closed(self, target: Target, clients: int, count: int, label: str) -> Phase:
        commands = target.requests.batch(count, target.name)
        load = functools.partial(closed_loop, target.port, commands, clients)
        return self._run(target, label, commands, load, scheduled=False)

    def _run(
        self,
        target: Target,
        label: str,
        commands: list[Command],
        load: Callable[[], Effort],
        *,
        scheduled: bool,
    ) -> Phase:
        self._collect()
        before, started, server = self.stand_in_cpu, clock(), target.server.cpu()
        effort = load()
        if target.answers:
            self.await_answers(commands)
        else:
            self._collect()
        stand_in = (self.stand_in_cpu - before) / (clock() - started)
        server = target.server.cpu() - server
        target.server.check()
        target.count(commands)
        return Phase(label, commands, effort, stand_in, target.answers, scheduled, server)

    def await_answers(self, commands: Sequence[Command]) -> None:
        """Until every acked command's answer has arrived, or none has for STALL seconds."""
        waiting = {c.key: c for c in commands if c.status == 200}
        progress = clock()
        while waiting:
            self._collect()
            for key in [k for k in waiting if k in self.arrived]:
                waiting.pop(key).answered = self.arrived.pop(key)
                progress = clock()
            if waiting:
                if clock() - progress > STALL:
                    break
                time.sleep(0.05)


# -- capacity -------------------------------------------------------------------------------

NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)  # the upward search's steps, x 10^k


@dataclass
class Capacity:
    """The highest rate kept up with, the lowest not, and the extra rates tried to find them."""

    kept_up: float | None = None
    fell_behind: float | None = None
    tried: list[Phase] = field(default_factory=list)
    hold: float = 0.0
    limit: float = 0.0


def next_nice(rate: float) -> float:
    """The first round rate at least a fifth above `rate`."""
    scale = 10 ** math.floor(math.log10(rate * 1.2))
    return next((m * scale for m in (*NICE, 10.0) if m * scale >= rate * 1.2 - 1e-9), 10 * scale)


def between(low: float, high: float) -> float:
    """Their geometric middle, to two significant figures."""
    middle = math.sqrt(low * high)
    return round(middle, 1 - math.floor(math.log10(middle)))


def search_capacity(
    runner: Runner,
    target: Target,
    listed: dict[float, Phase],
    *,
    hold: float,
    limit: float,
    refine: int,
) -> Capacity:
    """Upward from the listed rates until one is not kept up with (or `limit`), then narrowed."""
    found = Capacity(hold=hold, limit=limit)
    for rate in sorted(listed):
        if not listed[rate].keeps_up:
            found.fell_behind = rate
            break
        found.kept_up = rate

    def attempt(rate: float) -> None:
        count = max(1, round(rate * hold))
        phase = runner.open(target, rate, count, f"capacity {rate:g}/s x {count}")
        print(phase.line(), flush=True)
        found.tried.append(phase)
        if phase.keeps_up:
            found.kept_up = rate
        else:
            found.fell_behind = rate

    while found.fell_behind is None and found.kept_up is not None and found.kept_up < limit:
        attempt(min(limit, next_nice(found.kept_up)))
    for _ in range(refine):
        low, high = found.kept_up, found.fell_behind
        if low is None or high is None or high / low <= 1.25:
            break
        middle = between(low, high)
        if not low < middle < high:
            break
        attempt(middle)
    return found


@dataclass
class Results:
    """What one app measured."""

    name: str
    ready_after: float = 0.0
    listed: dict[float, Phase] = field(default_factory=dict)
    capacity: Capacity = field(default_factory=Capacity)
    closed: Phase | None = None
    memory: list[tuple[int, dict[int, float]]] = field(default_factory=list)
