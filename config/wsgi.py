"""WSGI entry point. A server that imports it without saying otherwise gets the production settings
(no DEBUG, a real SECRET_KEY required); `manage.py runserver` keeps the development ones.

The search index's searcher and facet columns are prepared in the background as the server starts, so
the first researcher does not wait for them."""

import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()


def _warm() -> None:
    from search.backend import backend  # needs the settings configured above

    backend().warm()


threading.Thread(target=_warm, name="searcher-warm", daemon=True).start()
