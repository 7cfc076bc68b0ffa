"""Who a prompt goes to in Slack: a board's channel, or each holder of a role on a board."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from schedules.prompts.base import CHANNEL, DIGEST, Recipient
from storage.models import Board
from storage.queries.boards import board_by_key
from storage.queries.people import partner_contacts, people_with_role
from storage.roles import Role


@dataclass(frozen=True)
class Resolved:
    """A Slack id to send to, or the reason there is none (recorded as a failed prompt)."""

    slack_id: str
    label: str
    problem: str | None = None


@dataclass
class Resolver:
    """Resolves recipients for one partnership, caching boards and role holders for a tick."""

    session: Session
    partnership_id: int
    digest_channel: str | None
    _boards: dict[str, Board | None] = field(default_factory=dict)
    _holders: dict[tuple[int, Role], list[str]] = field(default_factory=dict)
    _contacts: dict[str, list[str]] | None = None

    def board(self, key: str) -> Board | None:
        if key not in self._boards:
            self._boards[key] = board_by_key(self.partnership_id, key, session=self.session)
        return self._boards[key]

    def resolve(self, recipient: Recipient) -> list[Resolved]:
        if recipient.role == DIGEST:
            if self.digest_channel:
                return [Resolved(self.digest_channel, "digest")]
            return [
                Resolved("digest", "digest", "no digest channel; set one with boardbot setup apply")
            ]
        if recipient.is_partner:
            return self._partner(recipient)
        board = self.board(recipient.board or "")
        if board is None or board.id is None:
            return []  # the board was retired: nobody is owed this prompt
        if recipient.role == CHANNEL:
            if board.channel_id:
                return [Resolved(board.channel_id, recipient.label)]
            problem = f"{board.key} has no channel; link one with /boards link {board.key} #channel"
            return [Resolved(f"#{board.key}", recipient.label, problem)]
        role = Role(recipient.role)  # every other recipient is the holders of a role
        holders = self._role_holders(board.id, role)
        if not holders:
            problem = (
                f"{board.key} has no {role.label}; add one with "
                f"/boards role {board.key} @person {role}"
            )
            return [Resolved(f"{recipient.role}@{board.key}", recipient.label, problem)]
        return [Resolved(user, recipient.label) for user in holders]

    def _partner(self, recipient: Recipient) -> list[Resolved]:
        """A partner's people, each by direct message: a partner has no channel."""
        if self._contacts is None:
            self._contacts = partner_contacts(self.partnership_id, session=self.session)
        key = recipient.board or ""
        people = self._contacts.get(key, [])
        if not people:
            problem = (
                f"{key} has no people; name them in the setup file, "
                f"partners: {{{key}: {{people: {{U0123ABCD: contact}}}}}}"
            )
            return [Resolved(f"partner@{key}", recipient.label, problem)]
        return [Resolved(user, recipient.label) for user in people]

    def _role_holders(self, board_id: int, role: Role) -> list[str]:
        if (board_id, role) not in self._holders:
            people = people_with_role(board_id, role, session=self.session)
            self._holders[(board_id, role)] = [p.slack_user_id for p in people]
        return self._holders[(board_id, role)]
