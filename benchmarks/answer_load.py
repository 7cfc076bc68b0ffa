"""The load for answer_latency.py: signed slash commands sent open- or closed-loop over asyncio.

Every request is built and signed before its phase starts, so that sending one is a connect and
a write; each opens its own connection (`Connection: close`) as Slack's deliveries may.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import time
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from slack_sdk.signature import SignatureVerifier

# CLOCK_MONOTONIC is one clock for every process on the machine, so that a send time taken here
# and an arrival time taken in the stand-in Slack's process can be subtracted.
CLOCK_ID = time.CLOCK_MONOTONIC
ACK_TIMEOUT = 30.0  # seconds; a request without an HTTP answer by then counts as failed


def clock() -> float:
    return time.clock_gettime(CLOCK_ID)


@dataclass
class Command:
    """One signed request and what happened to it (times on `clock()`)."""

    key: str
    payload: bytes
    due: float = 0.0
    sent: float | None = None
    acked: float | None = None
    status: int = 0
    answered: float | None = None

    @property
    def ack_time(self) -> float:
        return math.inf if self.acked is None or self.sent is None else self.acked - self.sent

    @property
    def answer_time(self) -> float:
        return math.inf if self.answered is None or self.sent is None else self.answered - self.sent

    @property
    def lateness(self) -> float:
        return 0.0 if self.sent is None else max(0.0, self.sent - self.due)


class SlashCommands:
    """Builds signed `/duties` deliveries whose response_url names each one."""

    def __init__(self, port: int, secret: str, fields: dict[str, str], response_base: str):
        self.port, self.fields, self.response_base = port, fields, response_base
        self.verifier = SignatureVerifier(secret)
        self.numbers = itertools.count(1)

    def batch(self, count: int, prefix: str) -> list[Command]:
        timestamp = str(int(time.time()))  # Bolt accepts five minutes either way
        return [self._one(f"{prefix}-{next(self.numbers)}", timestamp) for _ in range(count)]

    def _one(self, key: str, timestamp: str) -> Command:
        form = {
            **self.fields,
            "response_url": f"{self.response_base}{key}",
            "trigger_id": f"{key}.trigger",
        }
        body = urllib.parse.urlencode(form).encode()
        signature = self.verifier.generate_signature(timestamp=timestamp, body=body)
        head = (
            "POST /slack/events HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{self.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"X-Slack-Request-Timestamp: {timestamp}\r\n"
            f"X-Slack-Signature: {signature}\r\n"
            "Connection: close\r\n\r\n"
        )
        return Command(key, head.encode() + body)


async def _send(port: int, command: Command) -> None:
    command.sent = clock()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), ACK_TIMEOUT
        )
        try:
            writer.write(command.payload)
            response = await asyncio.wait_for(reader.read(), ACK_TIMEOUT)  # to the server's close
        finally:
            writer.close()
    except (OSError, TimeoutError):
        return  # no ack: counted as failed
    command.acked = clock()
    status = response[9:12]
    command.status = int(status) if status.isdigit() else 0


async def _open_loop(port: int, commands: Sequence[Command], rate: float) -> None:
    start = clock() + 0.02
    tasks = []
    for index, command in enumerate(commands):
        command.due = start + index / rate
        wait = command.due - clock()
        if wait > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(_send(port, command)))
    await asyncio.gather(*tasks)


async def _closed_loop(port: int, commands: Sequence[Command], clients: int) -> None:
    queue = iter(commands)

    async def client() -> None:
        for command in queue:  # one shared iterator: each command is taken once
            command.due = clock()
            await _send(port, command)

    await asyncio.gather(*(client() for _ in range(clients)))


@dataclass(frozen=True)
class Effort:
    """What the generator spent on a phase: its wall time and CPU seconds."""

    wall: float
    cpu: float

    @property
    def share(self) -> float:
        """CPU as a share of one core over the phase."""
        return self.cpu / self.wall if self.wall else 0.0


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def open_loop(port: int, commands: Sequence[Command], rate: float) -> Effort:
    """Start each command at its time, `rate` a second, whether or not earlier ones returned."""
    wall, cpu = clock(), _cpu()
    asyncio.run(_open_loop(port, commands, rate))
    return Effort(clock() - wall, _cpu() - cpu)


def closed_loop(port: int, commands: Sequence[Command], clients: int) -> Effort:
    """`clients` senders, each sending its next command when its last one's ack returns."""
    wall, cpu = clock(), _cpu()
    asyncio.run(_closed_loop(port, commands, clients))
    return Effort(clock() - wall, _cpu() - cpu)


def percentile(values: Iterable[float], p: float) -> float:
    """Nearest rank; a missing value (inf) counts as the slowest."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]
