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
from tests.commands.conftest import Workspace

AT = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
PLANS = "https://example.org/refreshed-plans.pdf"
REPORT = "https://example.org/lrlscb-annual-report.pdf"
MINUTES = "https://example.org/hwb-minutes.pdf"
WAIVED = "Presented jointly with the LRLSCB report"
NAMES = {"U0HWBBM": "HWB business manager", "U0LSCBCHAIR": "LRLSCB chair"}


def moment(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


def occurrence(ws: Workspace, duty_key: str, opens: date | None = None) -> DutyOccurrence:
    query = select(DutyOccurrence).join(Duty).where(Duty.key == duty_key)
    if opens is not None:
        query = query.where(DutyOccurrence.opens == opens)
    return ws.session.exec(query.order_by(DutyOccurrence.opens)).first()  # type: ignore[arg-type, return-value]


def add_minutes_duty(ws: Workspace) -> None:
    """As if the protocol said: the HWB's minutes go to the LRLSCB within 10 working days."""
    partnership = partnership_by_key("rutland", session=ws.session)
    assert partnership and partnership.id
    ws.session.add(
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
    ws.session.commit()


def run(ws: Workspace, when: datetime, command: str, text: str, user: str) -> None:
    ws.now = when
    ws.run(command, text, user)


def act(ws: Workspace, when: datetime, user: str, handler: object, *args: object) -> None:
    """A button press or modal answer, as one transaction."""
    ws.now = when
    handler(ws.invocation(user), *args)  # type: ignore[operator]
    ws.session.commit()


def record_duties(ws: Workspace) -> None:
    run(ws, moment(2026, 5, 20), "/duties", "hwb", "U0HWBBM")  # makes the year's occurrences
    plans = occurrence(ws, "refreshed-plans-shared", date(2026, 4, 1))
    run(ws, moment(2026, 5, 20), "/duties", f"done {plans.id} {PLANS}", "U0HWBBM")
    sab = occurrence(ws, "lrsab-annual-report-to-hwb", date(2026, 9, 1))
    run(ws, moment(2026, 11, 10), "/duties", f"waive {sab.id} {WAIVED}", "U0SABBM")
    lscb = occurrence(ws, "lrlscb-annual-report-to-hwb", date(2026, 9, 1))
    run(ws, moment(2026, 12, 3), "/duties", f"done {lscb.id} {REPORT}", "U0LSCBBM")


def record_meetings_and_minutes(ws: Workspace) -> None:
    when = moment(2026, 6, 1)
    run(ws, when, "/meetings", "add hwb 10 June 2026 at 10:00; Council Chamber", "U0HWBBM")
    run(ws, when, "/meetings", "add hwb 16 September 2026 at 10:00", "U0HWBBM")
    run(ws, when, "/meetings", "add lrlscb 7 October 2026 at 14:00", "U0LSCBBM")
    run(ws, when, "/meetings", "add hwb 15 April 2027 at 10:00", "U0HWBBM")  # next year
    run(ws, moment(2026, 6, 15), "/minutes", f"hwb 2026-06-10 {MINUTES}", "U0HWBBM")
    run(ws, moment(2026, 10, 20), "/minutes", "hwb 2026-09-16", "U0HWBSEC")


def record_agenda_requests(ws: Workspace) -> None:
    asked = moment(2026, 7, 1)
    run(ws, asked, "/agenda", "request hwb lrlscb Joint work on exploitation", "U0HWBBM")
    run(ws, asked, "/agenda", "request lrsab hwb Transitions to adult care", "U0SABBM")
    run(ws, asked, "/agenda", "request lrlscb lrsab Shared training", "U0LSCBBM")
    first, second, _ = ws.session.exec(select(AgendaRequest).order_by(AgendaRequest.id)).all()
    accept = ACTIONS["agenda_accept"]
    act(ws, moment(2026, 7, 2), "U0LSCBBM", accept, "agenda_accept", str(first.id))
    reason = {"reason": "Already on the January development session"}
    act(ws, moment(2026, 7, 3), "U0HWBBM", VIEWS["agenda_decline_reason"], reason, str(second.id))


def record_escalations(ws: Workspace) -> None:
    chair = "U0HWBCHAIR"
    run(ws, moment(2026, 7, 6), "/escalate", "open hwb lrlscb Data for the JSNA is late", chair)
    run(ws, moment(2026, 8, 20), "/escalate", "resolve 1 Data received and agreed", "U0LSCBCHAIR")
    run(ws, moment(2027, 2, 1), "/escalate", "open hwb lrsab Adults' priorities missing", chair)


def seed_year(ws: Workspace) -> None:
    for user, name in NAMES.items():
        ensure_person(user, session=ws.session, name=name)
    ws.session.commit()
    add_minutes_duty(ws)
    record_meetings_and_minutes(ws)
    record_duties(ws)
    record_agenda_requests(ws)
    record_escalations(ws)
    ws.now = AT
