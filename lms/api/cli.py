"""`flask --app lms api-tokens …`: create (the secret alone on the last line), list and revoke API tokens."""

import sys

import click
from flask.cli import AppGroup

from lms.extensions import db

api_tokens_cli = AppGroup("api-tokens", help="Tokens of the JSON API (/api/v1) for provincial and national systems.")
CLI_ACTOR = "cli"


@api_tokens_cli.command("create")
@click.option("--name", required=True, help="A name for the system using it (letters, digits, . _ -).")
@click.option("--area", "area_code", default=None, help="Area code: the token reads and writes only there.")
@click.option("--scope", type=click.Choice(["read", "write"]), required=True)
def create(name: str, area_code: str | None, scope: str) -> None:
    """Create a token; its secret is printed once, alone on the last line (it is stored hashed)."""
    from lms.api.tokens import TokenError, create_token
    from lms.areas.services import area_by_code

    area = None
    if area_code is not None:
        area = area_by_code(area_code)
        if area is None:
            click.echo(f"unknown area code: {area_code}", err=True)
            sys.exit(1)
    try:
        token, secret = create_token(name, scope, area, CLI_ACTOR)
    except TokenError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"token {token.name} ({token.scope}, area {area.code if area else 'all'}): shown once, keep it safe")
    click.echo(secret)


@api_tokens_cli.command("list")
def list_command() -> None:
    """List the tokens: name, scope, area, created, last used, revoked (never the secret)."""
    from lms.api.tokens import area_code, list_tokens

    for token in list_tokens():
        fields = [
            token.name,
            token.scope,
            area_code(token) or "all",
            f"{token.prefix}…",
            f"created {token.created_at:%Y-%m-%d}",
            f"last used {token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used",
        ]
        if token.revoked_at is not None:
            fields.append(f"REVOKED {token.revoked_at:%Y-%m-%d}")
        click.echo("\t".join(fields))


@api_tokens_cli.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke a token by name: it stops working at once."""
    from lms.api.tokens import TokenError, revoke_token

    try:
        revoke_token(name, CLI_ACTOR)
    except TokenError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"revoked {name}")
