"""Reply data as Block Kit: the one place that escapes mrkdwn and keeps within Slack's limits."""

from __future__ import annotations

import re
from typing import Any

from commands.reply import (
    Block,
    Bold,
    Button,
    ChannelRef,
    Code,
    Line,
    Link,
    Mention,
    Message,
    Modal,
    ModalInput,
)

Json = dict[str, Any]
MESSAGE_BLOCKS, VIEW_BLOCKS = 50, 100
FALLBACK_TEXT = 3000  # what a notification shows; Slack truncates longer text anyway
SECTION_TEXT, FIELD_TEXT, FIELDS_PER_SECTION = 3000, 2000, 10
HEADER_TEXT, CONTEXT_ELEMENTS, CONTEXT_TEXT = 150, 10, 2000
BUTTON_TEXT, BUTTON_VALUE, ACTION_ID, BUTTONS_PER_BLOCK = 75, 2000, 255, 25
VIEW_TITLE, VIEW_BUTTON, CALLBACK_ID, PRIVATE_METADATA = 24, 24, 255, 3000
LABEL, OPTIONS, OPTION_TEXT, OPTION_VALUE = 2000, 100, 75, 150
DUPLICATE_MARK = "#"  # duplicate action ids in one block become `id#2`; dispatch strips it
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A person as commands name them in plain text: `@U0123ABCD` (commands/lines.py `by`).
PERSON_TOKEN = re.compile(r"(?<![\w@/<])@([UW][A-Z0-9]{2,})(?![\w])")


def escape(text: str) -> str:
    """Slack's mrkdwn control characters: &, < and > (in that order, so & is not doubled)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def with_mentions(text: str) -> str:
    """Escaped text whose plain `@U…` tokens (who acted, as commands write them) are mentions."""
    return PERSON_TOKEN.sub(r"<@\1>", escape(text))


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut and no half an entity left."""
    if len(text) <= limit:
        return text
    return _PARTIAL_ENTITY.sub("", text[: limit - 1]) + "…"


def mrkdwn(line: Line) -> str:
    return "".join(_part(part) for part in line)


def _part(part: object) -> str:
    if isinstance(part, str):
        return with_mentions(part)
    if isinstance(part, Bold):
        inner = escape(part.text.strip())
        return f"*{inner}*" if inner else ""
    if isinstance(part, Mention):
        return f"<@{part.user_id}>"
    if isinstance(part, ChannelRef):
        return f"<#{part.channel_id}>"
    if isinstance(part, Link):
        url = escape(part.url).replace("|", "%7C")
        return f"<{url}|{escape(part.label)}>" if part.label else f"<{url}>"
    if isinstance(part, Code):
        inner = escape(part.text.replace("`", "'"))
        return f"`{inner}`" if inner else ""
    return escape(str(part))


def plain(line: Line) -> str:
    """A line as plain_text (headers, labels): no mrkdwn, so nothing to escape."""
    words = {
        Mention: "user_id",
        ChannelRef: "channel_id",
        Link: "label",
        Bold: "text",
        Code: "text",
    }
    out = []
    for part in line:
        attr = words.get(type(part))
        out.append(str(getattr(part, attr)) if attr else str(part))
        if isinstance(part, Link) and not part.label:
            out[-1] = part.url
    return "".join(out)


def _text(kind: str, text: str) -> Json:
    return {"type": kind, "text": text}


def _sections(lines: tuple[Line, ...]) -> list[Json]:
    """Lines joined into sections of at most SECTION_TEXT characters, split between lines."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        text = truncate(mrkdwn(line), SECTION_TEXT)
        if current and len(current) + 1 + len(text) > SECTION_TEXT:
            chunks.append(current)
            current = text
        else:
            current = f"{current}\n{text}" if current else text
    chunks.append(current)
    return [{"type": "section", "text": _text("mrkdwn", c)} for c in chunks if c.strip()]


def _fields(block: Block) -> list[Json]:
    texts = [
        truncate(f"*{escape(k)}*\n{mrkdwn(v)}" if k else mrkdwn(v), FIELD_TEXT)
        for k, v in block.fields
    ]
    texts = [t if t.strip() else "…" for t in texts]
    return [
        {
            "type": "section",
            "fields": [_text("mrkdwn", t) for t in texts[i : i + FIELDS_PER_SECTION]],
        }
        for i in range(0, len(texts), FIELDS_PER_SECTION)
    ]


def _context(lines: tuple[Line, ...]) -> list[Json]:
    texts = [mrkdwn(line) for line in lines]
    texts = [t for t in texts if t.strip()]
    if len(texts) > CONTEXT_ELEMENTS:
        texts[CONTEXT_ELEMENTS - 1 :] = [" · ".join(texts[CONTEXT_ELEMENTS - 1 :])]
    if not texts:
        return []
    elements = [_text("mrkdwn", truncate(t, CONTEXT_TEXT)) for t in texts]
    return [{"type": "context", "elements": elements}]


def _button(button: Button, action_id: str) -> Json:
    rendered: Json = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(button.label.strip() or "…", BUTTON_TEXT)},
        "action_id": action_id,
        "value": button.value[:BUTTON_VALUE],
    }
    if button.style:
        rendered["style"] = button.style
    return rendered


def _buttons(items: tuple[Button, ...]) -> list[Json]:
    blocks = []
    for start in range(0, len(items), BUTTONS_PER_BLOCK):
        seen: dict[str, int] = {}
        elements = []
        for button in items[start : start + BUTTONS_PER_BLOCK]:
            base = button.action_id[: ACTION_ID - 4]
            seen[base] = seen.get(base, 0) + 1
            action_id = base if seen[base] == 1 else f"{base}{DUPLICATE_MARK}{seen[base]}"
            elements.append(_button(button, action_id))
        blocks.append({"type": "actions", "elements": elements})
    return blocks


def render_block(block: Block) -> list[Json]:
    """One Reply block as one or more Block Kit blocks (long content is split, empty dropped)."""
    if block.kind == "header":
        text = " ".join(plain(line) for line in block.lines).strip()
        return (
            [{"type": "header", "text": _text("plain_text", truncate(text, HEADER_TEXT))}]
            if text
            else []
        )
    if block.kind == "lines":
        return _sections(block.lines)
    if block.kind == "fields":
        return _fields(block) if block.fields else []
    if block.kind == "context":
        return _context(block.lines)
    if block.kind == "buttons":
        return _buttons(block.buttons)
    return [{"type": "divider"}]


def render_blocks(blocks: list[Block], limit: int) -> list[Json]:
    """All blocks, the tail replaced by a 'N more not shown' note when over Slack's limit."""
    rendered = [out for block in blocks for out in render_block(block)]
    if len(rendered) <= limit:
        return rendered
    hidden = len(rendered) - (limit - 1)
    note = {"type": "context", "elements": [_text("mrkdwn", f"{hidden} more not shown")]}
    return [*rendered[: limit - 1], note]


