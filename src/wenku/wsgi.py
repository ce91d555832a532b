"""WSGI entry point for gunicorn (`wenku serve` starts it)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenku.settings")
application = get_wsgi_application()
