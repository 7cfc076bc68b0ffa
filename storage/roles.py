"""The roles people hold on a board, what each is called, and which roles may do what."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    """A role on a board, as stored, written in setup files and protocols, and typed in /boards."""

    CHAIR = "chair"
    BUSINESS_MANAGER = "business_manager"
    SECRETARIAT = "secretariat"
    MEMBER = "member"

    @property
    def label(self) -> str:
        """How a sentence names it: 'business manager'."""
        return self.value.replace("_", " ")

    @classmethod
    def parse(cls, text: str) -> Role | None:
        """A role as a person types it: any case, `-` or `_` between words; None if not one."""
        try:
            return cls(text.strip().lower().replace("-", "_"))
        except ValueError:
            return None


ROLES = tuple(Role)
ROLE_NAMES = ", ".join(ROLES)  # 'chair, business_manager, secretariat, member'
# Who may record and change a board's business: its minutes, meetings, duties' outcomes, feeds.
WRITERS = (Role.BUSINESS_MANAGER, Role.SECRETARIAT)
# Who may act for a board towards another: ask for agenda items, answer them, escalate.
OFFICERS = (Role.CHAIR, Role.BUSINESS_MANAGER, Role.SECRETARIAT)
# Who may change a board's channel and roles.
MANAGERS = (Role.BUSINESS_MANAGER,)
# Who attends a joint meeting, or a board's meetings as a guest, unless a protocol says otherwise.
CHAIRS_ONLY = (Role.CHAIR,)


def either(roles: Iterable[Role]) -> str:
    """'chair or business manager or secretariat': who would be allowed, in a refusal."""
    return " or ".join(role.label for role in roles)
