"""A small partnership with a partner that is not a board, guests and triggered duties, bound to
channels and people: what the triggered-duty, partner and guest tests share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from schedules.outbox import Entry
from schedules.planner import plan_partnership
from schedules.protocol.loader import parse_protocol
from schedules.protocol.store import store_protocol
from storage.models import PartnerContact, Partnership
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import ensure_person
from tests.commands.conftest import BoundPartnership, bind_boards

# 23 November 2026, a Monday, 10:00 in London (GMT).
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

PROTOCOL = """
partnership:
  key: anyborough
  name: Anyborough Health and Wellbeing Board and Safeguarding Children Board
  agreed: 2014-10-28
  next_review: 2026-10-28
boards:
  - key: hwb
    name: Anyborough Health and Wellbeing Board
    kind: health_and_wellbeing
    guests: [{board: scb, roles: [chair]}]
  - key: scb
    name: Anyborough Safeguarding Children Board
    kind: safeguarding_children
    guests: [{board: hwb, roles: [chair]}, {partner: lead-member}]
partners:
  - key: cabinet
    name: Anyborough Council Cabinet
  - key: lead-member
    name: Lead Member for Children's Services
duties:
  - id: scb-annual-report
    title: SCB annual report to the HWB and Cabinet
    owners: [scb]
    counterparts: [hwb, cabinet]
    evidence: Annual report presented to the HWB and to Cabinet
    clause: "4"
    schedule: {windows: [{opens: sep, closes: nov}]}
  - id: cabinet-response
    title: Cabinet's response to the SCB annual report
    owners: [cabinet]
    counterparts: [scb]
    evidence: Cabinet's response sent to the SCB
    clause: "5"
    schedule: {triggered: {within_working_days: 20, by: scb-annual-report}}
  - id: strategy-progress-report
    title: Progress report at each review of the strategy
    owners: [hwb]
    counterparts: [scb]
    evidence: A report of progress against the strategy's targets received by both boards
    clause: "6"
    schedule: {triggered: {within_working_days: 20}}
  - id: scb-minutes-shared
    title: SCB minutes shared with the HWB
    owners: [scb]
    counterparts: [hwb]
    evidence: Minutes of the SCB meeting shared with the HWB
    clause: "7"
    schedule: {after_meetings: {of: [scb], within_working_days: 10}}
  - id: hwb-minutes-to-scb
    title: HWB minutes taken back to the SCB by its chair
    owners: [scb]
    evidence: Minutes of the HWB meeting shared with the SCB
    clause: "8"
    schedule: {after_meetings: {of: [hwb], within_working_days: 10}}
  - id: scb-response-to-hwb-minutes
    title: SCB response to matters in the HWB minutes
    owners: [scb]
    counterparts: [hwb]
    evidence: The SCB's response recorded in its papers
    clause: "9"
    schedule: {triggered: {within_working_days: 15, by: hwb-minutes-to-scb}}
"""

PEOPLE = {
    "hwb": {"U0HWBCHAIR": "chair", "U0HWBBM": "business_manager", "U0HWBMEM": "member"},
    "scb": {"U0SCBCHAIR": "chair", "U0SCBBM": "business_manager"},
}
CHANNELS = {"hwb": "C0HWB", "scb": "C0SCB"}
CONTACTS = {"cabinet": ["U0CAB"], "lead-member": ["U0LEAD"]}


@dataclass
class Anyborough(BoundPartnership):
    @property
    def partnership(self) -> Partnership:
        found = partnership_by_key("anyborough", session=self.session)
        assert found is not None
        return found

    def plan(self, now: datetime | None = None) -> list[Entry]:
        return plan_partnership(self.partnership, now or self.now, session=self.session)


def bind_anyborough(session: Session, *, contacts: bool = True) -> Anyborough:
    store_protocol(parse_protocol(PROTOCOL), session=session, now=NOW)
    session.flush()
    partnership = partnership_by_key("anyborough", session=session)
    assert partnership and partnership.id
    bind_boards(session, partnership.id, PEOPLE, CHANNELS)
    for key, users in CONTACTS.items() if contacts else ():
        for user in users:
            person = ensure_person(user, session=session)
            assert person.id
            session.add(
                PartnerContact(partnership_id=partnership.id, partner_key=key, person_id=person.id)
            )
    session.commit()
    return Anyborough(session, NOW)
