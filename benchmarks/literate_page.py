"""The literate page (``/avtal/<id>/hela-avtalet/``) cold vs warm: the first rendering runs
the agreement's scenarios, later ones are served from the cache kept per agreement version
(``library.services.literate``). Prints figures; never pass/fail.

    SAMVERKAN_VAR_DIR=/tmp/benchvar uv run python benchmarks/literate_page.py
"""

from __future__ import annotations

import os
import statistics
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.config.settings")
    os.environ.setdefault("SAMVERKAN_DEBUG", "1")  # static files without collectstatic
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from samverkan.library import services
    from samverkan.rules import AGREEMENTS

    client = Client(HTTP_HOST="localhost")
    for agreement in AGREEMENTS:
        url = f"/avtal/{agreement}/hela-avtalet/"
        services.forget_literate()
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        cold = time.perf_counter() - start
        warm = []
        for _ in range(5):
            start = time.perf_counter()
            client.get(url)
            warm.append(time.perf_counter() - start)
        print(f"{agreement:24} cold {cold * 1000:7.0f} ms   warm median "
              f"{statistics.median(warm) * 1000:6.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
