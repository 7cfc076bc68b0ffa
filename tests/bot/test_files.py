"""Files sent with files_upload_v2 through the stand-in Slack over real HTTP: the evidence pack's
HTML and CSV arrive in a person's DM as one message, byte for byte, and every refusal is one
line for the person."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.fakeslack import FakeSlack
from bot.files import OutgoingFile, UploadFailed, send_files
from schedules.evidence import Pack, build_pack
from storage.db import make_engine
from tests.bot.conftest import TOKEN, Edge, http
from tests.commands.conftest import BoundPartnership, bind_rutland
from tests.schedules.evidence.year_of_activity import AT, seed_year

PERSON = "U0LSCBBM"


@pytest.fixture(scope="module")
def pack(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Pack:
    """A rutland year's evidence pack, built once."""
    path = tmp_path_factory.mktemp("files") / "year.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine, expire_on_commit=False) as session:
        bind_rutland(session)
        seed_year(BoundPartnership(session))
        made = build_pack("rutland", 2026, AT, session=session)
    engine.dispose()
    return made


@pytest.fixture
def client(fake: FakeSlack) -> Iterator[WebClient]:
    yield WebClient(token=TOKEN, base_url=fake.base_url, timeout=5)


def pair(pack: Pack) -> list[OutgoingFile]:
    return [
        OutgoingFile(pack.filename(fmt), f"Evidence pack 2026/27 ({fmt.upper()})", pack.render(fmt))
        for fmt in ("html", "csv")
    ]


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read(), dict(response.headers.items())


def test_the_evidence_pack_arrives_in_a_dm_as_one_message_with_both_files(
    fake: FakeSlack, client: WebClient, pack: Pack
) -> None:
    files = pair(pack)
    sent = send_files(client, PERSON, files, comment="The evidence pack of rutland, 2026/27")
    assert sent.channel == fake.dm_channel_for(PERSON) and len(sent.file_ids) == 2
    [message] = fake.messages(PERSON)
    assert message["text"] == "The evidence pack of rutland, 2026/27"
    assert message["user"] == fake.bot_user_id
    shared = message["files"]
    assert [f["id"] for f in shared] == list(sent.file_ids)
    assert [(f["name"], f["title"], f["mimetype"]) for f in shared] == [
        ("rutland-evidence-2026-27.html", "Evidence pack 2026/27 (HTML)", "text/html"),
        ("rutland-evidence-2026-27.csv", "Evidence pack 2026/27 (CSV)", "text/csv"),
    ]
    for record, outgoing in zip(shared, files, strict=True):
        assert record["size"] == len(outgoing.content)
        assert fake.file_bytes(record["id"]) == outgoing.content
        assert fetch(record["url_private_download"])[0] == outgoing.content
    methods = [c.method for c in fake.calls]
    assert methods.count("files.getUploadURLExternal") == methods.count("upload") == 2
    assert methods.count("files.completeUploadExternal") == 1


def test_a_shared_page_opens_in_the_browser_and_a_csv_downloads(
    fake: FakeSlack, client: WebClient, pack: Pack
) -> None:
    send_files(client, PERSON, pair(pack))
    html, csv = fake.messages(PERSON)[0]["files"]
    body, headers = fetch(html["url_private"])
    assert body.startswith(b"<!doctype html>") and headers["Content-Type"].startswith("text/html")
    assert headers["Content-Disposition"].startswith("inline")
    assert headers["Content-Security-Policy"] == "sandbox"  # walled off from the stand-in
    body, headers = fetch(csv["url_private"])
    assert body.startswith(b"\xef\xbb\xbfpartnership,duty_id,")
    assert (
        headers["Content-Disposition"]
        == "attachment; filename*=UTF-8''rutland-evidence-2026-27.csv"
    )


def test_files_can_go_to_a_channel(fake: FakeSlack, client: WebClient) -> None:
    note = OutgoingFile("notes.csv", "Notes", b"a,b\n1,2\n")
    sent = send_files(client, "C0LSCB", [note])
    assert sent.channel == "C0LSCB"
    [message] = fake.messages("C0LSCB")
    assert [f["id"] for f in message["files"]] == list(sent.file_ids)
    info = client.files_info(file=sent.file_ids[0])
    assert info["file"]["channels"] == ["C0LSCB"] and info["file"]["size"] == 8


