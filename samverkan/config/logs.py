"""Log formatting that masks personal identifiers.

The rule is that code never logs personal data (and request bodies are never logged at all);
this formatter is the safety net for what slips through anyway, e.g. an identifier in an
exception message or a URL.
"""

from __future__ import annotations

import logging
import re

# personnummer/samordningsnummer (10 or 12 digits, optional - or +), also org numbers and
# phone numbers, which are just as unwelcome in a log.
_IDENTIFIER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    return _EMAIL.sub("[e-post]", _IDENTIFIER.sub("[id]", text))


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def logging_config(level: str) -> dict:
    """Console logging only: no mail_admins (it would mail request data), no SQL parameters."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "redacted": {
                "()": "samverkan.config.logs.RedactingFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "redacted"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            "django.server": {"handlers": ["console"], "level": level, "propagate": False},
            # SQL logging would write query parameters, i.e. personal data.
            "django.db.backends": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