def render_message(message: Message) -> Json:
    """{"text": fallback, "blocks": [...]} for chat.postMessage, chat.update and respond()."""
    blocks = render_blocks(message.blocks, MESSAGE_BLOCKS)
    fallback = truncate(with_mentions(message.text), FALLBACK_TEXT)
    if not fallback.strip():
        fallback = truncate(_first_text(blocks) or "boardbot", FALLBACK_TEXT)
    return {"text": fallback, "blocks": blocks}


def _first_text(blocks: list[Json]) -> str:
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict) and str(text.get("text", "")).strip():
            return str(text["text"])
    return ""


def render_home(blocks: list[Block]) -> Json:
    return {"type": "home", "blocks": render_blocks(blocks, VIEW_BLOCKS)}


def render_modal(modal: Modal) -> Json:
    intro = [
        {"type": "section", "text": _text("mrkdwn", truncate(escape(modal.intro), SECTION_TEXT))}
    ]
    inputs = [_input(item) for item in modal.inputs][: VIEW_BLOCKS - 1]
    return {
        "type": "modal",
        "callback_id": modal.callback_id[:CALLBACK_ID],
        "title": _text("plain_text", truncate(modal.title.strip() or "boardbot", VIEW_TITLE)),
        "submit": _text("plain_text", truncate(modal.submit.strip() or "Send", VIEW_BUTTON)),
        "close": _text("plain_text", "Cancel"),
        "private_metadata": modal.private_metadata[:PRIVATE_METADATA],
        "blocks": (intro if modal.intro.strip() else []) + inputs,
    }


def _input(item: ModalInput) -> Json:
    block: Json = {
        "type": "input",
        "block_id": item.block_id,
        "label": _text("plain_text", truncate(item.label.strip() or item.block_id, LABEL)),
        "optional": item.optional,
        "element": {**_element(item), "action_id": "value"},
    }
    if item.hint.strip():
        block["hint"] = _text("plain_text", truncate(item.hint, LABEL))
    return block


def _element(item: ModalInput) -> Json:
    if item.kind == "select" and item.options:
        options = [_option(value, label) for value, label in item.options[:OPTIONS]]
        element: Json = {
            "type": "static_select",
            "placeholder": _text("plain_text", "Choose…"),
            "options": options,
        }
        # Only a given initial value is shown chosen: otherwise the placeholder shows, and a
        # form sent without a choice carries none (its handler answers with a field error).
        chosen = next((o for o in options if item.initial and o["value"] == item.initial), None)
        if chosen is not None:
            element["initial_option"] = chosen
        return element
    if item.kind == "date":
        element = {"type": "datepicker"}
        if _ISO_DATE.match(item.initial):
            element["initial_date"] = item.initial
        return element
    element = {"type": "plain_text_input", "multiline": item.kind == "long_text"}
    if item.initial:
        element["initial_value"] = item.initial[:3000]
    return element


def _option(value: str, label: str) -> Json:
    text = truncate(label.strip() or value or "…", OPTION_TEXT)
    return {"text": _text("plain_text", text), "value": value[:OPTION_VALUE]}


# -- and back: what a submitted view holds ------------------------------------------------


def view_values(view: Json) -> dict[str, str]:
    """{block_id: value} from a submitted view's state, whatever the input element."""
    values: dict[str, str] = {}
    for block_id, elements in ((view.get("state") or {}).get("values") or {}).items():
        element: Json = elements.get("value") or next(iter(elements.values()), {})
        chosen = element.get("selected_option") or {}
        found = element.get("value") or chosen.get("value") or element.get("selected_date")
        values[block_id] = str(found or "")
    return values


def first_input(view: Json) -> str | None:
    blocks = [b for b in view.get("blocks") or [] if b.get("type") == "input"]
    return str(blocks[0]["block_id"]) if blocks else None
