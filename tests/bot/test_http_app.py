"""Signed Slack-shaped requests to the real endpoint; assertions on the database and the fake."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from http.client import HTTPConnection
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from bot.fakeslack import FakeSlack
from bot.gate import MAX_BODY
from commands import duties
from commands.context import Invocation
from commands.reply import Reply
from schedules.prompts.base import occurrence_subject
from storage.models import (
    AgendaRequest,
    AuditEntry,
    Board,
    Duty,
    DutyOccurrence,
    Meeting,
    OutboxPrompt,
    SlackDelivery,
)
from storage.status import PromptStatus
from tests.bot.conftest import SECRET, TOKEN, Edge, SlackSim, annual_report_id, http, sign
from tests.commands.conftest import NOW, bind_rutland
from tests.logcheck import private

ITEM = private("Joint work on exploitation with the county's partners")


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def occurrence(engine: Engine, occ_id: int) -> DutyOccurrence:
    with Session(engine) as session:
        row = session.get(DutyOccurrence, occ_id)
        assert row is not None
        return row


def drain(edge: Edge) -> None:
    """Wait for all work after acks (the test is over for the app once this returns)."""
    edge.app.listener_runner.listener_executor.shutdown(wait=True)


# -- the HTTP surface --------------------------------------------------------------------------


def test_it_answers_slacks_url_verification_challenge(edge: Edge) -> None:
    body = json.dumps(
        {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}
    )
    sent = edge.slack.send(body, "application/json")
    assert sent.status == 200
    assert json.loads(sent.body) == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}


def test_it_serves_a_health_check_and_nothing_else(edge: Edge) -> None:
    assert http(f"{edge.slack.url}/healthz", method="GET") == (200, "ok")
    assert http(f"{edge.slack.url}/slack/events", method="GET")[0] == 404
    assert http(f"{edge.slack.url}/admin", "x")[0] == 404


def test_it_refuses_a_request_signed_with_another_secret_and_writes_nothing(edge: Edge) -> None:
    occ_id = annual_report_id(edge.engine)
    audited = count(edge.engine, AuditEntry)
    forged = SlackSim(edge.fake, edge.slack.url, secret="not-the-secret")
    sent = forged.command("/duties", f"done {occ_id}", "U0LSCBBM")
    assert sent.status == 401
    assert occurrence(edge.engine, occ_id).status == "pending"
    assert count(edge.engine, AuditEntry) == audited
    assert edge.fake.calls == []


def test_it_refuses_a_replayed_request_older_than_five_minutes(edge: Edge) -> None:
    event = {"type": "app_home_opened", "user": "U0LSCBBM", "tab": "home", "event_ts": "1.0"}
    body = json.dumps({"type": "event_callback", "event_id": "Ev0STALE", "event": event})
    stale = sign(body, at=time.time() - 6 * 60)
    status, _ = http(
        f"{edge.slack.url}/slack/events", body, {**stale, "Content-Type": "application/json"}
    )
    assert status == 401
    assert count(edge.engine, SlackDelivery) == 0
    assert edge.fake.calls == []


# -- slash commands ----------------------------------------------------------------------------


def test_it_lists_duties_ephemerally_at_the_response_url(any_db_edge: Edge) -> None:
    edge = any_db_edge
    sent = edge.slack.command("/duties", "lrlscb", "U0LSCBBM", "C0LSCB")
    assert sent.status == 200 and sent.body == ""
    response = edge.slack.response(sent.key)
    assert response.response_type == "ephemeral"
    assert response.blocks and response.blocks[0]["type"] == "header"
    assert "LRLSCB annual report to the HWB" in json.dumps(response.blocks)


def test_a_business_manager_marks_a_duty_done_in_the_channel(any_db_edge: Edge) -> None:
    edge = any_db_edge
    occ_id = annual_report_id(edge.engine)
    sent = edge.slack.command("/duties", f"done {occ_id} https://example.org/ar.pdf", "U0LSCBBM")
    response = edge.slack.response(sent.key)
    assert response.response_type == "ephemeral"  # the channel hears it in a line of its own
    assert f"#{occ_id}" in (response.text or "") and "is done" in (response.text or "")
    [public] = edge.fake.wait_for(lambda: edge.fake.messages("C0LSCB"))
    assert "marked done" in public["text"] and "U0LSCBBM" in json.dumps(public["blocks"])
    row = occurrence(edge.engine, occ_id)
    assert row.status == "done" and row.evidence_link == "https://example.org/ar.pdf"
    with Session(edge.engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "duty.done")).one()
    assert entry.actor == "U0LSCBBM" and entry.entity_id == occ_id


def test_it_refuses_a_write_naming_the_role_needed_and_writes_nothing(edge: Edge) -> None:
    occ_id = annual_report_id(edge.engine)
    audited = count(edge.engine, AuditEntry)
    sent = edge.slack.command("/duties", f"done {occ_id}", "U0HWBBM")
    response = edge.slack.response(sent.key)
    assert response.response_type == "ephemeral"
    assert (response.text or "").startswith(":warning: to mark duties done you need to be")
    assert "LRLSCB's chair or business manager or secretariat" in (response.text or "")
    assert occurrence(edge.engine, occ_id).status == "pending"
    assert count(edge.engine, AuditEntry) == audited


def test_it_answers_malformed_text_with_the_usage(edge: Edge) -> None:
    sent = edge.slack.command("/duties", "lrlscb extra words", "U0LSCBBM")
    response = edge.slack.response(sent.key)
    assert ":warning:" in (response.text or "")
    assert "Usage: `/duties [BOARD]`" in json.dumps(response.blocks)


def test_an_unexpected_error_logs_one_traceback_and_gives_the_user_a_ref(
    edge: Edge, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(inv: Invocation, text: str) -> Reply:
        inv.session.add(SlackDelivery(delivery_key="written-then-rolled-back", received_at=inv.now))
        inv.session.flush()
        raise RuntimeError("a bug")

    monkeypatch.setattr(duties, "handle", broken)
    caplog.set_level(logging.INFO)
    sent = edge.slack.command("/duties", private("confidential words"), "U0LSCBBM")
    response = edge.slack.response(sent.key)
    assert (response.text or "").startswith("Something went wrong (ref ")
    assert "Nothing was saved." in (response.text or "")
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1 and "a bug" in caplog.text
    ref = (response.text or "").split("(ref ")[1].split(")")[0]
    assert ref in tracebacks[0].getMessage()
    assert "confidential words" not in caplog.text
    with Session(edge.engine) as session:
        keys = session.exec(select(SlackDelivery.delivery_key)).all()
    assert "written-then-rolled-back" not in keys


def test_it_acks_at_once_while_a_slow_command_is_still_working(
    edge: Edge, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = duties.handle

    def slow(inv: Invocation, text: str) -> Reply:
        release.wait(2.0)  # two seconds of slowness after the ack, unless the test releases it
        return real(inv, text)

    monkeypatch.setattr(duties, "handle", slow)
    sent = edge.slack.command("/duties", "lrlscb", "U0LSCBBM")
    assert sent.status == 200
    assert sent.seconds < 1.0
    assert edge.fake.responses() == []  # the answer is still being worked out
    release.set()
    assert edge.slack.response(sent.key).blocks


def test_an_empty_agenda_command_opens_its_form_and_a_bad_submission_shows_errors(
    edge: Edge,
) -> None:
    edge.slack.command("/agenda", "", "U0HWBCHAIR", "C0HWB")
    [opened] = edge.fake.wait_for(lambda: edge.fake.calls_to("views.open"))
    view = opened.params["view"]
    assert view["callback_id"] == "agenda_request_form"
    values = {
        "from_board": {"value": {"type": "static_select", "selected_option": {"value": "hwb"}}},
        "to_board": {"value": {"type": "static_select", "selected_option": {"value": "hwb"}}},
        "text": {"value": {"type": "plain_text_input", "value": "The JSNA refresh"}},
    }
    sent = edge.slack.submit(view, values, "U0HWBCHAIR")
    assert sent.status == 200
    answer = json.loads(sent.body)
    assert answer["response_action"] == "errors"
    assert "cannot ask itself" in answer["errors"]["to_board"]
    assert count(edge.engine, AgendaRequest) == 0


def test_a_good_submission_posts_the_request_and_runs_the_posted_hook(edge: Edge) -> None:
    edge.slack.command("/agenda", "", "U0HWBCHAIR", "C0HWB")
    [opened] = edge.fake.wait_for(lambda: edge.fake.calls_to("views.open"))
    values = {
        "from_board": {"value": {"type": "static_select", "selected_option": {"value": "hwb"}}},
        "to_board": {"value": {"type": "static_select", "selected_option": {"value": "lrlscb"}}},
        "text": {"value": {"type": "plain_text_input", "value": "The JSNA refresh"}},
    }
    sent = edge.slack.submit(opened.params["view"], values, "U0HWBCHAIR")
    assert sent.status == 200 and sent.body == ""
    [posted] = edge.fake.wait_for(lambda: edge.fake.messages("C0LSCB"))
    assert posted["metadata"]["event_type"] == "agenda_request"
    drain(edge)
    with Session(edge.engine) as session:
        request = session.exec(select(AgendaRequest)).one()
    assert (request.message_channel, request.message_ts) == ("C0LSCB", posted["ts"])
    assert edge.fake.messages("U0HWBCHAIR")  # the person who asked is told, by DM


def test_a_failed_post_is_reported_to_the_person_not_lost(edge: Edge) -> None:
    with Session(edge.engine) as session:
        board = session.exec(select(Board).where(Board.key == "lrlscb")).one()
        held = datetime(2026, 11, 2, 10, tzinfo=UTC)
        session.add(Meeting(board_id=board.id or 0, starts_at=held))
        session.commit()
    edge.fake.fail_next("chat.postMessage", "not_in_channel")
    sent = edge.slack.command("/minutes", "lrlscb 2 November 2026", "U0LSCBBM", "C0LSCB")
    response = edge.slack.response(sent.key)
    assert "Not posted to" in json.dumps(response.blocks) and "not_in_channel" in json.dumps(
        response.blocks
    )


def test_a_request_whose_post_failed_is_posted_again_and_answered(edge: Edge) -> None:
    edge.fake.fail_next("chat.postMessage", "not_in_channel")
    sent = edge.slack.command("/agenda", f"request hwb lrlscb {ITEM}", "U0HWBBM", "C0HWB")
    said = json.dumps(edge.slack.response(sent.key).blocks)
    assert "Not posted to" in said and "`/agenda repost 1` posts it again" in said
    assert edge.fake.messages("C0LSCB") == []

    again = edge.slack.command("/agenda", "repost 1", "U0HWBBM", "C0HWB")
    assert "posted again to LRLSCB's channel" in (edge.slack.response(again.key).text or "")
    [posted] = edge.fake.messages("C0LSCB")
    assert ITEM in posted["text"] and "agenda_accept" in json.dumps(posted["blocks"])
    with Session(edge.engine) as session:
        request = session.exec(select(AgendaRequest)).one()
    assert (request.message_channel, request.message_ts) == ("C0LSCB", posted["ts"])

    click = edge.slack.button("agenda_accept", "1", "U0LSCBCHAIR", "C0LSCB")
    assert "is accepted" in (edge.slack.response(click.key).text or "")
    [answered] = edge.fake.messages("C0LSCB")
    assert "Accepted by" in json.dumps(answered["blocks"]) and "agenda_accept" not in json.dumps(
        answered["blocks"]
    )


# -- buttons, the Home tab, retried deliveries ---------------------------------------------------


def prompts_in_slack(edge: Edge, occ_id: int) -> list[tuple[str, str]]:
    """A reminder posted to LRLSCB's channel and sent to its chair's DM, as the clock does:
    in Slack with Done, and in the outbox as sent, with the channel and ts."""
    client = WebClient(token=TOKEN, base_url=edge.fake.base_url, retry_handlers=[])
    done = {"type": "button", "action_id": "duty_done", "value": str(occ_id)}
    done["text"] = {"type": "plain_text", "text": "Done"}
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Reminder: due soon."}},
        {"type": "actions", "elements": [done]},
    ]
    where = []
    with Session(edge.engine) as session:
        row = session.get(DutyOccurrence, occ_id)
        assert row is not None
        duty = session.get(Duty, row.duty_id)
        assert duty is not None
        for recipient, label in (("C0LSCB", "channel:lrlscb"), ("U0LSCBCHAIR", "chair:lrlscb")):
            channel = recipient
            if recipient.startswith("U"):
                channel = client.conversations_open(users=recipient)["channel"]["id"]
            sent = client.chat_postMessage(channel=channel, text="Reminder", blocks=blocks)
            session.add(
                OutboxPrompt(
                    key=f"reminder|{recipient}",
                    partnership_id=duty.partnership_id,
                    kind="reminder",
                    subject=occurrence_subject(duty.key, row.period_key),
                    due_on=date(2026, 11, 16),
                    recipient=recipient,
                    recipient_label=label,
                    payload={"title": duty.title, "text": "Reminder: due soon."},
                    status=PromptStatus.SENT,
                    next_attempt_at=NOW,
                    created_at=NOW,
                    slack_channel=str(sent["channel"]),
                    slack_ts=str(sent["ts"]),
                )
            )
            where.append((str(sent["channel"]), str(sent["ts"])))
        session.commit()
    return where


def test_done_by_a_chair_opens_the_form_and_updates_every_prompt(any_db_edge: Edge) -> None:
    edge = any_db_edge
    occ_id = annual_report_id(edge.engine)
    prompts = prompts_in_slack(edge, occ_id)
    assert edge.slack.button("duty_done", str(occ_id), "U0LSCBCHAIR").status == 200
    [opened] = edge.fake.wait_for(lambda: edge.fake.calls_to("views.open"))
    view = opened.params["view"]
    assert view["callback_id"] == "duty_done_form"
    empty = {
        "link": {"value": {"type": "plain_text_input", "value": None}},
        "note": {"value": {"type": "plain_text_input", "value": None}},
    }
    refused = edge.slack.submit(view, empty, "U0LSCBCHAIR")
    errors = json.loads(refused.body)
    assert errors["response_action"] == "errors" and "give a link" in errors["errors"]["link"]
    assert occurrence(edge.engine, occ_id).status == "pending"
    link = "https://example.org/ar.pdf"
    values = {
        "link": {"value": {"type": "plain_text_input", "value": link}},
        "note": {"value": {"type": "plain_text_input", "value": "presented on 12 Nov"}},
    }
    sent = edge.slack.submit(view, values, "U0LSCBCHAIR")
    assert sent.status == 200 and sent.body == ""
    edge.fake.wait_for(lambda: len(edge.fake.calls_to("chat.update")) == 2)
    drain(edge)
    row = occurrence(edge.engine, occ_id)
    assert row.status == "done" and row.evidence_link == link
    assert row.completed_by == "U0LSCBCHAIR" and row.note == "presented on 12 Nov"
    for channel, ts in prompts:
        [message] = [m for m in edge.fake.messages(channel) if m["ts"] == ts]
        said = json.dumps(message["blocks"])
        assert "duty_done" not in said and "Done by" in said and link in said
        assert "U0LSCBCHAIR" in said
    public = edge.fake.messages("C0LSCB")[-1]
    assert "marked done" in public["text"] and "U0LSCBCHAIR" in json.dumps(public["blocks"])


def test_a_button_nobody_handles_is_acked_and_ignored(edge: Edge) -> None:
    sent = edge.slack.button("not_a_boardbot_button", "1", "U0LSCBSEC")
    assert sent.status == 200
    drain(edge)
    assert edge.fake.responses() == []


def test_opening_the_home_tab_publishes_a_home_view(edge: Edge) -> None:
    edge.fake.rate_limit_next("views.publish", retry_after=0)  # the client retries after a 429
    assert edge.slack.home_opened("U0LSCBBM", "Ev0HOME1").status == 200
    home = edge.fake.wait_for(lambda: edge.fake.home_view("U0LSCBBM"))
    assert home is not None and home["type"] == "home" and home["blocks"]


def test_a_retried_event_is_processed_once(any_db_edge: Edge) -> None:
    edge = any_db_edge
    assert edge.slack.home_opened("U0LSCBBM", "Ev0TWICE").status == 200
    edge.fake.wait_for(lambda: edge.fake.calls_to("views.publish"))
    retry = edge.slack.home_opened(
        "U0LSCBBM", "Ev0TWICE", **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert retry.status == 200
    drain(edge)
    assert len(edge.fake.calls_to("views.publish")) == 1
    assert count(edge.engine, SlackDelivery) == 1


# -- the real processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def boardbot_script() -> str:
    beside = Path(sys.executable).with_name("boardbot")
    return str(beside) if beside.exists() else shutil.which("boardbot") or "boardbot"


def test_boardbot_web_serves_a_signed_command_through_gunicorn(
    fake: FakeSlack, sqlite_url: str, tmp_path: Path
) -> None:
    from storage.db import make_engine

    engine = make_engine(sqlite_url)
    with Session(engine, expire_on_commit=False) as session:
        bind_rutland(session)
    engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": sqlite_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
    }
    command = [boardbot_script(), "web", "--workers", "1", "--threads", "4", "--host", "127.0.0.1"]
    with (
        (tmp_path / "web.log").open("w") as log,
        subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT) as web,
    ):
        try:
            base = f"http://127.0.0.1:{port}"
            assert wait_until_healthy(base, web), (tmp_path / "web.log").read_text()
            slack = SlackSim(fake, base)
            sent = slack.command("/duties", "lrlscb", "U0LSCBBM")
            assert sent.status == 200
            assert slack.response(sent.key, timeout=15).blocks
            # an event's answer travels to the answer process too, with the request's client
            assert slack.home_opened("U0LSCBBM", "Ev0GUNICORN").status == 200
            assert fake.wait_for(lambda: fake.calls_to("views.publish"), timeout=15)
            # one byte over: all of it is read before the refusal, so the sender is never cut off
            # mid-body (a longer body is bounded the same way: tests/bot/test_gate.py)
            assert chunked_post(port, b"x" * (MAX_BODY + 1)) == 413
            malformed = {"Content-Type": "application/x-www-form-urlencoded"}
            assert http(f"{base}/slack/events", "payload=%7Bbad", malformed)[0] == 401
            last = slack.command("/duties", "lrlscb", "U0LSCBBM")
        finally:
            web.send_signal(signal.SIGTERM)  # at once after the ack: its answer still goes
            assert web.wait(timeout=30) == 0
    assert slack.response(last.key, timeout=1).blocks
    assert "Traceback" not in (tmp_path / "web.log").read_text()


def chunked_post(port: int, body: bytes) -> int:
    """A body without Content-Length, sent in chunks, as a client may."""
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", "/slack/events", chunks, headers, encode_chunked=True)
        return connection.getresponse().status
    finally:
        connection.close()


def wait_until_healthy(base: str, process: subprocess.Popen[bytes], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if http(f"{base}/healthz", method="GET") == (200, "ok"):
                return True
        except OSError:
            time.sleep(0.1)  # polling a process that is still starting
    return False


def test_boardbot_run_names_the_missing_variables_and_exits_two() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    result = subprocess.run(
        [boardbot_script(), "run"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_APP_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
