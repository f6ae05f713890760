"""CoPractice settings: one module, read from the environment (and a `.env` file beside
manage.py, which `make run` writes once for local use; the environment wins over it).

Every variable has a safe local default so that `make run` needs nothing but Python: SQLite,
the filesystem broker and e-mail to the console. Production (DEBUG off) refuses to start
without a real SECRET_KEY, sender address and public site address.
"""

from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlparse

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from copractice import broker

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
# Local settings (`make run` writes .env once); ENV_FILE names another file, or none when empty.
_env_file = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if _env_file:
    environ.Env.read_env(_env_file, overwrite=False)

# The test run's mode, set by pytest's configuration (pyproject.toml): fast password hashing,
# tasks run in-process, no production checks. Nothing else sets it.
TESTING = env.bool("COPRACTICE_TESTING", default=False)
DEBUG = env.bool("DEBUG", default=False)
PRODUCTION = not DEBUG and not TESTING

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value (or DEBUG=true for local use)."
        )
    SECRET_KEY = "insecure-local-only-key-do-not-use-in-production-0123456789abcdef"

# Absolute links in e-mails and on the calendar page. `make run` passes the address it serves
# as DEFAULT_SITE_URL, so that links follow `make run PORT=...`; SITE_URL, when set, wins.
SITE_URL = env.str(
    "SITE_URL", default=env.str("DEFAULT_SITE_URL", default="http://127.0.0.1:8000")
).rstrip("/")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def _is_local(host: str | None) -> bool:
    host = (host or "").lower().rstrip(".")
    return not host or host in _LOCAL_HOSTS or host.endswith(".localhost")


if PRODUCTION and ("SITE_URL" not in env.ENVIRON or _is_local(urlparse(SITE_URL).hostname)):
    raise ImproperlyConfigured(
        f"SITE_URL is {'not set' if 'SITE_URL' not in env.ENVIRON else repr(SITE_URL)}. Set it "
        "to the public address people use, e.g. https://copractice.your-campus.edu: links in "
        "e-mails point there."
    )
# Unset or empty: SITE_URL's host, and the local addresses (health checks from the host).
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[]) or sorted(
    {"127.0.0.1", "localhost", urlparse(SITE_URL).hostname}
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # Before the admin (its translation-aware admin classes); registers training/translation.py.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Django's widget templates, for FORM_RENDERER (which renders through TEMPLATES).
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "bootstrap",
    "simple_history",
    "copractice",
    "outbox",
    "members",
    "training",
    "meetings",
    "reports",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "copractice.middleware.ResetTimezoneMiddleware",
    # The language: the person's own (members.middleware.UserLanguageMiddleware, after login),
    # else the language switch's cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "members.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.SecondFactorRequiredMiddleware",
    "members.middleware.ProviderFormActionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "copractice.middleware.PrivatePagesMiddleware",
]

ROOT_URLCONF = "copractice.urls"
WSGI_APPLICATION = "copractice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "members.context_processors.campuses",
            ],
        },
    },
]

