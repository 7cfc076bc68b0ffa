"""Two partnerships that name the same two boards: City's and Hackney's, as the City & Hackney
safeguarding boards are parties to both protocols. Each has a duty keyed alike, so that their
prompts to the shared channel would collide if the partnership were not in the outbox key."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.setup_file import SetupReport, apply_setup, parse_setup
from schedules.protocol import parse_protocol
from schedules.protocol.store import store_protocol

BOARDS = """\
  - {key: chscb, name: City & Hackney Safeguarding Children Board, kind: safeguarding_children}
"""
CITY = (
    "partnership: {key: city, name: City of London partnership}\n"
    "boards:\n"
    "  - {key: chwb, name: City of London Health and Wellbeing Board, kind: health_and_wellbeing}\n"
    + BOARDS
    + "  - {key: chsab, name: City & Hackney Safeguarding Adults Board,"
    " kind: safeguarding_adults}\n"
    "duties:\n"
    "  - {id: annual-report, title: CHSCB annual report to the City HWB, owners: [chscb],\n"
    "     counterparts: [chwb], evidence: Presented at a CHWB meeting, clause: '4.1',\n"
    "     schedule: {windows: [{opens: sep, closes: nov}]}}\n"
    "  - {id: adults-report, title: CHSAB annual report to the City HWB, owners: [chsab],\n"
    "     counterparts: [chwb], evidence: Presented at a CHWB meeting, clause: '4.2',\n"
    "     schedule: {windows: [{opens: sep, closes: nov}]}}\n"
)
HACKNEY = (
    "partnership: {key: hackney, name: Hackney partnership}\n"
    "boards:\n"
    "  - {key: hhwb, name: Hackney Health and Wellbeing Board, kind: health_and_wellbeing}\n"
    + BOARDS
    + "  - {key: sab, name: City & Hackney Safeguarding Adults Board, kind: safeguarding_adults}\n"
    "duties:\n"
    "  - {id: annual-report, title: CHSCB annual report to the Hackney HWB, owners: [chscb],\n"
    "     counterparts: [hhwb], evidence: Presented at an HHWB meeting, clause: '7',\n"
    "     schedule: {windows: [{opens: sep, closes: nov}]}}\n"
    "  - {id: adults-report, title: SAB annual report to the Hackney HWB, owners: [sab],\n"
    "     counterparts: [hhwb], evidence: Presented at an HHWB meeting, clause: '8',\n"
    "     schedule: {windows: [{opens: sep, closes: nov}]}}\n"
)
CHILDREN = "{U0CHSCBCHAIR: chair, U0CHSCBBM: business_manager}"
ADULTS = "{U0CHSABCHAIR: chair, U0CHSABBM: business_manager}"
CITY_SETUP = f"""\
partnership: city
digest_channel: C0CITYDIGEST
boards:
  chwb: {{channel: C0CHWB, people: {{U0CHWBBM: business_manager}}}}
  chscb: {{channel: C0CHSCB, people: {CHILDREN}}}
  chsab: {{channel: C0CHSAB, people: {ADULTS}}}
"""
HACKNEY_SETUP = f"""\
partnership: hackney
digest_channel: C0HACKDIGEST
boards:
  hhwb: {{channel: C0HHWB, people: {{U0HHWBBM: business_manager}}}}
  chscb: {{channel: C0CHSCB, people: {CHILDREN}}}
  sab: {{channel: C0CHSAB, people: {ADULTS}}}
"""
CHANNELS = ("C0CHWB", "C0HHWB", "C0CHSCB", "C0CHSAB", "C0CITYDIGEST", "C0HACKDIGEST")


def apply(session: Session, text: str, now: datetime) -> SetupReport:
    setup = parse_setup(text, "setup.yaml", session=session)
    report = apply_setup(setup, session=session, now=now)
    session.commit()
    return report


def bind_city_and_hackney(session: Session, now: datetime) -> tuple[SetupReport, SetupReport]:
    """Both protocols loaded and both setups applied: (City's report, Hackney's)."""
    for text in (CITY, HACKNEY):
        store_protocol(parse_protocol(text, "protocol.yaml"), session=session, now=now)
    session.commit()
    return apply(session, CITY_SETUP, now), apply(session, HACKNEY_SETUP, now)
