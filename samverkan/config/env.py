"""Reading settings from the environment (12-factor) and the paths derived from it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_ROOT = PACKAGE_DIR.parent
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
DEV_SECRET_KEY = "django-insecure-samverkan-dev-only-never-use-in-production"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, low: int, high: int) -> int:
    """An integer setting within [low, high]; anything else stops the start with its name."""
    raw = env_str(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}, not {value}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def running_from_checkout() -> bool:
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "samverkan").is_dir()


def var_dir() -> Path:
    """Where the SQLite file, collected static files and the generated key live."""
    configured = env_str("SAMVERKAN_VAR_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    base = PROJECT_ROOT if running_from_checkout() else Path.cwd()
    return base / "var"


def secret_key(*, debug: bool, allowed_hosts: list[str], var: Path) -> str:
    """`SECRET_KEY` from the environment; without it, only local set-ups get a key.

    DEBUG gets a fixed, clearly insecure key. A non-DEBUG server reachable only on loopback
    (the default `samverkan serve`) gets a random key generated once into `var/secret_key`,
    so sessions survive restarts. Anything else must set `SECRET_KEY`.
    """
    configured = env_str("SECRET_KEY")
    if configured:
        if not debug:
            refuse_weak_secret_key(configured)
        return configured
    if debug:
        return DEV_SECRET_KEY
    if allowed_hosts and set(allowed_hosts) <= LOOPBACK_HOSTS:
        return _local_key(var / "secret_key")
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off and ALLOWED_HOSTS names a non-local host."
    )


def refuse_weak_secret_key(key: str) -> None:
    """Stop the start outside development with a key Django's deploy check calls weak.

    The same rule as Django's security.W009: at least 50 characters, at least 5 distinct,
    not Django's generated `django-insecure-` development key (nor ours).
    """
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for a server without DEBUG: use at least 50 random "
            "characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )


def _local_key(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: several server workers may start at once; the first one writes.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        key = secrets.token_urlsafe(50)
        handle.write(key)
    return key
