"""Daily: remind invited units that have not answered, a few days before the SIP meeting."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from samverkan.sip.services import send_reminders


class Command(BaseCommand):
    help = "Remind invited units that have not answered a SIP invitation before the meeting."

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_reminders()
        self.stdout.write(f"{count} reminders made.")
