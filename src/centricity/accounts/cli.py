"""`centricity init`, `centricity token create` and `centricity user create`."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.console import Console

from centricity.accounts import service
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.config import ensure_secret_key_file, get_settings
from centricity.db import get_engine, session_scope
from centricity.kit.errors import DomainError
from centricity.kit.validation import friendly_message
from centricity.migrations import runner

console = Console(stderr=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
user_app = typer.Typer(help="Manage staff users.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add account commands to the root CLI."""
    app.command("init")(init)
    app.add_typer(token_app, name="token")
    app.add_typer(user_app, name="user")


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=2)


def _first_problem(exc: ValidationError) -> str:
    """The first invalid option and why, e.g. `language 'xx': unknown language; ...`
    (the value is repeated only for options that cannot be secret)."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error.get("loc", ()))
    shown = f" {error.get('input')!r}" if field in ("language", "time_zone", "role") else ""
    return f"{field}{shown}: {friendly_message(dict(error))}"


def init(
    admin_email: str = typer.Option(..., "--admin-email", prompt=True, help="Admin e-mail."),
    admin_password: str = typer.Option(
        ...,
        "--admin-password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="Admin password (8+ characters, not a common one).",
    ),
) -> None:
    """Create or upgrade the schema and the admin account (safe to re-run)."""
    settings = get_settings()
    ensure_secret_key_file(settings)
    runner.upgrade(get_engine(settings))
    try:
        with session_scope(settings) as session:
            _user, created = service.ensure_admin(
                session, email=admin_email, password=admin_password
            )
    except DomainError as exc:
        raise _fail(str(exc)) from None
    except ValidationError as exc:
        raise _fail(_first_problem(exc)) from None
    except ValueError as exc:
        raise _fail(str(exc).splitlines()[0]) from None
    verb = "created" if created else "updated"
    typer.echo(f"Schema is up to date; admin {admin_email.strip().lower()} {verb}.")


@token_app.command("create")
def create_token(
    email: str = typer.Argument(..., help="E-mail of the user the token acts for."),
    read_only: bool = typer.Option(False, "--read-only", help="Token may only read."),
) -> None:
    """Create an API token; the token is the last line of the output (shown once)."""
    settings = get_settings()
    with session_scope(settings) as session:
        user = service.get_by_email(session, email)
        if user is None:
            raise _fail(f"no user with e-mail {email!r}; create it first")
        token = service.create_token(session, user=user, read_only=read_only, actor=None)
    kind = "read-only" if read_only else "read-write"
    typer.echo(f"Created a {kind} API token for {user.email}. Keep it secret; it is shown once:")
    typer.echo(token)


@token_app.command("revoke")
def revoke_token(email: str = typer.Argument(..., help="E-mail of the token's user.")) -> None:
    """Revoke every API token of a user (create a new one afterwards if needed)."""
    with session_scope(get_settings()) as session:
        user = service.get_by_email(session, email)
        if user is None:
            raise _fail(f"no user with e-mail {email!r}")
        count = service.revoke_tokens(session, user=user, actor=None)
    typer.echo(f"Revoked {count} API token(s) of {user.email}.")


def _set_active(email: str, active: bool) -> None:
    with session_scope(get_settings()) as session:
        user = service.get_by_email(session, email)
        if user is None:
            raise _fail(f"no user with e-mail {email!r}")
        service.set_active(session, user=user, active=active, actor=None)
    typer.echo(f"{user.email} is now {'active' if active else 'deactivated'}.")


@user_app.command("deactivate")
def deactivate_user(email: str = typer.Argument(..., help="E-mail of the user.")) -> None:
    """Take away a user's access: signs them out and revokes their API tokens."""
    _set_active(email, False)


@user_app.command("activate")
def activate_user(email: str = typer.Argument(..., help="E-mail of the user.")) -> None:
    """Give a deactivated user access again (their old tokens stay revoked)."""
    _set_active(email, True)


@user_app.command("create")
def create_user(
    email: str = typer.Option(..., "--email", help="E-mail (the login)."),
    name: str = typer.Option(..., "--name", help="Full name."),
    role: Role = typer.Option(Role.AGENT, "--role", help="viewer, agent, manager or admin."),
    department: str = typer.Option(None, "--department", help="Department name."),
    language: str = typer.Option(
        None,
        "--language",
        help="Language of the user's pages: en, cs, sv, lt, pl or ru (default: the "
        "installation's CENTRICITY_DEFAULT_LANGUAGE).",
    ),
    time_zone: str = typer.Option(
        None,
        "--time-zone",
        help="IANA time zone of the user's pages, e.g. Europe/Prague (default: "
        "CENTRICITY_TIME_ZONE).",
    ),
    password: str = typer.Option(
        ..., "--password", prompt=True, hide_input=True, confirmation_prompt=True
    ),
) -> None:
    """Create a staff user."""
    settings = get_settings()
    try:
        data = UserCreate(
            email=email,
            name=name,
            password=password,
            role=role,
            department=department,
            language=language,
            time_zone=time_zone,
        )
        with session_scope(settings) as session:
            user = service.create(session, data=data, actor=None)
            typer.echo(f"Created {user.role} {user.email} (id {user.id}).")
    except DomainError as exc:
        raise _fail(str(exc)) from None
    except ValidationError as exc:
        raise _fail(_first_problem(exc)) from None
    except ValueError as exc:
        raise _fail(str(exc).splitlines()[0]) from None
