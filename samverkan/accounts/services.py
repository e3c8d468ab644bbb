"""What other apps and the API may ask about staff: organisation, role, API tokens."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import connection
from django.utils import timezone

from samverkan.accounts.models import (
    ApiToken,
    Organisation,
    Role,
    StaffProfile,
    TokenScope,
    default_token_expiry,
)

TOKEN_PREFIX = "smv_"

UserLike = AbstractBaseUser | AnonymousUser


def profile_of(user: UserLike | None) -> StaffProfile | None:
    if user is None or not user.is_authenticated:
        return None
    # The reverse one-to-one raises an AttributeError subclass when there is no profile.
    return getattr(user, "staff_profile", None)


def organisation_of(user: UserLike | None) -> Organisation | None:
    profile = profile_of(user)
    return profile.organisation if profile else None


def role_of(user: UserLike | None) -> Role | None:
    profile = profile_of(user)
    return Role(profile.role) if profile else None


def hash_token(plain: str) -> str:
    # Tokens are 256-bit random, so a fast hash is enough (no brute force to slow down).
    return hashlib.sha256(plain.encode()).hexdigest()


def create_token(
    user: User,
    name: str,
    *,
    scope: str = TokenScope.WRITE,
    expires: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; the plain text is returned here once and never stored.

    `expires` defaults to SAMVERKAN_TOKEN_DAYS from now; `scope` is "read" or "write".
    """
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_token(plain),
        prefix=plain[:10],
        scope=TokenScope(scope),
        expires=expires or default_token_expiry(),
    )
    return token, plain


@dataclasses.dataclass(frozen=True)
class TokenGrant:
    user_id: int
    scope: TokenScope

    def allows(self, method: str) -> bool:
        return self.scope == TokenScope.WRITE or method in SAFE_METHODS


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _aware(value: object) -> dt.datetime | None:
    if isinstance(value, str):  # SQLite may hand back the stored UTC text …
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:  # … or a naive UTC datetime
        value = value.replace(tzinfo=dt.UTC)
    return value if isinstance(value, dt.datetime) else None


LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def token_owner(plain: str) -> int | None:
    """The id of the active user a valid token belongs to (and mark the token used), or None."""
    grant = token_grant(plain)
    return None if grant is None else grant.user_id


def token_grant(plain: str) -> TokenGrant | None:
    """Whose a valid token is and what it may do (and mark it used), or None.

    None for an unknown or expired token and for a deactivated user. One plain SQL statement:
    this runs on every API call, and building the same ORM query each time cost more than
    answering the decision it guards.
    """
    if not plain.startswith(TOKEN_PREFIX):
        return None
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [hash_token(plain)])
        row = cursor.fetchone()
    if row is None or not row[2]:
        return None
    token_id, user_id, _, last_used, expires, scope = row
    now = timezone.now()
    expires_at = _aware(expires)
    if expires_at is None or expires_at <= now:
        return None
    last_used = _aware(last_used)
    # A write per request would serialise every API call on the database; minutes suffice.
    if last_used is None or now - last_used > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token_id).update(last_used=now)
    return TokenGrant(int(user_id), TokenScope(scope))


@functools.cache
def _token_sql() -> str:
    quote = connection.ops.quote_name
    token = ApiToken._meta
    user = token.get_field("user").related_model._meta  # type: ignore[union-attr]
    return (
        f"SELECT t.{quote('id')}, t.{quote('user_id')}, u.{quote('is_active')}, "
        f"t.{quote('last_used')}, t.{quote('expires')}, t.{quote('scope')} FROM {quote(token.db_table)} t "
        f"JOIN {quote(user.db_table)} u ON u.{quote(str(user.pk.column))} = t.{quote('user_id')} "
        f"WHERE t.{quote('token_hash')} = %s"
    )


def user_for_token(plain: str) -> User | None:
    """The active user a token belongs to (and mark it used), or None."""
    user_id = token_owner(plain)
    return None if user_id is None else User.objects.get(pk=user_id)
