"""What a command returns: plain data that the Slack edge renders (and escapes) as Block Kit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# The parts of a line: plain text, and these, which the edge renders in Slack's markup.


@dataclass(frozen=True)
class Bold:
    text: str


@dataclass(frozen=True)
class Link:
    url: str
    label: str = ""  # the URL itself when empty


@dataclass(frozen=True)
class Mention:
    """A person, by Slack user id: the edge shows their name."""

    user_id: str


@dataclass(frozen=True)
class Code:
    text: str  # a command to copy, an id


@dataclass(frozen=True)
class ChannelRef:
    """A channel, by Slack channel id: the edge shows a link to it."""

    channel_id: str


Part = str | Bold | Mention | ChannelRef | Link | Code
Line = tuple[Part, ...]


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str
    value: str
    style: Literal["primary", "danger"] | None = None


@dataclass(frozen=True)
class Block:
    """One Block Kit block, in the board world's terms."""

    kind: Literal["header", "lines", "fields", "context", "divider", "buttons"]
    lines: tuple[Line, ...] = ()
    fields: tuple[tuple[str, Line], ...] = ()
    buttons: tuple[Button, ...] = ()


def header(text: str) -> Block:
    return Block("header", lines=((text,),))


def lines(*content: Line | str) -> Block:
    return Block("lines", lines=tuple((c,) if isinstance(c, str) else c for c in content))


def fields(*pairs: tuple[str, Line | str]) -> Block:
    return Block("fields", fields=tuple((k, (v,) if isinstance(v, str) else v) for k, v in pairs))


def context(*content: Line | str) -> Block:
    return Block("context", lines=tuple((c,) if isinstance(c, str) else c for c in content))


def divider() -> Block:
    return Block("divider")


def buttons(*items: Button) -> Block:
    return Block("buttons", buttons=items)


@dataclass
class Message:
    """A message: its fallback text (notifications, screen readers) and its blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    channel: str | None = None  # where to post it, for messages beside the reply
    metadata: dict[str, Any] | None = None
    update_ts: str | None = None  # edit this message instead of posting a new one


@dataclass(frozen=True)
class ModalInput:
    block_id: str
    label: str
    kind: Literal["text", "long_text", "select", "date"] = "text"
    options: tuple[tuple[str, str], ...] = ()  # (value, label) for select
    initial: str = ""
    optional: bool = False
    hint: str = ""


@dataclass
class Modal:
    callback_id: str
    title: str
    submit: str
    inputs: list[ModalInput]
    private_metadata: str = ""
    intro: str = ""


@dataclass(frozen=True)
class FileOut:
    """A document for the person: its file name (whose extension says its type), title, bytes."""

    filename: str
    title: str
    content: bytes


@dataclass
class Reply:
    """A command's answer: to the person (ephemeral by default) and anything else to post."""

    message: Message
    ephemeral: bool = True
    posts: list[Message] = field(default_factory=list)
    modal: Modal | None = None
    replace_original: bool = False
    files: list[FileOut] = field(default_factory=list)  # to the person's DM, in one message
    files_comment: str = ""

    @classmethod
    def say(cls, text: str, *blocks: Block) -> Reply:
        return cls(Message(text, list(blocks) or [lines(text)]))


class FieldError(Exception):
    """A modal input that is wrong: the edge shows `message` under the input `block_id`."""

    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message)
        self.block_id = block_id
        self.message = message
