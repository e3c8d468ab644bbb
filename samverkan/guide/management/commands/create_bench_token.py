"""`samverkan manage create_bench_token [--user admin]`: print a new API token (benchmarks/api_load.py).

A shell on the server can mint a token for any user anyway (this is what `manage shell`
could do); over the API a token can only be created from a logged-in browser session.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samverkan.accounts.services import create_token


class Command(BaseCommand):
    help = "Skapa en API-token för en användare och skriv ut den (för lasttestet)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default="admin", help="användarnamn (standard: admin)")
        parser.add_argument("--name", default="benchmark", help="tokenns namn")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=options["user"], is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Ingen aktiv användare '{options['user']}'.") from None
        _, plain = create_token(user, options["name"])
        self.stdout.write(plain)
