"""One tick's sending for one workspace: settle prompts in flight, then send what is due.

It waits on Slack only within the tick's budget and never sleeps: Slack's Retry-After becomes the
row's next attempt, and what the budget leaves goes to the next tick. While Slack refuses the
workspace's token nothing is sent and no attempt is spent: the pause is recorded once (so it is
logged once, by whichever clock saw it first), shown by `boardbot outbox`, probed once a tick
while prompts wait, and lifted when Slack accepts the token.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from schedules import outbox
from schedules.sending import UNIDENTIFIED, Delivery, LookupFailed, Sender, SlackBudget, TickReport
from storage.db import transaction
from storage.models import OutboxPrompt, SendingPause
from storage.queries.outbox import begin_pause, claim, due_ids, end_pauses, pause_of

log = logging.getLogger("schedules.clock")  # the clock's own log, which operators watch


@dataclass
class SendingRound:
    engine: Engine
    now: datetime
    sender: Sender
    report: TickReport
    budget: SlackBudget
    # The one workspace this round sends for (each workspace its own token); None: every
    # prompt, with the one token from the environment.
    team_id: str | None = None
    refusal: str | None = None  # why Slack refuses the token, once known this tick
    slowed: bool = False  # Slack answered 429: nothing more this tick
    _open: bool | None = field(default=None, init=False)
    _workspace: str | None = field(default=None, init=False)
    _unexpected: dict[str, BaseException] = field(default_factory=dict, init=False)

    # -- in flight -------------------------------------------------------------------------

    def recover_in_flight(self) -> None:
        """A crash, a timeout or an uncertain answer leaves a row in flight: look for its key in
        the channel, then mark it sent or send it again. A row whose look-up keeps failing
        fails a day after its claim, with the reason."""
        with Session(self.engine) as session:
            stale = outbox.stale_claims(self.now, session=session, team_id=self.team_id)
            ids = [row.id for row in stale]
        fresh: dict[str, int] = {}
        for prompt_id in ids:
            if self.budget.spent and self.workspace_open():
                break  # the rest are looked up next tick
            with transaction(self.engine) as session:
                row = session.get(OutboxPrompt, prompt_id)
                if row is None or row.status != outbox.SENDING:
                    continue  # another clock settled it meanwhile
                reason = self.settle_in_flight(row)
                if reason is None:
                    continue
                if outbox.note_lookup_failure(row, reason, self.now) and self.refusal is None:
                    fresh[reason] = fresh.get(reason, 0) + 1
                self.report.failed += row.status == outbox.FAILED
        self.log_lookup_trouble(fresh)

    def settle_in_flight(self, row: OutboxPrompt) -> str | None:
        """Mark the row sent or pending again; or say why its history could not be read."""
        if not self.workspace_open():
            return f"sending paused ({self.refusal})"
        try:
            with self.budget.spending():
                found = self.sender.find_sent(row)
        except LookupFailed as exc:
            if exc.refused:
                self.refuse(exc.reason)
                return f"sending paused ({exc.reason})"
            return exc.reason
        except Exception as exc:  # noqa: BLE001 - a bug in a look-up must not stop the other rows
            reason = type(exc).__name__
            self._unexpected.setdefault(reason, exc)
            return reason
        if found:
            outbox.mark_sent(row, found[0], found[1], self.now)
        else:
            outbox.resend(row, self.now)
        self.report.recovered += 1
        self.report.failed += row.status == outbox.FAILED
        return None

    def log_lookup_trouble(self, fresh: dict[str, int]) -> None:
        """Once per new reason, not once per row or per tick: the rows remember their reason."""
        for reason, count in fresh.items():
            log.warning(
                "could not look up %d prompt(s) in Slack's channel history (%s); they stay in "
                "flight, are looked up again every tick, and fail a day after they were sent",
                count,
                reason,
                exc_info=self._unexpected.get(reason),
            )

    # -- due -------------------------------------------------------------------------------

    def send_due(self) -> None:
        with Session(self.engine) as session:
            ids = due_ids(self.now, session=session, team_id=self.team_id)
        for index, prompt_id in enumerate(ids):
            if self.slowed or self.budget.spent or not self.workspace_open():
                self.report.left += len(ids) - index
                return
            self.send_one(prompt_id)

    def send_one(self, prompt_id: int) -> None:
        """Claim one pending row and send it; a lost claim means another clock has it."""
        with Session(self.engine, expire_on_commit=False) as session:
            won = claim(prompt_id, self.now, session=session)
            session.commit()  # the claim must be visible before Slack is called
            if not won:
                return
            row = session.get(OutboxPrompt, prompt_id)
            assert row is not None
            try:
                with self.budget.spending():
                    delivery = self.sender.send(row)
            except Exception as exc:  # a bug in one prompt must not stop the tick
                log.exception("sending prompt %s raised", prompt_id)
                delivery = Delivery(error=f"{type(exc).__name__}: {exc}")
            self.settle(row, delivery)
            session.add(row)
            session.commit()
        if delivery.refused:
            self.refuse(delivery.error or "refused")

    def settle(self, row: OutboxPrompt, delivery: Delivery) -> None:
        report = self.report
        if delivery.error is None and delivery.channel and delivery.ts:
            outbox.mark_sent(row, delivery.channel, delivery.ts, self.now)
            report.sent += 1
        elif delivery.refused:
            outbox.release(row)  # Slack never judged the prompt: no attempt is spent
        elif delivery.permanent:
            outbox.mark_failed(row, delivery.error or "failed")
            report.failed += 1
        elif delivery.uncertain:
            outbox.mark_uncertain(row, delivery.error or "no answer")
            report.retried += 1
        else:
            outbox.mark_retry(row, delivery.error or "no answer", self.now, delivery.retry_after)
            self.slowed = delivery.retry_after is not None
            report.retried += row.status == outbox.PENDING
            report.failed += row.status == outbox.FAILED

    # -- the workspace's token -------------------------------------------------------------

    def workspace_open(self) -> bool:
        """False while Slack refuses the token; a paused workspace is probed once a tick."""
        if self._open is None:
            self._open = self.probe()
        return self._open

    def workspace(self) -> str:
        """The sender's workspace, asked once a round (it may cost a call to Slack)."""
        if self._workspace is None:
            with self.budget.spending():
                self._workspace = self.sender.workspace
        return self._workspace

    def probe(self) -> bool:
        workspace = self.workspace()
        with transaction(self.engine) as session:
            pause = pause_of(workspace, session=session)
            if pause is None:
                if workspace != UNIDENTIFIED:
                    self.resumed(end_pauses([UNIDENTIFIED], session=session))
                return True
            refusal = pause.error
        with self.budget.spending():
            problem = self.sender.check()
        with transaction(self.engine) as session:
            if problem is None:
                self._workspace = None  # a token that works says which workspace it is
                keys = [workspace, self.workspace(), UNIDENTIFIED]
                self.resumed(end_pauses(keys, session=session))
                return True
            pause = pause_of(workspace, session=session)
            if pause is not None:
                pause.checked_at = self.now
        self.refusal = self.report.paused = refusal
        return False

    def refuse(self, error: str) -> None:
        workspace = self.workspace()
        with transaction(self.engine) as session:
            started = begin_pause(workspace, error, self.now, session=session)
        if started:
            log.warning(
                "Slack refuses the token of workspace %s (%s): sending is paused; its prompts "
                "wait, pending, and go out once the token works again",
                workspace,
                error,
            )
        self._open = False
        self.refusal = self.report.paused = error

    def resumed(self, lifted: list[SendingPause]) -> None:
        for pause in lifted:
            log.info(
                "Slack accepts the token of workspace %s again: sending resumes (paused since "
                "%s: %s)",
                pause.workspace,
                pause.since.isoformat(timespec="minutes"),
                pause.error,
            )


def send_one(
    engine: Engine, prompt_id: int, now: datetime, sender: Sender, report: TickReport
) -> None:
    """Send one row now (`boardbot digest --post`); while the token is refused it waits."""
    sending = SendingRound(engine, now, sender, report, SlackBudget())
    if sending.workspace_open():
        sending.send_one(prompt_id)
