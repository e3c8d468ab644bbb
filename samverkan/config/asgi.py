"""ASGI entry point, for servers such as uvicorn; `samverkan serve` uses WSGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.config.settings")

application = get_asgi_application()
