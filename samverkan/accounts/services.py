"""What other apps and the API may ask about staff: organisation, role, API tokens."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import connection
from django.utils import timezone

from samverkan.accounts.models import ApiToken, Organisation, Role, StaffProfile

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


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the plain text is returned here once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, token_hash=hash_token(plain), prefix=plain[:10]
    )
    return token, plain


LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def token_owner(plain: str) -> int | None:
    """The id of the active user a token belongs to (and mark the token used), or None.

    One plain SQL statement: this runs on every API call, and building the same ORM query
    each time cost more than answering the decision it guards.
    """
    if not plain.startswith(TOKEN_PREFIX):
        return None
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [hash_token(plain)])
        row = cursor.fetchone()
    if row is None or not row[2]:
        return None
    token_id, user_id, _, last_used = row
    now = timezone.now()
    if isinstance(last_used, str):  # SQLite may hand back the stored UTC text …
        last_used = dt.datetime.fromisoformat(last_used)
    if last_used is not None and last_used.tzinfo is None:  # … or a naive UTC datetime
        last_used = last_used.replace(tzinfo=dt.UTC)
    # A write per request would serialise every API call on the database; minutes suffice.
    if last_used is None or now - last_used > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token_id).update(last_used=now)
    return int(user_id)


@functools.cache
def _token_sql() -> str:
    quote = connection.ops.quote_name
    token = ApiToken._meta
    user = token.get_field("user").related_model._meta  # type: ignore[union-attr]
    return (
        f"SELECT t.{quote('id')}, t.{quote('user_id')}, u.{quote('is_active')}, "
        f"t.{quote('last_used')} FROM {quote(token.db_table)} t "
        f"JOIN {quote(user.db_table)} u ON u.{quote(str(user.pk.column))} = t.{quote('user_id')} "
        f"WHERE t.{quote('token_hash')} = %s"
    )


def user_for_token(plain: str) -> User | None:
    """The active user a token belongs to (and mark it used), or None."""
    user_id = token_owner(plain)
    return None if user_id is None else User.objects.get(pk=user_id)
