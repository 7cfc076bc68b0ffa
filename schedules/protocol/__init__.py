"""Protocol files: the format, the bundled templates and the validator."""

from schedules.protocol.loader import (
    ProtocolInvalid,
    load_protocol,
    parse_protocol,
    template_names,
)
from schedules.protocol.model import Protocol

__all__ = ["Protocol", "ProtocolInvalid", "load_protocol", "parse_protocol", "template_names"]
