"""A rutland year recorded through the real slash commands, for the evidence pack's tests.

2026/27, as at 10 March 2027: the refreshed plans done on time, the LRLSCB annual report done
late, the LRSAB's waived, the HWB strategy review overdue; the HWB's minutes due within 10
working days of its meetings (shared once on time, once late), the LRLSCB's with no limit (not
shared); three agenda requests (accepted, declined, unanswered); two escalations (one resolved
after its deadline, one still waiting past it)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from commands.agenda import ACTIONS, VIEWS
from storage.models import AgendaRequest, Duty, DutyOccurrence
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import ensure_person
from tests.commands.conftest import BoundPartnership

AT = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
PLANS = "https://example.org/refreshed-plans.pdf"
REPORT = "https://example.org/lrlscb-annual-report.pdf"
MINUTES = "https://example.org/hwb-minutes.pdf"
WAIVED = "Presented jointly with the LRLSCB report"
NAMES = {"U0HWBBM": "HWB business manager", "U0LSCBCHAIR": "LRLSCB chair"}


def moment(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


def occurrence(bound: BoundPartnership, duty_key: str, opens: date | None = None) -> DutyOccurrence:
    query = select(DutyOccurrence).join(Duty).where(Duty.key == duty_key)
    if opens is not None:
        query = query.where(DutyOccurrence.opens == opens)
    return bound.session.exec(query.order_by(DutyOccurrence.opens)).first()  # type: ignore[arg-type, return-value]


def add_minutes_duty(bound: BoundPartnership) -> None:
    """As if the protocol said: the HWB's minutes go to the LRLSCB within 10 working days."""
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership and partnership.id
    bound.session.add(
        Duty(
            partnership_id=partnership.id,
            key="hwb-minutes-shared",
            title="HWB minutes shared with the LRLSCB",
            owners=["hwb"],
            counterparts=["lrlscb"],
            evidence="Minutes of each HWB meeting circulated",
            clause="Arrangements, para 4",
            schedule={"after_meetings": {"of": ["hwb"], "within_working_days": 10}},
        )
    )
    bound.session.commit()


def run(bound: BoundPartnership, when: datetime, command: str, text: str, user: str) -> None:
    bound.now = when
    bound.run(command, text, user)


def act(bound: BoundPartnership, when: datetime, user: str, handler: object, *args: object) -> None:
    """A button press or modal answer, as one transaction."""
    bound.now = when
    handler(bound.invocation(user), *args)  # type: ignore[operator]
    bound.session.commit()


def record_duties(bound: BoundPartnership) -> None:
    run(bound, moment(2026, 5, 20), "/duties", "hwb", "U0HWBBM")  # makes the year's occurrences
    plans = occurrence(bound, "refreshed-plans-shared", date(2026, 4, 1))
    run(bound, moment(2026, 5, 20), "/duties", f"done {plans.id} {PLANS}", "U0HWBBM")
    sab = occurrence(bound, "lrsab-annual-report-to-hwb", date(2026, 9, 1))
    run(bound, moment(2026, 11, 10), "/duties", f"waive {sab.id} {WAIVED}", "U0SABBM")
    lscb = occurrence(bound, "lrlscb-annual-report-to-hwb", date(2026, 9, 1))
    run(bound, moment(2026, 12, 3), "/duties", f"done {lscb.id} {REPORT}", "U0LSCBBM")


def record_meetings_and_minutes(bound: BoundPartnership) -> None:
    when = moment(2026, 6, 1)
    run(bound, when, "/meetings", "add hwb 10 June 2026 at 10:00; Council Chamber", "U0HWBBM")
    run(bound, when, "/meetings", "add hwb 16 September 2026 at 10:00", "U0HWBBM")
    run(bound, when, "/meetings", "add lrlscb 7 October 2026 at 14:00", "U0LSCBBM")
    run(bound, when, "/meetings", "add hwb 15 April 2027 at 10:00", "U0HWBBM")  # next year
    run(bound, moment(2026, 6, 15), "/minutes", f"hwb 2026-06-10 {MINUTES}", "U0HWBBM")
    run(bound, moment(2026, 10, 20), "/minutes", "hwb 2026-09-16", "U0HWBSEC")


def record_agenda_requests(bound: BoundPartnership) -> None:
    asked = moment(2026, 7, 1)
    run(bound, asked, "/agenda", "request hwb lrlscb Joint work on exploitation", "U0HWBBM")
    run(bound, asked, "/agenda", "request lrsab hwb Transitions to adult care", "U0SABBM")
    run(bound, asked, "/agenda", "request lrlscb lrsab Shared training", "U0LSCBBM")
    first, second, _ = bound.session.exec(select(AgendaRequest).order_by(AgendaRequest.id)).all()
    accept = ACTIONS["agenda_accept"]
    act(bound, moment(2026, 7, 2), "U0LSCBBM", accept, "agenda_accept", str(first.id))
    reason = {"reason": "Already on the January development session"}
    act(
        bound, moment(2026, 7, 3), "U0HWBBM", VIEWS["agenda_decline_reason"], reason, str(second.id)
    )


def record_escalations(bound: BoundPartnership) -> None:
    chair = "U0HWBCHAIR"
    run(bound, moment(2026, 7, 6), "/escalate", "open hwb lrlscb Data for the JSNA is late", chair)
    run(
        bound, moment(2026, 8, 20), "/escalate", "resolve 1 Data received and agreed", "U0LSCBCHAIR"
    )
    run(bound, moment(2027, 2, 1), "/escalate", "open hwb lrsab Adults' priorities missing", chair)


def seed_year(bound: BoundPartnership) -> None:
    for user, name in NAMES.items():
        ensure_person(user, session=bound.session, name=name)
    bound.session.commit()
    add_minutes_duty(bound)
    record_meetings_and_minutes(bound)
    record_duties(bound)
    record_agenda_requests(bound)
    record_escalations(bound)
    bound.now = AT
