"""What other apps and the API may ask about staff: organisation, role, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
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


def user_for_token(plain: str) -> User | None:
    """The active user a token belongs to (and mark it used), or None."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(plain)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # A write per request would serialise every API call on the database; minutes suffice.
    if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user
