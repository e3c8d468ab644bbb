"""WSGI entry point: `granian --interface wsgi samverkan.config.wsgi:application` (what `samverkan serve` runs)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.config.settings")

application = get_wsgi_application()
