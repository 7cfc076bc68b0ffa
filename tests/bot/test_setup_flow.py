"""Setting a partnership up from the App Home, over signed HTTP with the stand-in Slack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.fakeslack import FakeSlack
from storage.models import AuditEntry, Board
from storage.queries.partnerships import partnership_by_key
from tests.bot.cli_run import boardbot
from tests.bot.conftest import (
    TEAM,
    TOKEN,
    Edge,
    Sent,
    serve_edge,
)

Json = dict[str, Any]
NEWCOMER, ADMIN, STRANGER = "U0NEWBM", "U0ADMIN", "U0STRANGER"
BAD_PROTOCOL = b"""partnership:
  key: mine
  name: My partnership
boards:
  - key: hwb
    name: Health and Wellbeing Board
    kind: sometimes
"""


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(tokens={TOKEN}) as server:
        server.add_channel("C0HWB", "hwb-board", member=False)
        server.add_channel("C0LSCB", "lscb-board", member=False)
        server.add_channel("C0SAB", "sab-board", member=False, private=True)
        server.add_channel("C0DIGEST", "board-digest", member=False)
        server.add_user(ADMIN, "admin", is_admin=True)
        yield server


@pytest.fixture
def empty(fake: FakeSlack, database_url: str) -> Iterator[Edge]:
    """A workspace with boardbot installed and no partnership yet."""
    yield from serve_edge(fake, database_url, rutland=False)


def home_button(fake: FakeSlack, edge: Edge, user: str, event_id: str, label: str) -> Json:
    edge.slack.home_opened(user, event_id)
    found = fake.wait_for(lambda: buttons_on(fake.home_view(user)).get(label))
    assert found, f"no {label!r} on the Home tab"
    return found


def buttons_on(home: Json | None) -> dict[str, Json]:
    return {
        element["text"]["text"]: element
        for block in (home or {}).get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    }


def opened_view(edge: Edge, user: str, event_id: str) -> Json:
    """Press "Set up a partnership" on the Home tab; the modal it opens."""
    button = home_button(edge.fake, edge, user, event_id, "Set up a partnership")
    edge.slack.button(button["action_id"], button["value"], user, channel=f"D{user[1:]}")
    opened = edge.fake.wait_for(lambda: edge.fake.calls_to("views.open"))
    assert opened
    return modal(edge.fake)


def modal(fake: FakeSlack) -> Json:
    return [v for v in fake.views().values() if v["type"] == "modal"][-1]


def submit(edge: Edge, view: Json, values: dict[str, Json], user: str) -> tuple[Sent, Json]:
    """Send the view as submitted; Slack's handling of the answer (an update, or errors)."""
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "boards"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A0FAKE",
        "trigger_id": "view.trigger",
        "view": {**view, "state": {"values": values}},
        "response_urls": [],
    }
    sent = edge.slack.interaction(payload)
    assert sent.status == 200, sent.body
    answer = json.loads(sent.body) if sent.body else {}
    if answer.get("response_action") == "update":
        return sent, edge.fake.update_view(view["id"], answer["view"])
    return sent, answer


def chosen(value: str) -> dict[str, Json]:
    return {
        "protocol": {"value": {"type": "static_select", "selected_option": {"value": value}}},
        "upload": {"value": {"type": "file_input", "files": []}},
    }


def uploaded(record: Json) -> dict[str, Json]:
    return {"upload": {"value": {"type": "file_input", "files": [record]}}}


def channel(value: str | None) -> Json:
    return {"value": {"type": "conversations_select", "selected_conversation": value}}


def people(*users: str) -> Json:
    return {"value": {"type": "multi_users_select", "selected_users": list(users)}}


def bindings() -> dict[str, Json]:
    return {
        "digest": channel("C0DIGEST"),
        "channel.hwb": channel("C0HWB"),
        "people.hwb.chair": people("U0HWBCHAIR"),
        "people.hwb.business_manager": people(NEWCOMER),
        "channel.lrlscb": channel("C0LSCB"),
        "people.lrlscb.business_manager": people(NEWCOMER, "U0LSCBBM"),
        "people.lrlscb.secretariat": people("U0SEC"),
        "channel.lrsab": channel("C0SAB"),
    }


def texts(view: Json) -> str:
    out = []
    for block in view["blocks"]:
        text = block.get("text") or {}
        out.append(str(text.get("text", "")))
        out += [str(e.get("text", "")) for e in block.get("elements") or [] if "text" in e]
    return "\n".join(out)


def set_up_rutland(edge: Edge) -> Json:
    view = opened_view(edge, NEWCOMER, "Ev1")
    _, boards = submit(edge, view, chosen("bundled:rutland"), NEWCOMER)
    assert boards["callback_id"] == "setup.boards"
    _, preview = submit(edge, boards, bindings(), NEWCOMER)
    assert preview["callback_id"] == "setup.preview"
    _, working = submit(edge, preview, {}, NEWCOMER)
    assert working["title"]["text"] == "Setting up"
    fake = edge.fake
    assert fake.wait_for(lambda: fake.calls_to("views.update"))
    return fake.views()[view["id"]]


