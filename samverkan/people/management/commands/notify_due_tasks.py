"""Daily: notify the recipients of open tasks that are due today or overdue (once per task)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from samverkan.people.services.tasks import notify_due_tasks


class Command(BaseCommand):
    help = "Notify (in the app, and by e-mail where chosen) about tasks due today or overdue."

    def handle(self, *args: Any, **options: Any) -> None:
        count = notify_due_tasks()
        self.stdout.write(f"{count} tasks due or overdue checked.")
