"""/escalate opens a concern between boards and takes it up the ladder, audited at every step."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from commands import escalate
from commands.context import Invocation
from commands.registry import command_handler
from commands.reply import Mention, Reply
from storage.db import transaction
from storage.errors import BoardbotError
from storage.models import AuditEntry, Escalation, EscalationStep, Ladder
from storage.queries.partnerships import partnership_by_key
from tests.commands.conftest import NOW, OUTSIDER, BoundPartnership, bind_rutland
from tests.logcheck import private

CONCERN = private("JSNA refresh omits the children's safeguarding priorities")
NOTE = private("no reply to the written request")
OUTCOME = private("JSNA refresh now includes the priorities")
AT_ONCE = 160
# The Suffolk protocol's mutual-challenge routes (section 10), as a ladder.
SUFFOLK_STAGES = [
    {
        "name": "Formal written request",
        "who_acts": "The chair raising it",
        "response_working_days": 10,
    },
    {
        "name": "Item on the other board's agenda",
        "who_acts": "Both chairs",
        "response_working_days": 20,
    },
    {"name": "Meeting of the chairs", "who_acts": "Both chairs", "response_working_days": 15},
    {
        "name": "Resolution meeting",
        "who_acts": "The chairs and the Directors of Children's and Adults' Services",
        "response_working_days": 20,
    },
]


def counts(bound: BoundPartnership) -> tuple[int, ...]:
    tables = (Escalation, EscalationStep, Ladder, AuditEntry)
    return tuple(bound.session.exec(select(func.count()).select_from(t)).one() for t in tables)


def audit_actions(bound: BoundPartnership) -> list[str]:
    query = select(AuditEntry).where(AuditEntry.action != "protocol.load")
    return [e.action for e in bound.session.exec(query.order_by(col(AuditEntry.id)))]


def add_suffolk_ladder(bound: BoundPartnership) -> Ladder:
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership and partnership.id
    ladder = Ladder(
        partnership_id=partnership.id, key="mutual-challenge", name="Mutual challenge",
        clause="10", stages=SUFFOLK_STAGES,
    )  # fmt: skip
    bound.session.add(ladder)
    bound.session.commit()
    return ladder


def open_one(bound: BoundPartnership, user: str = "U0LSCBCHAIR") -> Escalation:
    bound.run("/escalate", f"open lrlscb hwb {CONCERN}", user)
    row = bound.session.exec(select(Escalation).order_by(col(Escalation.id).desc())).first()
    assert row is not None
    return row


def channels(reply: Reply) -> list[str | None]:
    return [post.channel for post in reply.posts]


def test_it_opens_an_escalation_on_a_single_stage_ladder_made_on_first_use(
    bound: BoundPartnership,
) -> None:
    reply = bound.run("/escalate", f"open LRLSCB hwb {CONCERN}", "U0LSCBCHAIR")
    ladder = bound.session.exec(select(Ladder)).one()
    assert (ladder.key, ladder.name) == ("default", "Resolution between chairs")
    assert ladder.stages == [
        {
            "name": "Chairs meet to resolve the concern",
            "who_acts": "The chairs of both boards",
            "response_working_days": 20,
        }
    ]
    row = bound.session.exec(select(Escalation)).one()
    assert (row.stage, row.status, row.text, row.opened_by) == (1, "open", CONCERN, "U0LSCBCHAIR")
    assert row.stage_deadline == date(2026, 12, 21)  # 20 working days from Monday 23 November
    assert reply.ephemeral
    for words in (f"#{row.id}", "Chairs meet to resolve the concern", "chairs of both", "21 Dec"):
        assert words in reply.message.text
    assert "The protocol has no ladder of its own, so this is the default" in reply.message.text
    assert channels(reply) == ["C0HWB", "C0LSCB"]
    assert "LRLSCB has raised a concern with HWB" in reply.posts[0].text
    steps = bound.session.exec(select(EscalationStep)).all()
    assert [(s.action, s.stage, s.by) for s in steps] == [("opened", 1, "U0LSCBCHAIR")]
    assert audit_actions(bound) == ["ladder.created", "escalation.opened"]
    opened = bound.session.exec(
        select(AuditEntry).where(AuditEntry.action == "escalation.opened")
    ).one()
    assert opened.actor == "U0LSCBCHAIR" and opened.entity_id == row.id
    assert opened.after and opened.after["text"] == CONCERN and opened.after["stage"] == 1


def test_a_second_escalation_uses_the_ladder_made_for_the_first(bound: BoundPartnership) -> None:
    open_one(bound)
    bound.run("/escalate", "open hwb lrsab Adults' priorities missing", "U0HWBSEC")
    assert len(bound.session.exec(select(Ladder)).all()) == 1
    assert audit_actions(bound).count("ladder.created") == 1


def test_many_first_escalations_at_once_make_one_default_ladder(engine: Engine) -> None:
    """Every request finds no ladder, and all of them try to make it: one insert wins."""
    with Session(engine) as session:
        bind_rutland(session)
    start = threading.Barrier(AT_ONCE)

    def open_concern(number: int) -> str:
        start.wait()
        try:
            with transaction(engine) as session:
                inv = Invocation(session, "U0LSCBCHAIR", "C0LSCB", NOW)
                text = f"open lrlscb hwb Concern {number} about the JSNA"
                return command_handler("/escalate")(inv, text).message.text
        except Exception as failed:  # noqa: BLE001 - any failure is the finding
            return repr(failed)

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        answers = list(pool.map(open_concern, range(AT_ONCE)))

    failed = [answer for answer in answers if not answer.startswith("Escalation #")]
    assert failed == []
    with Session(engine) as session:
        [ladder] = session.exec(select(Ladder)).all()
        ladders_used = set(session.exec(select(Escalation.ladder_id)).all())
        created = session.exec(select(AuditEntry).where(AuditEntry.action == "ladder.created"))
        assert len(created.all()) == 1
    assert ladders_used == {ladder.id} and ladder.key == "default"


def test_a_deadline_skips_christmas_and_new_year_bank_holidays(bound: BoundPartnership) -> None:
    bound.now = datetime(2026, 12, 18, 10, 0, tzinfo=UTC)  # a Friday
    row = open_one(bound)
    # 25 and 28 December 2026 and 1 January 2027 are bank holidays in England.
    assert row.stage_deadline == date(2027, 1, 20)


def test_it_climbs_a_protocols_ladder_stage_by_stage(bound: BoundPartnership) -> None:
    add_suffolk_ladder(bound)
    row = open_one(bound)
    assert (row.stage, row.stage_deadline) == (1, date(2026, 12, 7))
    bound.now = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    reply = bound.run("/escalate", f"advance {row.id} {NOTE}", "U0HWBBM")
    assert (row.stage, row.stage_deadline) == (2, date(2027, 1, 8))  # 20 days, over Christmas
    assert "2/4 Item on the other board's agenda" in reply.message.text
    assert channels(reply) == ["C0HWB", "C0LSCB"]
    assert NOTE in reply.posts[0].text
    bound.run("/escalate", f"advance #{row.id}", "U0LSCBSEC")
    bound.run("/escalate", f"advance {row.id}", "U0HWBCHAIR")
    assert row.stage == 4
    with pytest.raises(BoardbotError) as refused:
        bound.run("/escalate", f"advance {row.id}", "U0HWBCHAIR")
    assert refused.value.message == (
        f"#{row.id} is already at the final stage (Resolution meeting); "
        f"resolve it with /escalate resolve {row.id} OUTCOME"
    )
    steps = bound.session.exec(select(EscalationStep).order_by(col(EscalationStep.id))).all()
    assert [(s.action, s.stage) for s in steps] == [
        ("opened", 1), ("advanced", 2), ("advanced", 3), ("advanced", 4),
    ]  # fmt: skip
    assert steps[1].note == NOTE and steps[2].note is None


def test_it_resolves_an_escalation_once(bound: BoundPartnership) -> None:
    row = open_one(bound)
    reply = bound.run("/escalate", f"resolve {row.id} {OUTCOME}", "U0HWBCHAIR")
    assert (row.status, row.outcome, row.resolved_at) == ("resolved", OUTCOME, bound.now)
    assert "is resolved" in reply.message.text and channels(reply) == ["C0HWB", "C0LSCB"]
    before = counts(bound)
    with pytest.raises(BoardbotError, match="already resolved"):
        bound.run("/escalate", f"resolve {row.id} again", "U0HWBCHAIR")
    with pytest.raises(BoardbotError, match="already resolved"):
        bound.run("/escalate", f"advance {row.id}", "U0HWBCHAIR")
    assert counts(bound) == before
    assert audit_actions(bound)[-1] == "escalation.resolved"


@pytest.mark.parametrize(
    ("text", "user", "message"),
    [
        (
            f"open lrlscb hwb {CONCERN}",
            "U0HWBBM",
            "LRLSCB's chair or business manager or secretariat",
        ),
        (f"open lrlscb hwb {CONCERN}", OUTSIDER, "to escalate a concern from LRLSCB you need"),
        (f"open hwb hwb {CONCERN}", "U0HWBCHAIR", "HWB cannot escalate a concern to itself"),
        ("open lrlscb hwb", "U0LSCBCHAIR", "give the board raising it"),
        (f"open lrlscb nope {CONCERN}", "U0LSCBCHAIR", "no board called 'nope'"),
        ("open lrlscb hwb " + "x" * 301, "U0LSCBCHAIR", "keep it under 300"),
        ("close 1", "U0LSCBCHAIR", "is not an /escalate command"),
        ("advance", "U0LSCBCHAIR", "to advance an escalation, give the escalation's id"),
        ("resolve 1", "U0LSCBCHAIR", "give the escalation's id and the outcome"),
        ("show one", "U0LSCBCHAIR", "'one' is not an escalation id"),
        ("show 999", "U0LSCBCHAIR", "there is no escalation #999"),
        ("list hwb extra", "U0LSCBCHAIR", "is not an /escalate command"),
    ],
)
def test_a_refused_command_says_why_and_writes_nothing(
    bound: BoundPartnership, text: str, user: str, message: str
) -> None:
    before = counts(bound)
    with pytest.raises(BoardbotError, match=message) as refused:
        bound.run("/escalate", text, user)
    assert counts(bound) == before
    if "is not" in message or "give" in message:
        assert refused.value.usage and "/escalate open FROM TO TEXT" in refused.value.usage


def test_only_the_two_boards_officers_may_advance_or_resolve(bound: BoundPartnership) -> None:
    row = open_one(bound)
    before = counts(bound)
    needed = "LRLSCB's or HWB's chair or business manager or secretariat"
    for text in (f"advance {row.id}", f"resolve {row.id} settled"):
        with pytest.raises(BoardbotError, match=needed):
            bound.run("/escalate", text, "U0SABCHAIR")
    assert counts(bound) == before and row.stage == 1


def test_it_lists_open_and_recently_resolved_escalations_with_time_waiting(
    bound: BoundPartnership,
) -> None:
    late = open_one(bound)
    done = open_one(bound)
    bound.run("/escalate", f"resolve {done.id} agreed at the chairs' meeting", "U0HWBCHAIR")
    bound.now = datetime(2026, 12, 23, 10, 0, tzinfo=UTC)
    reply = bound.run("/escalate", "list", OUTSIDER)
    text = str(reply.message.blocks)
    assert f"#{late.id}" in text and "stage 1/1 Chairs meet to resolve the concern" in text
    assert "22 working days waiting" in text and "past its deadline of 21 Dec 2026" in text
    assert f"#{done.id}" in text and "agreed at the chairs' meeting" in text
    assert reply.ephemeral and reply.message.text.startswith("1 open escalation for")


def test_a_board_sees_only_its_own_escalations_and_old_resolutions_drop_off(
    bound: BoundPartnership,
) -> None:
    row = open_one(bound)
    assert (
        "No escalations are open for LRSAB"
        in bound.run("/escalate", "list lrsab", OUTSIDER).message.text
    )
    assert f"#{row.id}" in str(bound.run("/escalate", "list #C0HWB", OUTSIDER).message)
    bound.run("/escalate", f"resolve {row.id} settled", "U0HWBCHAIR")
    bound.now = datetime(2027, 2, 22, 10, 0, tzinfo=UTC)  # 91 days later
    assert "No escalations" in bound.run("/escalate", "list hwb", OUTSIDER).message.text


def test_it_shows_the_stage_history_with_who_and_when(bound: BoundPartnership) -> None:
    add_suffolk_ladder(bound)
    row = open_one(bound)
    bound.now = datetime(2027, 4, 1, 9, 30, tzinfo=UTC)  # 10:30 in London (BST)
    bound.run("/escalate", f"advance {row.id} asked for an agenda item", "U0HWBBM")
    reply = bound.run("/escalate", f"show {row.id}", OUTSIDER)
    history = reply.message.blocks[-1].lines[1:]
    assert history[0][:2] == ("Monday 23 November 2026, 10:00 · ", Mention("U0LSCBCHAIR"))
    assert history[1][:2] == ("Thursday 1 April 2027, 10:30 · ", Mention("U0HWBBM"))
    assert history[1][2] == " · advanced · stage 2/4 Item on the other board's agenda"
    assert history[1][3] == " · asked for an agenda item"
    assert CONCERN in str(reply.message.blocks)


def test_the_advance_button_moves_the_escalation_on_for_an_officer(bound: BoundPartnership) -> None:
    add_suffolk_ladder(bound)
    row = open_one(bound)
    handler = escalate.ACTIONS["escalation_advance"]
    reply = handler(bound.invocation("U0HWBCHAIR"), "escalation_advance", str(row.id))
    bound.session.commit()
    assert row.stage == 2 and "advanced" in reply.message.text
    with pytest.raises(BoardbotError, match="chair or business manager or secretariat"):
        handler(bound.invocation("U0SABBM"), "escalation_advance", str(row.id))
    bound.session.rollback()
    assert row.stage == 2


def test_help_and_a_bare_command_give_the_usage(bound: BoundPartnership) -> None:
    for text in ("", "help"):
        reply = bound.run("/escalate", text, OUTSIDER)
        assert "/escalate open FROM TO TEXT" in reply.message.text


def test_a_protocol_ladder_loaded_later_takes_over_from_the_default(
    bound: BoundPartnership,
) -> None:
    from storage.models import Ladder
    from storage.queries.partnerships import partnership_by_key

    bound.run("/escalate", "open hwb lrlscb JSNA data is late", "U0HWBBM")  # makes 'default'
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership is not None and partnership.id is not None
    stages = [
        {"name": "Formal written request", "who_acts": "Either chair", "response_working_days": 10},
        {"name": "Chairs' meeting", "who_acts": "The chairs", "response_working_days": 20},
    ]
    bound.session.add(
        Ladder(partnership_id=partnership.id, key="mutual-challenge", name="Mutual", stages=stages)
    )
    bound.session.commit()
    reply = bound.run("/escalate", "open hwb lrsab Plans not shared", "U0HWBBM")
    assert "Formal written request" in str(reply.message.blocks)
    assert "default" not in reply.message.text


def test_a_shortened_ladder_does_not_break_an_open_escalation(bound: BoundPartnership) -> None:
    from storage.models import Escalation, Ladder

    bound.run("/escalate", "open hwb lrlscb JSNA data is late", "U0HWBBM")
    escalation = bound.session.get(Escalation, 1)
    assert escalation is not None
    escalation.stage = 3  # as if a reload had cut a longer ladder down to one stage
    bound.session.commit()
    assert bound.session.get(Ladder, escalation.ladder_id) is not None
    shown = bound.run("/escalate", "show 1", "U0HWBBM")
    listed = bound.run("/escalate", "list", "U0HWBBM")
    assert "3/1" in str(shown.message.blocks) and "#1" in str(listed.message.blocks)
