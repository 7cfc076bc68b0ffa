"""Block Kit checks against the limits Slack documents for messages, modals and Home tabs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

WARNING_PREFIX = "warning: "

MAX_MESSAGE_TEXT = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_BLOCK_ID = 255
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_ACTION_ID = 255
MAX_BUTTON_VALUE = 2000
MAX_URL = 3000
MAX_PLACEHOLDER = 150
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_LABEL = 2000
MAX_ALT_TEXT = 2000
MAX_VIEW_TITLE = 24
MAX_VIEW_BUTTON = 24
MAX_CALLBACK_ID = 255
MAX_PRIVATE_METADATA = 3000
MAX_EXTERNAL_ID = 255

# Slack caps option lists per element type; anything else with options allows 100.
_MAX_OPTIONS = {"overflow": 5, "checkboxes": 10, "radio_buttons": 10}
_DEFAULT_MAX_OPTIONS = 100


def validate_message(text: str | None, blocks: Any) -> list[str]:
    """Problems Slack would reject in a message; items starting with WARNING_PREFIX are advisory."""
    problems: list[str] = []
    _check_len(problems, text, MAX_MESSAGE_TEXT, "/text")
    if blocks is None:
        return problems
    problems.extend(_check_blocks(blocks, MAX_MESSAGE_BLOCKS, "/blocks"))
    if isinstance(blocks, list) and blocks and not text:
        # Slack accepts this, but notifications and screen readers then show nothing useful.
        problems.append(f"{WARNING_PREFIX}blocks sent without a text fallback [json-pointer:/text]")
    return problems


def validate_view(view: Any) -> list[str]:
    """Problems Slack would reject in a modal or Home tab view."""
    if not isinstance(view, Mapping):
        return ["must be an object [json-pointer:/view]"]
    problems: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        problems.append("must be one of modal, home [json-pointer:/view/type]")
    problems.extend(_check_blocks(view.get("blocks"), MAX_VIEW_BLOCKS, "/view/blocks"))
    _check_len(problems, view.get("callback_id"), MAX_CALLBACK_ID, "/view/callback_id")
    _check_len(
        problems, view.get("private_metadata"), MAX_PRIVATE_METADATA, "/view/private_metadata"
    )
    _check_len(problems, view.get("external_id"), MAX_EXTERNAL_ID, "/view/external_id")
    if kind == "modal":
        problems.extend(_check_modal_chrome(view))
    return problems


def errors_only(problems: list[str]) -> list[str]:
    """The problems that make Slack refuse the call."""
    return [p for p in problems if not p.startswith(WARNING_PREFIX)]


def warnings_only(problems: list[str]) -> list[str]:
    """The advisory problems Slack would accept."""
    return [p for p in problems if p.startswith(WARNING_PREFIX)]


def _check_modal_chrome(view: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    if _text_of(view.get("title")) is None:
        problems.append("missing required field: title [json-pointer:/view/title]")
    for key, limit in (
        ("title", MAX_VIEW_TITLE),
        ("submit", MAX_VIEW_BUTTON),
        ("close", MAX_VIEW_BUTTON),
    ):
        _check_len(problems, _text_of(view.get(key)), limit, f"/view/{key}/text")
    blocks = view.get("blocks")
    has_input = isinstance(blocks, list) and any(
        isinstance(b, Mapping) and b.get("type") == "input" for b in blocks
    )
    if has_input and view.get("submit") is None:
        problems.append("missing required field: submit [json-pointer:/view/submit]")
    return problems


def _check_blocks(blocks: Any, limit: int, pointer: str) -> list[str]:
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    return _check_items(blocks, limit, pointer, _check_block)


def _check_items(
    items: list[Any], limit: int, pointer: str, check: Callable[[Any, str], list[str]]
) -> list[str]:
    """At most `limit` items, each checked at its own pointer."""
    problems = [f"must be less than {limit + 1} items [json-pointer:{pointer}]"]
    problems = problems if len(items) > limit else []
    for index, item in enumerate(items):
        problems.extend(check(item, f"{pointer}/{index}"))
    return problems


def _check_block(block: Any, at: str) -> list[str]:
    if not isinstance(block, Mapping) or not isinstance(block.get("type"), str):
        return [f"missing required field: type [json-pointer:{at}]"]
    problems: list[str] = []
    _check_len(problems, block.get("block_id"), MAX_BLOCK_ID, f"{at}/block_id")
    kind = block["type"]
    if kind == "section":
        problems.extend(_check_section(block, at))
    elif kind == "header":
        _check_len(problems, _text_of(block.get("text")), MAX_HEADER_TEXT, f"{at}/text/text")
    elif kind == "context":
        problems.extend(_check_element_list(block, MAX_CONTEXT_ELEMENTS, at))
    elif kind == "actions":
        problems.extend(_check_element_list(block, MAX_ACTIONS_ELEMENTS, at))
    elif kind == "input":
        _check_len(problems, _text_of(block.get("label")), MAX_LABEL, f"{at}/label/text")
        _check_len(problems, _text_of(block.get("hint")), MAX_LABEL, f"{at}/hint/text")
        problems.extend(_check_element(block.get("element"), f"{at}/element"))
    elif kind == "image":
        problems.extend(_check_image(block, at))
    return problems


def _check_section(block: Mapping[str, Any], at: str) -> list[str]:
    problems: list[str] = []
    text = _text_of(block.get("text"))
    fields = block.get("fields")
    if text is None and not fields:
        problems.append(f"must provide either text or fields [json-pointer:{at}]")
    _check_len(problems, text, MAX_SECTION_TEXT, f"{at}/text/text")
    if isinstance(fields, list):
        if len(fields) > MAX_SECTION_FIELDS:
            limit = MAX_SECTION_FIELDS + 1
            problems.append(f"must be less than {limit} items [json-pointer:{at}/fields]")
        for index, field in enumerate(fields):
            _check_len(problems, _text_of(field), MAX_FIELD_TEXT, f"{at}/fields/{index}/text")
    if block.get("accessory") is not None:
        problems.extend(_check_element(block["accessory"], f"{at}/accessory"))
    return problems


def _check_element_list(block: Mapping[str, Any], limit: int, at: str) -> list[str]:
    elements = block.get("elements")
    if not isinstance(elements, list):
        return [f"missing required field: elements [json-pointer:{at}]"]
    return _check_items(elements, limit, f"{at}/elements", _check_element)


def _check_element(element: Any, at: str) -> list[str]:
    if not isinstance(element, Mapping):
        return []
    problems: list[str] = []
    _check_len(problems, element.get("action_id"), MAX_ACTION_ID, f"{at}/action_id")
    _check_len(problems, _text_of(element.get("placeholder")), MAX_PLACEHOLDER, f"{at}/placeholder")
    kind = element.get("type")
    if kind == "button":
        _check_len(problems, _text_of(element.get("text")), MAX_BUTTON_TEXT, f"{at}/text/text")
        _check_len(problems, element.get("value"), MAX_BUTTON_VALUE, f"{at}/value")
        _check_len(problems, element.get("url"), MAX_URL, f"{at}/url")
    elif kind == "image":
        problems.extend(_check_image(element, at))
    options = element.get("options")
    if isinstance(options, list):
        problems.extend(_check_options(options, _MAX_OPTIONS.get(str(kind)), f"{at}/options"))
    return problems


def _check_options(options: list[Any], limit: int | None, at: str) -> list[str]:
    problems: list[str] = []
    limit = limit or _DEFAULT_MAX_OPTIONS
    if len(options) > limit:
        problems.append(f"must be less than {limit + 1} items [json-pointer:{at}]")
    for index, option in enumerate(options):
        if isinstance(option, Mapping):
            _check_len(
                problems, _text_of(option.get("text")), MAX_OPTION_TEXT, f"{at}/{index}/text"
            )
            _check_len(problems, option.get("value"), MAX_OPTION_VALUE, f"{at}/{index}/value")
    return problems


def _check_image(image: Mapping[str, Any], at: str) -> list[str]:
    problems: list[str] = []
    _check_len(problems, image.get("image_url"), MAX_URL, f"{at}/image_url")
    _check_len(problems, image.get("alt_text"), MAX_ALT_TEXT, f"{at}/alt_text")
    _check_len(problems, _text_of(image.get("title")), MAX_ALT_TEXT, f"{at}/title/text")
    return problems


def _text_of(obj: Any) -> str | None:
    if isinstance(obj, Mapping) and isinstance(obj.get("text"), str):
        return str(obj["text"])
    return None


def _check_len(problems: list[str], value: Any, limit: int, pointer: str) -> None:
    if isinstance(value, str) and len(value) > limit:
        problems.append(f"must be less than {limit + 1} characters [json-pointer:{pointer}]")
