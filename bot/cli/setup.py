"""`boardbot setup apply|show`: bind a partnership to a Slack workspace's channels and people."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import PARTNERSHIP, app, engine, settings, subcommands
from storage.errors import BoardbotError

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.setup_file import SetupFile

setup_app = subcommands("Bind a partnership to a Slack workspace: channels and roles.")
app.add_typer(setup_app, name="setup")


@setup_app.command("apply")
def setup_apply(file: Path = typer.Argument(..., metavar="FILE", hidden=True)) -> None:
    """Make the database match the setup FILE; running it again changes nothing.

    FILE names the partnership, its digest_channel and each board's channel and people. A bad
    file exits 2 with FILE:LINE: field: problem lines on stderr, and nothing is written.
    """
    from bot.setup_file import apply_setup, parse_setup
    from schedules.calendar import utcnow
    from schedules.protocol.loader import read_file
    from storage.db import transaction

    text = read_file(file, "setup files")
    config = settings()
    with transaction(engine(config)) as session:
        setup = parse_setup(text, str(file), session=session)
        report = apply_setup(setup, session=session, now=utcnow(), actor="cli")
    typer.echo(report.render())


@setup_app.command("show")
def setup_show(partnership: str = PARTNERSHIP) -> None:
    """Print the current binding of PARTNERSHIP (its key, e.g. rutland) as a setup file.

    `setup apply` takes the output back unchanged.
    """
    from storage.db import transaction

    with transaction(engine(settings())) as session:
        typer.echo(render_setup(binding_of(partnership, session=session)), nl=False)


def binding_of(partnership_key: str, *, session: Session) -> SetupFile:
    """The partnership's channels and role holders, in the shape of a setup file."""
    from bot.setup_file import CONTACT, BoardBinding, PartnerBinding, SetupFile
    from storage.queries.boards import boards_of
    from storage.queries.partnerships import partnership_by_key
    from storage.queries.people import partner_contacts, people_of_board
    from storage.roles import Role

    partnership = partnership_by_key(partnership_key, session=session)
    if partnership is None or partnership.id is None:
        raise BoardbotError(
            f"no partnership '{partnership_key}' is loaded; `boardbot setup apply FILE` binds one"
        )
    boards = {}
    for board in boards_of(partnership.id, session=session):
        assert board.id is not None
        held = people_of_board(board.id, session=session)
        people: dict[str, list[Role]] = {}
        for role in Role:  # each role's holders come in the order they were added
            for person, _ in (p for p in held if p[1] == role):
                people.setdefault(person.slack_user_id, []).append(role)
        roles = {user: tuple(names) for user, names in people.items()}
        boards[board.key] = BoardBinding.model_construct(channel=board.channel_id, people=roles)
    partners = {
        key: PartnerBinding.model_construct(people=dict.fromkeys(users, CONTACT))
        for key, users in partner_contacts(partnership.id, session=session).items()
    }
    return SetupFile.model_construct(
        partnership=partnership.key,
        digest_channel=partnership.digest_channel,
        boards=boards,
        partners=partners,
    )


def _roles_text(roles: tuple[str, ...]) -> str | list[str]:
    """One role written bare, several as a list (as plain text, which YAML can write)."""
    names = [str(role) for role in roles]
    return names[0] if len(names) == 1 else names


def render_setup(setup: SetupFile) -> str:
    """YAML in the setup file's shape: one role written bare, several as a list."""
    import yaml

    data: dict[str, Any] = {"partnership": setup.partnership}
    if setup.digest_channel:
        data["digest_channel"] = setup.digest_channel
    data["boards"] = {
        key: {
            **({"channel": binding.channel} if binding.channel else {}),
            "people": {u: _roles_text(r) for u, r in binding.people.items()},
        }
        for key, binding in setup.boards.items()
    }
    if setup.partners:
        data["partners"] = {
            key: {"people": dict(binding.people)} for key, binding in setup.partners.items()
        }
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=100)
