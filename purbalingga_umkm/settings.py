"""Settings for Peta UMKM Purbalingga: one file, configured from the environment.

Every variable is listed with its default in README.md ("Konfigurasi").
"""

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from purbalingga_umkm import geolibs
from purbalingga_umkm.release import git_commit

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# A missing secret in production must stop the server, not fall back quietly.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (production) or DEBUG=true (development)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
# Rotating the key: the old one stays here for one session lifetime (docs/operations.md).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "leaflet",
    "djgeojson",
    "purbalingga_umkm.third_party_apps.AxesConfig",
    "import_export",
    "django_tasks",
    "purbalingga_umkm.third_party_apps.TasksDatabaseConfig",
    "purbalingga_umkm",
    "spreadsheets",
    "mapping",
    "mentoring",
    "bantuan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "purbalingga_umkm.middleware.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "purbalingga_umkm.middleware.ChosenLanguage",
    "django.middleware.common.CommonMiddleware",
    "purbalingga_umkm.params.QueryStringGuard",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "purbalingga_umkm.middleware.PrivateResponses",
    "django.contrib.messages.middleware.MessageMiddleware",
    "purbalingga_umkm.middleware.StaffIdleTimeout",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "purbalingga_umkm.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "purbalingga_umkm.roles.portal_role",
                "purbalingga_umkm.middleware.csp_nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "purbalingga_umkm.wsgi.application"

# SQLite file for a zero-config first run; PostgreSQL through DATABASE_URL in
# production and CI, e.g. postgres://user:pass@127.0.0.1:5432/purbalingga_umkm
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the job worker are two processes on one file: in WAL mode readers
    # never wait for a writer (a long import), and writers queue for each other (IMMEDIATE,
    # up to 20 s) instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE", "timeout": 20})
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A read replica for dashboards, reports and exports (purbalingga_umkm/replica.py).
DATABASE_REPLICA_ALIAS = None
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_REPLICA_ALIAS = "replica"
DATABASE_ROUTERS = ["purbalingga_umkm.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cached figures are shared by every gunicorn worker in production: Redis when CACHE_URL
# names it (rediscache://127.0.0.1:6379/1), else the database cache, whose table a
# migration makes. A developer's `make run` (DEBUG) keeps a per-process cache: no server.
CACHE_TABLE = "purbalingga_cache"
# The version of the code, in the keys of kept figures (purbalingga_umkm/figures.py): the git
# commit of the checkout, or RELEASE where the code is deployed without its .git folder.
RELEASE = env.str("RELEASE", default="") or git_commit(BASE_DIR) or "unversioned"
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://" if DEBUG else f"dbcache://{CACHE_TABLE}")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # Django's default of 300 entries would let a crawler walking the catalogue's filter
    # links cull the dashboards' figures; 10,000 small rows are nothing to PostgreSQL.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 10_000)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling: lock a username *from one address* after repeated failures, so an
# office behind one NAT address is never locked out as a whole.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.5)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "purbalingga_umkm.client_ip.client_ip"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "mentoring:home-for-role"
LOGOUT_REDIRECT_URL = "mapping:home"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# Back-office (staff) sessions end after this many idle seconds.
STAFF_IDLE_SECONDS = env.int("STAFF_IDLE_SECONDS", default=30 * 60)

LANGUAGE_CODE = "id"
# English for buyers from elsewhere: chosen with the switch in the menu, never from the browser.
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Behind a TLS-terminating reverse proxy (nginx) in production.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=not DEBUG)
# Addresses (or networks) of the reverse proxies whose X-Real-IP header is believed for
# login throttling; a request from anywhere else is counted under its own address.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network(p, strict=False) for p in TRUSTED_PROXIES]
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The proxy's and the monitoring's health check may ask over plain HTTP on the inside.
SECURE_REDIRECT_EXEMPT = [r"^sehat/$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Maps. Without a reachable tile server the boundaries still draw; an empty
# MAP_TILES_URL turns the background layer off (closed intranet, tests).
MAP_TILES_URL = env.str(
    "MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILES_ATTRIBUTION = env.str(
    "MAP_TILES_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (-7.33, 109.37),
    "DEFAULT_ZOOM": 11,
    "MIN_ZOOM": 9,
    "MAX_ZOOM": 19,
    "RESET_VIEW": False,
    "SPATIAL_EXTENT": (108.9, -7.7, 109.8, -7.0),
    "TILES": (
        [(_("Peta dasar"), MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 19})]
        if MAP_TILES_URL
        else []
    ),
}

# GDAL/GEOS for django.contrib.gis forms (pulled in by django-leaflet's admin).
GDAL_LIBRARY_PATH = env.str("GDAL_LIBRARY_PATH", default="") or geolibs.gdal_library_path()
GEOS_LIBRARY_PATH = env.str("GEOS_LIBRARY_PATH", default="") or geolibs.geos_library_path()

# Uploads.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PRODUCT_PHOTO_MAX_BYTES = env.int("PRODUCT_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
# A GPS fix less accurate than this (metres) is refused.
LOCATION_MAX_ACCURACY_M = env.int("LOCATION_MAX_ACCURACY_M", default=100)

# Spreadsheet imports (mapping/spreadsheets.py, mapping/imports.py).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
# An XLSX is a ZIP of XML: its unpacked size is checked before anything parses it.
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=300 * 1024 * 1024)
# Long work (checking and importing a file) goes on the job queue so no request waits on
# it: jobs are rows in the database and `manage.py db_worker` (started by `make run`; a
# service in production, see docs/operations.md) runs them. TASKS_BACKEND=immediate runs
# them at once in the caller (the tests). An import whose worker stops sending heartbeats
# is marked interrupted.
TASKS = {"default": {"BACKEND": {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}[env.str("TASKS_BACKEND", default="database")]}}
IMPORT_STALE_SECONDS = env.int("IMPORT_STALE_SECONDS", default=120)
# Aid: a group formed fewer days than this before it is proposed is flagged (bantuan.checks).
BANTUAN_GROUP_MIN_AGE_DAYS = env.int("BANTUAN_GROUP_MIN_AGE_DAYS", default=180)
# django-import-export (admin exports): each direction needs its own model permission,
# e.g. mapping.export_umkm; the library's default is none at all.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
