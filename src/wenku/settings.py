"""Django settings: derived from `wenku.config.CONFIG`, never from the environment directly."""

import importlib.util
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from wenku.config import CONFIG
from wenku.storage import backend_for_url, local_backend

BASE_DIR = Path(__file__).resolve().parent
# Found without importing it: importing Ninja costs every command start-up 0.3 s.
NINJA_DIR = Path(importlib.util.find_spec("ninja").submodule_search_locations[0])
# Every WENKU_* value, typed (wenku.config.Config). Code reads it at call time as
# `settings.WENKU.<name>`, so that a test changes one with `override_settings`.
WENKU = CONFIG
DATA_DIR = CONFIG.data_dir.resolve()
WENKU_PUBLISH_CHECKS = CONFIG.publish_checks
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """A stable per-installation key kept in the data folder unless one is configured."""
    if CONFIG.secret_key:
        return CONFIG.secret_key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        from django.utils.crypto import get_random_string

        path.write_text(get_random_string(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks_db",
    "wenku.site",
    "wenku.accounts",
    "wenku.notices",
    "wenku.library",
    "wenku.conversion",
    "wenku.moderation",
    "wenku.community",
    "wenku.search",
    "wenku.api",
    "wenku.discovery",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wenku.accounts.middleware.KnownDeviceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wenku.middleware.RequestGuardMiddleware",
]

# Scripts, styles, images and forms from this site only; no plugins, no framing by others.
# Pages declare behaviour with data attributes (static/wenku/site.js), never inline script.
# Inline styles stay allowed: htmx inserts its indicator style, Swagger UI styles elements.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}

ROOT_URLCONF = "wenku.urls"
WSGI_APPLICATION = "wenku.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Ninja's folder gives /api/docs its Swagger UI page (wenku.api.docs).
        "DIRS": [BASE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wenku.library.context_processors.site",
                "wenku.notices.context_processors.unread",
            ],
        },
    },
]


def _databases() -> dict:
    url = CONFIG.database_url or f"sqlite:///{DATA_DIR / 'wenku.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # Opening SQLite and running the PRAGMAs cost more than most pages: keep connections.
        db["CONN_MAX_AGE"] = 600
        db["OPTIONS"] = {
            # WAL lets readers go on while the worker writes; IMMEDIATE avoids lock upgrades
            # that fail with "database is locked" under concurrent writers.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        # Worker processes in tests must see the test database, so it lives in a file.
        db["TEST"] = {"NAME": str(DATA_DIR / "test-wenku.sqlite3")}
    return {"default": db}


DATABASES = _databases()


def _caches() -> dict:
    if CONFIG.cache_url:
        if not CONFIG.cache_url.startswith(("redis://", "rediss://", "unix://")):
            raise SystemExit(f"WENKU_CACHE_URL: not a Redis URL: {CONFIG.cache_url!r}")
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": CONFIG.cache_url,
                # A cache that stops answering must not hang every request.
                "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


CACHES = _caches()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["wenku.accounts.auth.ThrottledBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:me"
LOGOUT_REDIRECT_URL = "web:home"

# Mail goes to the console (the log) unless an SMTP host is configured.
if CONFIG.email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": CONFIG.email_host,
                "port": CONFIG.email_port,
                "username": CONFIG.email_host_user,
                "password": CONFIG.email_host_password,
                "use_tls": CONFIG.email_use_tls,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = CONFIG.default_from_email

LANGUAGE_CODE = CONFIG.language
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = CONFIG.time_zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static", ("ninja", NINJA_DIR / "static" / "ninja")]
WHITENOISE_USE_FINDERS = True


def _file_storage() -> dict:
    """Originals, PDFs and page images: the folder (default) or the object storage that
    WENKU_STORAGE_URL names. Nothing assumes a stored file has a local path (wenku.storage)."""
    if not CONFIG.storage_url:
        return local_backend(CONFIG.storage_dir.resolve())
    if CONFIG.storage_root is not None:
        # Two answers to one question: refuse rather than guess which one the operator meant.
        raise SystemExit("WENKU_STORAGE_URL and WENKU_STORAGE_ROOT are both set: keep one")
    try:
        return backend_for_url(CONFIG.storage_url)
    except ValueError as exc:
        raise SystemExit(f"WENKU_STORAGE_URL: {exc}") from None


STORAGES = {
    "default": _file_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads larger than this go to a temporary file in the data folder, never into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
(DATA_DIR / "tmp").mkdir(exist_ok=True)
DATA_UPLOAD_MAX_NUMBER_FILES = 50
# The first handler stops an upload past the size limit however it is sent.
FILE_UPLOAD_HANDLERS = [
    "wenku.middleware.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# HTTPS deployments (WENKU_HTTPS=true behind a proxy that terminates TLS and sets
# X-Forwarded-Proto): secure cookies, HSTS, redirect to https except the health checks.
if CONFIG.https:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^-/"]
    SECURE_HSTS_SECONDS = CONFIG.hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "conversion"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "wenku": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Server errors with their traceback (Django logs them here; without a handler of
        # ours they went nowhere once DEBUG is off).
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
