"""The command harness catches a command that writes and then refuses."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from commands import registry
from commands.context import Invocation
from commands.reply import Reply
from storage.errors import BoardbotError
from storage.models import Person
from tests.commands.conftest import BoundPartnership


def test_it_fails_a_command_that_writes_before_refusing(
    bound: BoundPartnership, monkeypatch: pytest.MonkeyPatch
) -> None:
    def sloppy(inv: Invocation, text: str) -> Reply:
        inv.session.add(Person(slack_user_id="U0HALFWRITTEN"))
        inv.session.flush()
        raise BoardbotError("refused too late")

    monkeypatch.setitem(registry.FAMILIES, "/sloppy", SimpleNamespace(handle=sloppy))  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="wrote before refusing"):
        bound.run("/sloppy", "", "U0HWBBM")