def test_an_empty_workspace_sets_a_bundled_protocol_up_from_the_home_tab(empty: Edge) -> None:
    done = set_up_rutland(empty)
    said = texts(done)
    assert "is set up" in said
    assert "boardbot joined <#C0HWB>, <#C0LSCB>, <#C0DIGEST>" in said
    assert "Private channels: in each of <#C0SAB>, type `/invite @boardbot`" in said
    joined = [call.params["channel"] for call in empty.fake.calls_to("conversations.join")]
    assert joined == ["C0HWB", "C0LSCB", "C0SAB", "C0DIGEST"]
    with Session(empty.engine) as session:
        partnership = partnership_by_key("rutland", session=session)
        assert partnership is not None and partnership.digest_channel == "C0DIGEST"
        boards = {b.key: b.channel_id for b in session.exec(select(Board))}
        assert boards == {"hwb": "C0HWB", "lrlscb": "C0LSCB", "lrsab": "C0SAB"}
        actors = {e.actor for e in session.exec(select(AuditEntry))}
        assert actors == {NEWCOMER}  # the protocol's load and every binding, audited as theirs


def test_the_preview_shows_the_first_prompts_of_the_year_ahead(empty: Edge) -> None:
    view = opened_view(empty, NEWCOMER, "Ev1")
    _, boards = submit(empty, view, chosen("bundled:rutland"), NEWCOMER)
    labels = [b["label"]["text"] for b in boards["blocks"] if b["type"] == "input"]
    assert labels[:3] == ["Channel for the weekly digest", "HWB's channel", "HWB: chair"]
    _, preview = submit(empty, boards, bindings(), NEWCOMER)
    said = texts(preview)
    assert "3 boards, 3 with a channel, 4 people" in said
    # the first prompts after NOW (23 Nov 2026), as `boardbot simulate` plans them
    assert "the first:\n*25 Nov 2026* reminder · lrlscb · LRLSCB annual report to the HWB" in said
    with Session(empty.engine) as session:
        assert partnership_by_key("rutland", session=session) is None  # nothing until "Set up"


def test_an_uploaded_protocol_with_a_problem_is_refused_under_the_upload(empty: Edge) -> None:
    view = opened_view(empty, NEWCOMER, "Ev1")
    record = empty.fake.add_file(NEWCOMER, "mine.yaml", BAD_PROTOCOL)
    _, answer = submit(empty, view, uploaded(record), NEWCOMER)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["upload"].startswith("mine.yaml:7: boards[0].kind: ")
    assert empty.fake.calls_to("files.info")
    good = BAD_PROTOCOL.replace(b"sometimes", b"health_and_wellbeing")
    fixed = empty.fake.add_file(NEWCOMER, "mine.yaml", good)
    _, boards = submit(empty, view, uploaded(fixed), NEWCOMER)
    assert boards.get("callback_id") == "setup.boards", boards
    values = {"channel.hwb": channel("C0HWB"), "people.hwb.chair": people(NEWCOMER)}
    _, preview = submit(empty, boards, values, NEWCOMER)
    submit(empty, preview, {}, NEWCOMER)
    assert empty.fake.wait_for(lambda: empty.fake.calls_to("views.update"))
    with Session(empty.engine) as session:
        mine = partnership_by_key("mine", session=session)
        assert mine is not None and mine.name == "My partnership"


def test_one_channel_for_two_boards_shows_under_the_second(empty: Edge) -> None:
    view = opened_view(empty, NEWCOMER, "Ev1")
    _, boards = submit(empty, view, chosen("bundled:rutland"), NEWCOMER)
    values = {**bindings(), "channel.lrsab": channel("C0HWB")}
    _, answer = submit(empty, boards, values, NEWCOMER)
    assert answer == {
        "response_action": "errors",
        "errors": {"channel.lrsab": "That channel is already HWB's; each board needs its own."},
    }


def test_nothing_chosen_is_an_error_under_the_protocol(empty: Edge) -> None:
    view = opened_view(empty, NEWCOMER, "Ev1")
    _, answer = submit(empty, view, {}, NEWCOMER)
    assert answer["errors"] == {"protocol": "Choose a protocol, or upload your own file below."}


def test_once_set_up_only_managers_and_admins_may_change_it(empty: Edge) -> None:
    set_up_rutland(empty)
    home_button(empty.fake, empty, NEWCOMER, "Ev2", "Change setup")  # a business manager
    home_button(empty.fake, empty, ADMIN, "Ev3", "Set up a partnership")  # an admin
    empty.slack.home_opened(STRANGER, "Ev4")
    home = empty.fake.wait_for(lambda: empty.fake.home_view(STRANGER))
    assert home is not None and not [b for b in home["blocks"] if b["type"] == "actions"]
    sent = empty.slack.button("setup.start", "rutland", STRANGER, channel="D0STRANGER")
    assert sent.status == 200
    refused = empty.fake.wait_for(lambda: empty.fake.messages(STRANGER))
    assert "only" in refused[-1]["text"] and "business managers" in refused[-1]["text"]