@pytest.mark.parametrize(
    ("arrange", "said"),
    [
        (
            lambda f: f.fail_next("files.getUploadURLExternal", "file_uploads_disabled"),
            "this workspace has turned file uploads off",
        ),
        (
            lambda f: setattr(f, "max_file_bytes", 1000),
            "a file is larger than this workspace allows",
        ),
        (
            lambda f: f.status_next("upload", 500),
            "Slack did not take a file's bytes (HTTP 500); try again",
        ),
        (
            lambda f: f.fail_next("files.completeUploadExternal", "missing_scope"),
            "boardbot may not upload files here yet (an admin must reinstall it so that it has "
            "the files:write scope)",
        ),
        (lambda f: f.remove_bot("C0LSCB"), "boardbot is not a member of that channel"),
        (
            lambda f: f.fail_next("files.completeUploadExternal", "something_new"),
            "Slack refused them (something_new); try again later",
        ),
    ],
    ids=["uploads-off", "too-large", "upload-url-fails", "no-scope", "not-in-channel", "other"],
)
def test_a_refusal_is_one_line_and_nothing_is_shared(
    fake: FakeSlack, client: WebClient, arrange: object, said: str
) -> None:
    arrange(fake)  # type: ignore[operator]
    files = [OutgoingFile("pack.html", "Pack", b"<p>" + b"x" * 2000)]
    with pytest.raises(UploadFailed) as raised:
        send_files(client, "C0LSCB", files)
    assert str(raised.value) == f"the files could not be sent: {said}"
    assert "\n" not in str(raised.value)
    assert fake.messages("C0LSCB") == []


def test_slack_out_of_reach_is_one_line(client: WebClient, fake: FakeSlack) -> None:
    fake.stop()
    with pytest.raises(UploadFailed, match=r"^the files could not be sent: Slack could not be "):
        send_files(client, PERSON, [OutgoingFile("a.csv", "A", b"a\n")])


# -- the stand-in's own checks, as Slack makes them ----------------------------------------------


def test_the_stand_in_checks_lengths_and_files_as_slack_does(
    fake: FakeSlack, client: WebClient
) -> None:
    with pytest.raises(SlackApiError) as zero:
        client.files_getUploadURLExternal(filename="a.csv", length=0)
    assert zero.value.response["error"] == "missing_argument"
    ticket = client.files_getUploadURLExternal(filename="a.csv", length=4)
    upload = ticket["upload_url"]
    code, said = http(upload, "abc")
    assert code == 400 and "announced 4 bytes, received 3" in said
    with pytest.raises(SlackApiError) as early:  # its bytes have not arrived
        client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}], channel_id="C0HWB")
    assert early.value.response["error"] == "file_not_found"
    assert http(upload, "abcd") == (200, "OK - 4")
    assert http(upload, "abcd")[0] == 404  # an upload URL is used once
    done = client.files_completeUploadExternal(
        files=[{"id": ticket["file_id"]}], channel_id="C0HWB"
    )
    assert done["files"] == [{"id": ticket["file_id"], "title": "a.csv"}]
    with pytest.raises(SlackApiError) as unknown:
        client.files_completeUploadExternal(files=[{"id": "F0NOPE"}], channel_id="C0HWB")
    assert unknown.value.response["error"] == "file_not_found"
    with pytest.raises(SlackApiError) as missing:
        client.files_info(file="F0NOPE")
    assert missing.value.response["error"] == "file_not_found"
    state = json.loads(fetch(f"{fake.url}_fake/state")[0])
    assert "abcd" not in json.dumps(state)  # bytes are served, never put in the page's state


def test_slash_evidence_uploads_the_pack_to_the_persons_dm_through_the_stand_in(
    edge: Edge,
) -> None:
    sent = edge.slack.command("/evidence", "", PERSON, "C0LSCB")
    assert sent.status == 200 and sent.body == ""  # acked at once; the pack is built after
    response = edge.slack.response(sent.key, timeout=20)
    assert response.response_type == "ephemeral"
    assert "on its way to your direct messages" in (response.text or "")
    [message] = edge.fake.wait_for(lambda: edge.fake.messages(PERSON))
    html, table = message["files"]
    assert (html["name"], table["name"]) == (
        "rutland-evidence-2026-27.html",
        "rutland-evidence-2026-27.csv",
    )
    page = fetch(html["url_private_download"])[0]
    assert page.startswith(b"<!") and b"<svg" in page
    assert fetch(table["url_private_download"])[0].decode("utf-8-sig").startswith("partnership,")
    methods = [c.method for c in edge.fake.calls]
    assert methods.count("files.getUploadURLExternal") == 2
    assert methods.count("files.completeUploadExternal") == 1


def test_slash_evidence_says_why_when_the_workspace_refuses_files(edge: Edge) -> None:
    edge.fake.fail_next("files.getUploadURLExternal", "file_uploads_disabled")
    sent = edge.slack.command("/evidence", "", PERSON, "C0LSCB")
    said = edge.slack.response(sent.key, timeout=20).text or ""
    blocks = str(edge.slack.response(sent.key, timeout=20).blocks)
    assert "turned file uploads off" in said + blocks
    assert edge.fake.messages(PERSON) == []
