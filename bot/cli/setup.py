"""`boardbot setup apply|show`: bind a partnership to a Slack workspace's channels and people."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import PARTNERSHIP, app, engine, settings, subcommands
from storage.errors import BoardbotError

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy import Engine
    from sqlmodel import Session

    from bot.settings import Settings
    from bot.setup_file import SetupFile

setup_app = subcommands("Bind a partnership to a Slack workspace: channels and roles.")
app.add_typer(setup_app, name="setup")


@setup_app.command("apply")
def setup_apply(file: Path = typer.Argument(..., metavar="FILE", hidden=True)) -> None:
    """Make the database match the setup FILE; running it again changes nothing.

    FILE names the workspace (team: T…, required when several have installed boardbot), the
    partnership, its digest_channel and each board's channel and people; a channel may be written
    #its-name and a person as their e-mail address, which Slack is asked for. A bad file exits 2
    with FILE:LINE: field: problem lines on stderr, and nothing is written.
    """
    from bot.setup_file import apply_setup, parse_setup, resolve_names
    from bot.slack_directory import SlackDirectory
    from schedules.calendar import utcnow
    from schedules.protocol.loader import read_file
    from storage.db import transaction

    text = read_file(file, "setup files")
    config = settings()
    db = engine(config)
    with transaction(db) as session:
        setup = parse_setup(text, str(file), session=session)
        team, org = workspace_of(setup, str(file), config, session=session)
        if setup.names:
            client = team_client(config, db, team, org)
            setup = resolve_names(setup, SlackDirectory(client), str(file))
        report = apply_setup(
            setup, session=session, now=utcnow(), actor="cli", team_id=team, enterprise_id=org
        )
    typer.echo(report.render())


def workspace_of(
    setup: SetupFile, filename: str, config: Settings, *, session: Session
) -> tuple[str | None, str | None]:
    """The workspace (team id, Enterprise Grid org) the file is applied to.

    Installed by OAuth: the file's `team:`, which must have installed boardbot; without one, the
    only workspace installed. With SLACK_BOT_TOKEN: the file's `team:`, if any, which must be
    the token's own workspace."""
    from bot.setup_file import SetupInvalid
    from schedules.protocol.yamlsource import Problem
    from storage.queries.workspaces import installed_workspaces

    def refuse(message: str) -> SetupInvalid:
        return SetupInvalid(filename, [Problem(setup.line_of("team"), "team", message)])

    if not config.installed_by_oauth:
        if setup.team and config.slack_bot_token:
            token_team = bot_token_team(config)
            if setup.team != token_team:
                raise refuse(
                    f"{setup.team} is not the workspace of SLACK_BOT_TOKEN ({token_team}); "
                    "boardbot is installed there only"
                )
        return setup.team, None
    installed = {w.team_id: w for w in installed_workspaces(session=session) if w.team_id}
    names = ", ".join(sorted(installed)) or "none yet: install boardbot through /slack/install"
    if setup.team is None:
        if len(installed) == 1:
            (only,) = installed.values()
            return only.team_id, only.enterprise_id
        raise refuse(
            "required: name the Slack workspace this partnership belongs to, e.g. team: "
            f"T0123ABCD (installed workspaces: {names})"
        )
    if setup.team not in installed:
        raise refuse(
            f"{setup.team} has not installed boardbot; installed workspaces: {names} "
            "(`boardbot workspaces` lists them)"
        )
    return setup.team, installed[setup.team].enterprise_id


def bot_token_team(config: Settings) -> str:
    from slack_sdk.errors import SlackApiError

    from bot.slack_client import make_client

    try:
        return str(make_client(config).auth_test()["team_id"])
    except SlackApiError as exc:
        raise BoardbotError(
            f"Slack refuses SLACK_BOT_TOKEN ({exc.response.get('error')}); nothing was applied"
        ) from None
    except OSError as exc:
        raise BoardbotError(f"could not reach Slack ({type(exc).__name__})") from None


def team_client(config: Settings, db: Engine, team: str | None, org: str | None) -> WebClient:
    """A client with the workspace's bot token, to look names and e-mail addresses up."""
    from bot.slack_client import make_client
    from bot.tokens import token_provider

    client = make_client(config)
    if config.installed_by_oauth:
        token = token_provider(config, db).bot_token(team or "", org)
        if token is None:
            raise BoardbotError(f"workspace {team} has no bot token; install boardbot there")
        client.token = token
    else:
        config.require("SLACK_BOT_TOKEN")
    return client


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
        team=partnership.team_id,
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

    data: dict[str, Any] = {"team": setup.team} if setup.team else {}
    data["partnership"] = setup.partnership
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