# --- data ----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A persistent connection that the server closed (restart, failover) is replaced before use.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # A database host that does not answer fails a request in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write to the embedded file at the same time. WAL lets readers go on
    # while one writes; IMMEDIATE transactions take the write lock when they begin, so a
    # transaction that reads and then writes waits its turn (busy timeout) instead of failing
    # with "database is locked" when another process wrote in between.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Shared by every web process. While Redis is unreachable each process falls back to its
    # own memory cache (copractice/cache.py): login keeps working, rate limits still count.
    CACHES = {
        "default": {
            "BACKEND": "copractice.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        },
        # Sessions: read from Redis, written to the database and Redis (copractice/sessions.py);
        # while Redis is unreachable, from the database alone (never a per-process copy).
        "sessions": {
            "BACKEND": "copractice.cache.SessionRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "session",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        },
    }
    SESSION_ENGINE = "copractice.sessions"
    SESSION_CACHE_ALIAS = "sessions"
else:
    # A real cache (login rate limits need one); per process, which suits the embedded set-up.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if TESTING:
        # One process: the tests count a page's queries as a deployment with Redis runs it.
        SESSION_ENGINE = "copractice.sessions"
    # Otherwise sessions stay in the database alone: a per-process cache of them would let
    # another process go on with a session that was logged out.

# --- accounts ------------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing strength is not what the tests are about; speed is.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "members.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CoPractice] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Failed logins are limited per client address and per account: a flood on one account from one
# address is stopped, and nobody else is locked out by it.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Behind reverse proxies every request comes from a proxy's address: the client's is the n-th
# from the right in X-Forwarded-For, where n is the number of proxies you run in front of the
# app (each appends the address it received from). Or a header your proxy sets to the client's
# address (e.g. X-Real-IP). Without this, rate limits per address count the whole campus as one.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
# Second factors (allauth's mfa): authenticator apps, recovery codes and passkeys. The roles
# that must use one (they read case-collaboration notes, or every campus's records) can reach
# only the enrolment pages until they have one. `make run`'s demo sets MFA_REQUIRED_ROLES=none.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "CoPractice"
# A code read just before it changes is still accepted in the next 30-second step (RFC 6238
# recommends one step of delay): a person typing at the turn is not refused. Each code is
# accepted once.
MFA_TOTP_TOLERANCE = 1
MFA_PASSKEY_LOGIN_ENABLED = False
# Passkeys need HTTPS, except on a local address (make run, tests).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or TESTING
_mfa_roles = env.str("MFA_REQUIRED_ROLES", default="coordinator,site_admin").strip().lower()
MFA_REQUIRED_ROLES = (
    frozenset()
    if _mfa_roles in ("", "none")
    else frozenset(role.strip() for role in _mfa_roles.split(",") if role.strip())
)
if MFA_REQUIRED_ROLES - {"coordinator", "site_admin"}:
    raise ImproperlyConfigured(
        f"MFA_REQUIRED_ROLES is {_mfa_roles!r}: use coordinator, site_admin (comma-separated) "
        "or none."
    )
# Campus single sign-on (OpenID Connect). Providers are configured by site admins (members'
# IdentityProvider); the adapter checks every claim (members/sso.py). Nobody signs up through
# a provider: an invitation to the same verified address is the only way in for a newcomer.
SOCIALACCOUNT_ADAPTER = "members.sso.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ONLY = False
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# --- e-mail --------------------------------------------------------------------------------
_email = env.email("EMAIL_URL", default="consolemail://")
if _email.get("EMAIL_FILE_PATH"):
    # filemail:///var/mail is the relative path var/mail (four slashes for an absolute one, as
    # in DATABASE_URL): relative to the project folder, wherever a command is started from.
    _email["EMAIL_FILE_PATH"] = str(BASE_DIR / _email["EMAIL_FILE_PATH"])
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CoPractice <noreply@localhost>")
_from_domain = parseaddr(DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
if PRODUCTION and ("DEFAULT_FROM_EMAIL" not in env.ENVIRON or _is_local(_from_domain)):
    raise ImproperlyConfigured(
        "DEFAULT_FROM_EMAIL is "
        f"{'not set' if 'DEFAULT_FROM_EMAIL' not in env.ENVIRON else repr(DEFAULT_FROM_EMAIL)}. "
        "Set it to the sender of the site's e-mail at a real domain, e.g. "
        "'CoPractice <copractice@your-campus.edu>': mail from localhost is refused or junked."
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
EMBEDDED_BROKER = CELERY_BROKER_URL.startswith("filesystem://")
if EMBEDDED_BROKER:
    # kombu's filesystem transport, writing each message atomically (copractice/broker.py).
    # The folders are the transport options; a host name keeps kombu from warning on every
    # connection that none was supplied.
    CELERY_BROKER_URL = f"{broker.SCHEME}://localhost/"
# Fail fast instead of hanging when a network broker is down: a request that dispatches a task
# must stay prompt, and the outbox's sweep delivers what could not be dispatched.
NETWORK_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
if EMBEDDED_BROKER:
    # The transport makes these folders when it is first used (copractice/broker.py).
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = NETWORK_BROKER_TRANSPORT_OPTIONS
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# Tests run tasks in-process unless a test starts a real worker (tests/test_celery.py).
CELERY_TASK_ALWAYS_EAGER = TESTING
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
HEARTBEAT_SECONDS = env.float("HEARTBEAT_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "copractice.heartbeat", "schedule": HEARTBEAT_SECONDS},
    "sweep-outbox": {"task": "outbox.sweep_outbox", "schedule": 60.0},
    "check-meeting-gaps": {"task": "meetings.check_meeting_gaps", "schedule": crontab(minute=0)},
    "send-meeting-reminders": {
        "task": "meetings.send_meeting_reminders",
        "schedule": crontab(minute="*/10"),
    },
    "send-presence-nudges": {
        "task": "meetings.send_presence_nudges",
        "schedule": crontab(minute=30),
    },
    # Daily, at a quiet hour: each campus's retention setting (meetings.retention).
    "apply-retention": {"task": "meetings.apply_retention", "schedule": crontab(hour=3, minute=15)},
}

# --- front end -----------------------------------------------------------------------------
# Form fields in Bootstrap 5's markup, drawn by one project template (copractice/forms.py).
FORM_RENDERER = "copractice.forms.FormRenderer"
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve files straight from the apps' static folders in development and tests.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# No inline script or style anywhere: everything comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- security ------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# Load balancers and the container's health check ask over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- locale --------------------------------------------------------------------------------
# English and Canadian French. The catalogue is locale/fr/LC_MESSAGES/django.po (its glossary:
# locale/GLOSSARY.md); `make install` compiles it. Dates and times follow the language
# (copractice/formats/), on the campus's clock.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["copractice.formats"]
LANGUAGE_COOKIE_NAME = "copractice_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Bilingual catalogue topics (training/translation.py): django-modeltranslation adds title_en,
# title_fr... as columns of the same table (no join per query, unlike django-parler), and
# `topic.title` reads the reader's language. A topic may exist in one language only: either
# language falls back to the other (English first), and pages mark a fallback as such.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "fr")

# bench/run.py only: routes /bench/floor/, the reference page of the load benchmark.
BENCH_FLOOR = env.bool("BENCH_FLOOR", default=False)

ADMINS = [("Site admins", e) for e in env.list("ADMIN_EMAILS", default=[])]

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secret_links": {"()": "copractice.logs.RedactSecretLinks"},
        "no_traceback_for_client_errors": {"()": "copractice.logs.NoTracebackForClientErrors"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secret_links", "no_traceback_for_client_errors"],
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "redact_secret_links"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # One handler for everything: Django's defaults print its records a second time (its own
        # console handler under DEBUG) and runserver's request lines past our filters.
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # The worker would log two INFO lines per task ("received", "succeeded") and beat one per
        # task sent; the outbox logs the line that matters, one per e-mail sent. Failures still
        # show (warnings and errors).
        "celery.worker.strategy": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        "celery.beat": {"level": "WARNING"},
    },
}
