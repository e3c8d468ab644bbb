"""Password rules beyond Django's own (length, common, numeric, similarity)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RepeatedCharacterValidator:
    """Refuse passwords made mostly of one character, or of one short run repeated.

    `aaaaaaaaaaaa`, `abababababab` and `abcabcabcabc` pass Django's length, common and
    numeric validators; they fall to guessing in seconds.
    """

    def __init__(self, min_distinct: int = 5, max_period: int = 4) -> None:
        self.min_distinct = min_distinct
        self.max_period = max_period

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password.lower())) < self.min_distinct or self._periodic(password):
            raise ValidationError(
                _(
                    "Lösenordet upprepar samma tecken för mycket: använd minst %(n)d olika "
                    "tecken och inget kort mönster om och om igen."
                ),
                code="password_repetitive",
                params={"n": self.min_distinct},
            )

    def _periodic(self, password: str) -> bool:
        n = len(password)
        return any(
            n >= 2 * period and password == (password[:period] * (n // period + 1))[:n]
            for period in range(1, self.max_period + 1)
        )

    def get_help_text(self) -> str:
        return _(
            "Lösenordet måste ha minst %(n)d olika tecken och får inte vara ett kort mönster "
            "som upprepas."
        ) % {"n": self.min_distinct}
