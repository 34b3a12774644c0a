"""WSGI entry point. A server that imports it without saying otherwise gets the production settings
(no DEBUG, a real SECRET_KEY required); `manage.py runserver` keeps the development ones."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()
