"""WSGI entry point, e.g. `gunicorn purbalingga_umkm.wsgi` (see README)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purbalingga_umkm.settings")
application = get_wsgi_application()
