"""Slack's markup in what people type, turned into plain tokens before any command sees it.

Slack escapes a mention, a channel and a link in a slash command's text (the manifest asks it
to): `<@U123|name>`, `<#C123|name>`, `<https://x|label>`, `<!here>`. Commands read plain values
instead, and know nothing of Slack's markup: `@U123`, `#C123`, `https://x`, `@here`.
"""

from __future__ import annotations

import re

# A person or a channel (its id), a special mention (here, channel, a user group), or a link
# (a scheme, then the address); each may carry `|label`, which is dropped.
ESCAPED = re.compile(
    r"<(?:(?P<sigil>[@#])(?P<id>[A-Z0-9]+)|!(?P<special>[^|<>\s]+)"
    r"|(?P<link>[a-z][a-z0-9+.-]*:[^|<>\s]+))(?:\|[^<>]*)?>"
)


def plain_tokens(text: str) -> str:
    """The text with each of Slack's escapes replaced by its plain token; the rest as typed."""
    return ESCAPED.sub(_plain, text)


def _plain(match: re.Match[str]) -> str:
    if match["special"]:
        return f"@{match['special']}"  # <!here>, <!channel>, <!subteam^S1|@team>
    if match["link"]:
        return match["link"]
    return f"{match['sigil']}{match['id']}"
