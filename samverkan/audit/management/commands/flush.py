"""Django's flush, able to empty the append-only tables in the test suite only.

Between transactional tests Django flushes every table; the append-only triggers refuse
that for the audit log. The test suite calls `samverkan.core.append_only.allow_flush()`, and
only then does this flush lift the triggers for its own statements. Anywhere else flush is
refused on the audit log, as every other delete is.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from samverkan.core.append_only import history_unlocked


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with history_unlocked(connections[options["database"]]):
            super().handle(**options)
