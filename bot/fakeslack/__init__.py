"""A fake Slack Web API server for tests and the local browser sandbox."""

from bot.fakeslack.blockkit import validate_message, validate_view
from bot.fakeslack.server import FakeCall, FakeResponse, FakeSlack

__all__ = ["FakeCall", "FakeResponse", "FakeSlack", "validate_message", "validate_view"]
