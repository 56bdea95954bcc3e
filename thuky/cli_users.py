"""``thuky users …`` and ``thuky keys …``: accounts and API keys, managed on the server's own database."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.table import Table

from thuky.cli_output import console, fail
from thuky.settings import get_settings

users_app = typer.Typer(help="Tài khoản: users with a role (judge, clerk, evaluator, admin).", no_args_is_help=True)
keys_app = typer.Typer(help="Khóa API: keys for programs, shown once, revocable.", no_args_is_help=True)


def _accounts():
    from thuky import runtime
    from api.accounts import Accounts

    return Accounts(runtime.current().store.engine)


@contextmanager
def _account_errors() -> Iterator[None]:
    """An account operation that fails (unknown user, bad role, weak password…) ends the command with its reason."""
    from api.accounts import AccountError

    try:
        yield
    except AccountError as exc:
        fail(str(exc))


def _read_password(from_stdin: bool, generate: bool) -> tuple[str, bool]:
    """(password, generated?)."""
    from api.accounts import generate_password

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if generate or not sys.stdin.isatty():
        return generate_password(), True
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password, False


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập: lowercase letters, digits, . _ -")],
    role: Annotated[str, typer.Option("--role", "-r", help="judge | clerk | evaluator | admin")] = "judge",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin")] = False,
    generate: Annotated[bool, typer.Option("--generate", help="Generate a password and print it once")] = False,
) -> None:
    """Add a user. Without --password-stdin it asks for the password (or, not on a terminal, generates one)."""
    password, generated = _read_password(password_stdin, generate)
    with _account_errors():
        user = _accounts().add_user(username, role, password)
    console.print(f"user [bold]{user.username}[/] ({user.role}) created", highlight=False)
    if generated:
        console.print(f"password (shown once): [bold]{password}[/]", highlight=False)


@users_app.command("list")
def list_users() -> None:
    """List the users and their roles."""
    users = _accounts().users()
    table = Table(title=f"{len(users)} users")
    for col in ("username", "role", "disabled", "created"):
        table.add_column(col)
    for u in users:
        table.add_row(u.username, u.role, "yes" if u.disabled else "", (u.created_at or "")[:19])
    console.print(table)


@users_app.command("passwd")
def passwd(
    username: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin")] = False,
    generate: Annotated[bool, typer.Option("--generate", help="Generate a password and print it once")] = False,
) -> None:
    """Set a user's password (their login sessions end and their API keys are revoked)."""
    password, generated = _read_password(password_stdin, generate)
    with _account_errors():
        _accounts().set_password(username, password)
    console.print(f"password of {username} changed; their login sessions and API keys are revoked"
                  + (f"; new password (shown once): {password}" if generated else ""), highlight=False)


@users_app.command("role")
def role(username: str, new_role: Annotated[str, typer.Argument(help="judge | clerk | evaluator | admin")]) -> None:
    """Change a user's role."""
    with _account_errors():
        user = _accounts().set_role(username, new_role)
    console.print(f"{user.username} is now {user.role}", highlight=False)


@users_app.command("disable")
def disable(username: str) -> None:
    """Disable a user: their sessions and API keys stop working."""
    with _account_errors():
        _accounts().set_disabled(username, True)
    console.print(f"{username} disabled; sessions and keys revoked", highlight=False)


@users_app.command("enable")
def enable(username: str) -> None:
    """Enable a disabled user again (revoked keys stay revoked)."""
    with _account_errors():
        _accounts().set_disabled(username, False)
    console.print(f"{username} enabled", highlight=False)


@users_app.command("init-admin")
def init_admin() -> None:
    """Create the first administrator if there is none: THUKY_ADMIN_USERNAME (default admin) with the password in
    THUKY_ADMIN_PASSWORD, or a generated one printed once."""
    from api.accounts import generate_password

    s = get_settings()
    accounts = _accounts()
    if accounts.has_admin():
        console.print("an administrator exists already", highlight=False)
        return
    password = s.admin_password or generate_password()
    with _account_errors():
        user = accounts.add_user(s.admin_username, "admin", password)
    console.print(f"first administrator created: [bold]{user.username}[/]", highlight=False)
    if not s.admin_password:
        console.print(f"password (shown once, store it now): [bold]{password}[/]", highlight=False)


@keys_app.command("create")
def create_key(
    user: Annotated[str, typer.Option("--user", "-u", help="The key acts as this user, with their role")],
    name: Annotated[str, typer.Option("--name", "-n", help="What the key is for")],
) -> None:
    """Create an API key; it is printed once and stored only as a hash."""
    with _account_errors():
        issued = _accounts().create_key(user, name)
    console.print(f"API key {issued.id} '{issued.name}' for {issued.username} (shown once, store it now):",
                  highlight=False)
    print(issued.key)


@keys_app.command("list")
def list_keys(user: Annotated[str | None, typer.Option("--user", "-u", help="Only this user's keys")] = None) -> None:
    """List API keys (never the secret)."""
    keys = _accounts().keys(user)
    table = Table(title=f"{len(keys)} API keys")
    for col in ("id", "name", "user", "prefix", "created", "last used", "revoked"):
        table.add_column(col)
    for k in keys:
        table.add_row(str(k["id"]), k["name"], k["username"], k["prefix"] + "…", (k["created_at"] or "")[:19],
                      (k["last_used_at"] or "")[:19], "yes" if k["revoked"] else "")
    console.print(table)


@keys_app.command("revoke")
def revoke_key(key_id: Annotated[int, typer.Argument(help="The key's id (see `thuky keys list`)")]) -> None:
    """Revoke an API key."""
    with _account_errors():
        _accounts().revoke_key(key_id)
    console.print(f"API key {key_id} revoked", highlight=False)
