"""The edge turns Slack's escapes in a command's text into plain tokens for the commands."""

from __future__ import annotations

import pytest

from bot.slack_text import plain_tokens


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("role hwb <@U0HWBBM|someone> chair", "role hwb @U0HWBBM chair"),
        ("role hwb <@W0GUEST> member", "role hwb @W0GUEST member"),
        ("link hwb <#C0HWB|hwb-board>", "link hwb #C0HWB"),
        ("list <#C0NOPE>", "list #C0NOPE"),
        ("done 12 <https://example.org/a.pdf|the pack>", "done 12 https://example.org/a.pdf"),
        ("subscribe hwb <webcal://example.org/c.ics>", "subscribe hwb webcal://example.org/c.ics"),
        ("tell <!here> and <!subteam^S0TEAM|@team>", "tell @here and @subteam^S0TEAM"),
        ("hwb 3 March at 10:00; Room <2>", "hwb 3 March at 10:00; Room <2>"),
        ("nothing escaped: a < b and c > d", "nothing escaped: a < b and c > d"),
        ("<> and <|x> are not escapes", "<> and <|x> are not escapes"),
    ],
)
def test_slack_escapes_become_plain_tokens(typed: str, plain: str) -> None:
    assert plain_tokens(typed) == plain
