"""Accounts (tài khoản): users with one role, passwords hashed with argon2, login session tokens and API keys.

The same functions serve the HTTP service and the ``thuky users`` / ``thuky keys`` commands. Every function takes an
SQLAlchemy engine of a database whose schema is up to date (``corpus.database`` migrations).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.tables import ROLES, ApiKeyRow, AuthTokenRow, UserRow
from corpus.tables import utcnow

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8
TOKEN_PREFIX = "tks_"  # a login session
KEY_PREFIX = "tkk_"  # an API key

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash("thuky-dummy-password")


class AccountError(ValueError):
    """A request about accounts that cannot be done; ``code`` is the API error code."""

    def __init__(self, message: str, code: str = "invalid_account"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    disabled: bool = False
    created_at: str | None = None


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user, and how they proved it (a login token or an API key)."""

    user_id: int
    username: str
    role: str
    via: str  # "token" | "key"
    credential_id: int  # the token's or the key's row id


@dataclass(frozen=True)
class IssuedKey:
    id: int
    name: str
    key: str  # the only time the key is seen
    username: str
    created_at: str
    expires_at: str | None = None


def as_utc(t: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes; everything stored here is UTC."""
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def iso(t: dt.datetime | str | None) -> str | None:
    """ISO 8601 in UTC with its offset (also for a naive ISO string read back from SQLite)."""
    if isinstance(t, str):
        t = dt.datetime.fromisoformat(t)
    t = as_utc(t)
    return t.isoformat() if t else None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not USERNAME.match(name):
        raise AccountError(f"invalid username {username!r}: 2–64 characters, lowercase letters, digits, '.', '_' "
                           "or '-', starting with a letter or digit", "invalid_username")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: one of {', '.join(ROLES)}", "invalid_role")
    return role


def check_password(password: str) -> str:
    if password is None or len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters", "weak_password")
    if len(password) > 1024:
        raise AccountError("the password is longer than 1024 characters", "invalid_password")
    return password


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def _user(row: UserRow) -> User:
    return User(row.id, row.username, row.role, row.disabled, iso(row.created_at))


class Accounts:
    """Users, login sessions and API keys over one database."""

    def __init__(self, engine: Engine):
        self.engine = engine

    # -- users ----------------------------------------------------------------------------------------------------
    def add_user(self, username: str, role: str, password: str) -> User:
        name, role = check_username(username), check_role(role)
        check_password(password)
        with Session(self.engine) as s, s.begin():
            if s.scalar(select(UserRow.id).where(UserRow.username == name)) is not None:
                raise AccountError(f"user {name!r} already exists", "user_exists")
            row = UserRow(username=name, role=role, password_hash=hash_password(password))
            s.add(row)
            s.flush()
            return _user(row)

    def get_user(self, username: str) -> User | None:
        with Session(self.engine) as s:
            row = s.scalar(select(UserRow).where(UserRow.username == (username or "").strip().lower()))
            return _user(row) if row else None

    def users(self) -> list[User]:
        with Session(self.engine) as s:
            return [_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]

    def has_admin(self) -> bool:
        with Session(self.engine) as s:
            return s.scalar(select(UserRow.id).where(UserRow.role == "admin", UserRow.disabled.is_(False))
                            .limit(1)) is not None

    def set_password(self, username: str, password: str) -> None:
        """Set a user's password; their login sessions and API keys are revoked (whoever knew the old password may
        have made a key with it)."""
        check_password(password)
        with Session(self.engine) as s, s.begin():
            row = self._user_row(s, username)
            row.password_hash = hash_password(password)
            s.execute(update(AuthTokenRow).where(AuthTokenRow.user_id == row.id).values(revoked=True))
            s.execute(update(ApiKeyRow).where(ApiKeyRow.user_id == row.id).values(revoked=True))

    def set_role(self, username: str, role: str) -> User:
        check_role(role)
        with Session(self.engine) as s, s.begin():
            row = self._user_row(s, username)
            row.role = role
            return _user(row)

    def set_disabled(self, username: str, disabled: bool) -> User:
        """Disable (or re-enable) an account; disabling revokes its sessions and keys."""
        with Session(self.engine) as s, s.begin():
            row = self._user_row(s, username)
            row.disabled = disabled
            if disabled:
                s.execute(update(AuthTokenRow).where(AuthTokenRow.user_id == row.id).values(revoked=True))
                s.execute(update(ApiKeyRow).where(ApiKeyRow.user_id == row.id).values(revoked=True))
            return _user(row)

    @staticmethod
    def _user_row(s: Session, username: str) -> UserRow:
        row = s.scalar(select(UserRow).where(UserRow.username == (username or "").strip().lower()))
        if row is None:
            raise AccountError(f"no user {username!r}", "unknown_user")
        return row

    # -- login sessions -------------------------------------------------------------------------------------------
    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password is right and the account enabled; None otherwise (same cost either way)."""
        with Session(self.engine) as s:
            row = s.scalar(select(UserRow).where(UserRow.username == (username or "").strip().lower()))
            stored = row.password_hash if row is not None and row.password_hash else _DUMMY_HASH
            try:
                ok = _hasher.verify(stored, password or "")
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            if not ok or row is None or not row.password_hash or row.disabled:  # no password: no login at all
                return None
            return _user(row)

    def issue_token(self, user: User, hours: float) -> str:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with Session(self.engine) as s, s.begin():
            s.add(AuthTokenRow(user_id=user.id, token_hash=digest(token),
                               expires_at=utcnow() + dt.timedelta(hours=hours)))
        return token

    def purge_expired_tokens(self, now: dt.datetime | None = None) -> int:
        """Delete login sessions that have expired (they can never be used again); returns how many."""
        with Session(self.engine) as s, s.begin():
            return s.execute(delete(AuthTokenRow).where(AuthTokenRow.expires_at <= (now or utcnow()))).rowcount

    def revoke_token_id(self, token_id: int) -> None:
        """Revoke a login session by its row id (``Principal.credential_id`` of a principal with via "token")."""
        with Session(self.engine) as s, s.begin():
            s.execute(update(AuthTokenRow).where(AuthTokenRow.id == token_id).values(revoked=True))

    def resolve(self, secret: str) -> Principal | None:
        """The caller a bearer secret (login token or API key) stands for, or None when it is unknown, expired,
        revoked or its user disabled."""
        if not secret:
            return None
        if secret.startswith(TOKEN_PREFIX):
            row, secret_hash, kind = AuthTokenRow, AuthTokenRow.token_hash, "token"
        elif secret.startswith(KEY_PREFIX):
            row, secret_hash, kind = ApiKeyRow, ApiKeyRow.key_hash, "key"
        else:
            return None
        with Session(self.engine) as s:
            hit = s.execute(select(row, UserRow).join(UserRow, UserRow.id == row.user_id)
                            .where(secret_hash == digest(secret))).first()
            if hit is None:
                return None
            credential, user = hit
            expires_at = credential.expires_at  # login tokens always expire; API keys when created with an expiry
            if credential.revoked or user.disabled or (expires_at is not None and as_utc(expires_at) <= utcnow()):
                return None
            return Principal(user.id, user.username, user.role, kind, credential.id)

    # -- API keys -------------------------------------------------------------------------------------------------
    def create_key(self, username: str, name: str, expires_at: dt.datetime | None = None,
                   max_keys: int | None = None) -> IssuedKey:
        """A new API key for ``username``, valid until ``expires_at`` (None: until revoked). With ``max_keys``, a user
        who already has that many usable keys gets an ``AccountError`` (code ``too_many_keys``)."""
        name = " ".join((name or "").split())
        if not name or len(name) > 100:
            raise AccountError("the key needs a name of 1–100 characters", "invalid_key_name")
        expires_at = as_utc(expires_at)
        if expires_at is not None and expires_at <= utcnow():
            raise AccountError("the key's expiry must be in the future", "invalid_expiry")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with Session(self.engine) as s, s.begin():
            user = self._user_row(s, username)
            if user.disabled:
                raise AccountError(f"user {user.username!r} is disabled", "user_disabled")
            if max_keys is not None and self._usable_keys(s, user.id) >= max_keys:
                raise AccountError(f"user {user.username!r} already has {max_keys} API keys, the most allowed: revoke "
                                   "one first (DELETE /v1/keys/{id})", "too_many_keys")
            row = ApiKeyRow(user_id=user.id, name=name, prefix=key[:10], key_hash=digest(key), expires_at=expires_at)
            s.add(row)
            s.flush()
            return IssuedKey(row.id, row.name, key, user.username, iso(row.created_at), iso(expires_at))

    @staticmethod
    def _usable_keys(s: Session, user_id: int) -> int:
        """Keys of a user that are neither revoked nor expired."""
        return s.scalar(select(func.count(ApiKeyRow.id)).where(
            ApiKeyRow.user_id == user_id, ApiKeyRow.revoked.is_(False),
            or_(ApiKeyRow.expires_at.is_(None), ApiKeyRow.expires_at > utcnow()))) or 0

    def keys(self, username: str | None = None) -> list[dict]:
        """Keys (without their secret) of one user, or of everyone when ``username`` is None."""
        with Session(self.engine) as s:
            q = select(ApiKeyRow, UserRow.username).join(UserRow, UserRow.id == ApiKeyRow.user_id)
            if username is not None:
                q = q.where(UserRow.username == username)
            return [{"id": k.id, "name": k.name, "username": u, "prefix": k.prefix, "created_at": iso(k.created_at),
                     "last_used_at": iso(k.last_used_at), "expires_at": iso(k.expires_at), "revoked": k.revoked}
                    for k, u in s.execute(q.order_by(ApiKeyRow.id))]

    def revoke_key(self, key_id: int, username: str | None = None) -> None:
        """Revoke a key; with ``username``, only a key of that user (another user's key reads as unknown)."""
        with Session(self.engine) as s, s.begin():
            q = select(ApiKeyRow).join(UserRow, UserRow.id == ApiKeyRow.user_id).where(ApiKeyRow.id == key_id)
            if username is not None:
                q = q.where(UserRow.username == username)
            row = s.scalar(q)
            if row is None:
                raise AccountError(f"no API key {key_id}", "unknown_key")
            row.revoked = True

    def touch_key(self, key_id: int) -> None:
        with Session(self.engine) as s, s.begin():
            s.execute(update(ApiKeyRow).where(ApiKeyRow.id == key_id).values(last_used_at=utcnow()))