def test_a_manager_changes_people_through_the_same_flow(empty: Edge) -> None:
    set_up_rutland(empty)
    button = home_button(empty.fake, empty, NEWCOMER, "Ev2", "Change setup")
    empty.fake.reset()
    empty.slack.button(button["action_id"], button["value"], NEWCOMER, channel="D0NEWBM")
    assert empty.fake.wait_for(lambda: empty.fake.calls_to("views.open"))
    view = modal(empty.fake)
    keep = view["blocks"][1]["element"]["initial_option"]["value"]
    _, boards = submit(empty, view, chosen(keep), NEWCOMER)
    initial = {b["block_id"]: b["element"] for b in boards["blocks"] if b["type"] == "input"}
    assert initial["channel.hwb"]["initial_conversation"] == "C0HWB"
    assert initial["people.lrlscb.business_manager"]["initial_users"] == [NEWCOMER, "U0LSCBBM"]
    values = {**bindings(), "people.hwb.chair": people("U0NEWCHAIR")}
    _, preview = submit(empty, boards, values, NEWCOMER)
    submit(empty, preview, {}, NEWCOMER)
    assert empty.fake.wait_for(lambda: empty.fake.calls_to("views.update"))
    said = texts(empty.fake.views()[view["id"]])
    assert "hwb: U0NEWCHAIR added as chair" in said
    assert "hwb: U0HWBCHAIR removed as chair (not in the file)" in said


def test_export_sends_a_setup_file_that_setup_apply_takes_back(
    empty: Edge, database_url: str, tmp_path: Path
) -> None:
    set_up_rutland(empty)
    button = home_button(empty.fake, empty, NEWCOMER, "Ev2", "Export setup")
    empty.slack.button(button["action_id"], button["value"], NEWCOMER, channel="D0NEWBM")
    posted = empty.fake.wait_for(
        lambda: [m for m in empty.fake.messages(NEWCOMER) if m.get("files")]
    )
    assert posted
    record = posted[0]["files"][0]
    assert record["name"] == "rutland-setup.yaml"
    content = empty.fake.file_bytes(record["id"])
    assert content is not None
    text = content.decode()
    assert "partnership: rutland\ndigest_channel: C0DIGEST\n" in text
    assert "U0LSCBBM: business_manager" in text
    exported = tmp_path / "exported.yaml"
    exported.write_bytes(content)
    applied = boardbot("setup", "apply", str(exported), env={"DATABASE_URL": database_url})
    assert (applied.returncode, applied.stdout) == (0, "rutland: no changes\n"), applied.stderr


def audit_count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(AuditEntry)).all())


def test_people_that_are_not_slack_ids_are_refused_under_their_board(empty: Edge) -> None:
    view = opened_view(empty, NEWCOMER, "Ev1")
    _, boards = submit(empty, view, chosen("bundled:rutland"), NEWCOMER)
    values = {**bindings(), "people.hwb.chair": people("<!channel>")}
    _, answer = submit(empty, boards, values, NEWCOMER)
    assert answer["errors"] == {"channel.hwb": "Choose the channel and people from the lists."}


def test_a_forged_form_state_changes_nothing(empty: Edge) -> None:
    view = opened_view(empty, NEWCOMER, "Ev1")
    _, boards = submit(empty, view, chosen("bundled:rutland"), NEWCOMER)
    _, preview = submit(empty, boards, bindings(), NEWCOMER)
    forged = {**preview, "private_metadata": preview["private_metadata"].replace("C0HWB", "#x")}
    updates = len(empty.fake.calls_to("views.update"))  # earlier steps may have updated it too
    submit(empty, forged, {}, NEWCOMER)
    assert empty.fake.wait_for(lambda: len(empty.fake.calls_to("views.update")) > updates)
    said = texts(empty.fake.views()[view["id"]])
    assert said.startswith("Nothing was changed: this form's state is unreadable")
    assert audit_count(empty.engine) == 0


def test_another_workspace_cannot_open_or_export_this_ones_setup(empty: Edge) -> None:
    set_up_rutland(empty)
    for action_id in ("setup.start", "setup.export"):
        payload = {
            "type": "block_actions",
            "team": {"id": "T0OTHER", "domain": "other"},
            "user": {"id": "U0OTHERBM", "username": "other", "team_id": "T0OTHER"},
            "api_app_id": "A0FAKE",
            "trigger_id": f"{action_id}.trigger",
            "container": {"type": "view", "view_id": "V0HOME"},
            "actions": [{"type": "button", "action_id": action_id, "value": "rutland"}],
        }
        assert empty.slack.interaction(payload).status == 200
    said = empty.fake.wait_for(lambda: len(empty.fake.messages("U0OTHERBM")) >= 2)
    assert said
    texts_ = " | ".join(m["text"] for m in empty.fake.messages("U0OTHERBM"))  # in either order
    assert "no partnership 'rutland' is set up here" in texts_
    assert "no partnership 'rutland' whose setup you manage" in texts_
    assert len(empty.fake.calls_to("views.open")) == 1  # only the first workspace's own
