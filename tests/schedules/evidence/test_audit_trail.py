"""The audit trail in words: when, who, what, the record touched, and what changed."""

from __future__ import annotations

from datetime import UTC, datetime

from schedules.evidence.audit_trail import AuditLine, audit_lines
from storage.queries.partnerships import partnership_by_key
from tests.commands.conftest import BoundPartnership


def lines(
    bound: BoundPartnership, start: datetime | None = None, end: datetime | None = None
) -> list[AuditLine]:
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership and partnership.id
    return audit_lines(partnership.id, start, end, session=bound.session)


def test_it_lists_every_change_oldest_first_in_london_time(year: BoundPartnership) -> None:
    found = lines(year)
    assert [line.at for line in found] == sorted(line.at for line in found)
    first = found[0]
    assert first.london == "2026-05-20 11:00"  # 10:00 UTC in summer time
    assert first.text() == (
        "2026-05-20 11:00  U0HWBBM (HWB business manager)  duty.done  "
        "duty_occurrence #11 Refreshed plans shared (Apr–May 2026)  "
        "status: pending → done; evidence_link: https://example.org/refreshed-plans.pdf"
    )


def test_it_names_the_record_each_entry_touched(year: BoundPartnership) -> None:
    targets = {line.action: line.target for line in lines(year)}
    assert targets["meeting.added"].startswith("meeting #")
    assert "HWB meeting 2026-06-10 10:00" in [line.record for line in lines(year)]
    assert targets["minutes.shared"].endswith("HWB minutes of 2026-09-16")
    assert targets["agenda.declined"] == "agenda_request #2 LRSAB → HWB: Transitions to adult care"
    assert targets["escalation.resolved"] == "escalation #1 HWB → LRLSCB: Data for the JSNA is late"
    assert targets["protocol.load"] == "partnership #1 rutland"


def test_a_change_shows_before_and_after_and_a_new_record_its_fields(
    year: BoundPartnership,
) -> None:
    by_action = {line.action: line for line in lines(year)}
    declined = by_action["agenda.declined"]
    assert declined.changes_text() == (
        "status: open → declined; reason: Already on the January development session"
    )
    requested = by_action["agenda.requested"]
    assert requested.changes()[0] == ("from", None, "lrlscb")
    resolved = by_action["escalation.resolved"].changes_text()
    assert "outcome: — → Data received and agreed" in resolved


def test_a_person_without_a_stored_name_is_their_slack_id(year: BoundPartnership) -> None:
    who = {line.actor: line.who for line in lines(year)}
    assert who["U0HWBBM"] == "U0HWBBM (HWB business manager)"
    assert who["U0SABBM"] == "U0SABBM" and who["cli"] == "cli"


def test_it_keeps_to_the_instants_asked_for(year: BoundPartnership) -> None:
    start = datetime(2026, 7, 1, 0, tzinfo=UTC)
    end = datetime(2026, 7, 3, 0, tzinfo=UTC)
    assert [line.action for line in lines(year, start, end)] == [
        "agenda.requested",
        "agenda.requested",
        "agenda.requested",
        "agenda.accepted",
    ]


def test_a_membership_entry_names_its_board_role_and_person(bound: BoundPartnership) -> None:
    bound.run("/boards", "role lrsab @U0NEWSEC secretariat", "U0SABBM")
    added = [line for line in lines(bound) if line.action == "board.role_added"]
    assert [line.record for line in added] == ["LRSAB secretariat U0NEWSEC"]
    assert added[0].as_json()["after"] == {
        "board": "lrsab",
        "user": "U0NEWSEC",
        "role": "secretariat",
    }
