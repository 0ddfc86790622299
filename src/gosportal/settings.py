"""Settings for every environment, read from environment variables.

Defaults suit a laptop: SQLite and files under ``var/``, local-memory cache, the
database task queue, captured e-mail and SMS. Production sets the variables listed
in ``docs/configuration.md``; ``manage.py check --deploy`` then passes.
"""

import base64
import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Secrets that were not given in the environment are generated once into var/ so
# that a laptop needs no setup. The deploy check (core.checks) refuses them.
LOCALLY_GENERATED_SECRETS: list[str] = []


def local_secret(env_name: str, file_name: str, make) -> str:
    value = os.environ.get(env_name)
    if value:
        return value
    LOCALLY_GENERATED_SECRETS.append(env_name)
    path = VAR_DIR / file_name
    if not path.exists():
        # Write then link: parallel processes never read a half-written file.
        with tempfile.NamedTemporaryFile("w", dir=VAR_DIR, delete=False) as handle:
            handle.write(make())
        try:
            os.link(handle.name, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(handle.name)
        path.chmod(0o600)
    return path.read_text().strip()


def _new_aes_key() -> str:
    return "k1:" + base64.b64encode(secrets.token_bytes(32)).decode()


DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or env_bool("TESTING", False)
SECRET_KEY = local_secret("SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))

# SEC-2: AES-256-GCM keys "id:base64,id:base64"; the first one encrypts, all decrypt.
FIELD_ENCRYPTION_KEYS = local_secret("FIELD_ENCRYPTION_KEYS", "field_keys", _new_aes_key)
BLIND_INDEX_KEY = local_secret(
    "BLIND_INDEX_KEY", "blind_index_key", lambda: base64.b64encode(secrets.token_bytes(32)).decode()
)

# SEC-4: the Ed25519 key that signs the audit log's tree heads, base64 of its 32-byte
# private key. Empty: the portal generates one and keeps it encrypted in the database.
AUDIT_SIGNING_KEY = env_str("AUDIT_SIGNING_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "gosportal.core",
    "gosportal.integrations",
    "gosportal.accounts",
    "gosportal.profiles",
    "gosportal.identity",
    "gosportal.organizations",
    "gosportal.signatures",
    "gosportal.catalog",
    "gosportal.documents",
    "gosportal.applications",
    "gosportal.appeals",
    "gosportal.partners",
    "gosportal.notifications",
    "gosportal.backoffice",
    "gosportal.api",
    "gosportal.demo",
]

MIDDLEWARE = [
    "gosportal.core.middleware.RequestContextMiddleware",
    "gosportal.core.metrics.request_metrics_middleware",
    "gosportal.core.db.primary_pin_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gosportal.profiles.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gosportal.core.middleware.AuditContextUserMiddleware",
    "gosportal.organizations.acting.ActingAsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gosportal.accounts.sessions.SessionActivityMiddleware",
    "gosportal.accounts.passwords.PasswordAgeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gosportal.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "gosportal.urls"
WSGI_APPLICATION = "gosportal.wsgi.application"
ASGI_APPLICATION = "gosportal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "gosportal.core.context_processors.portal",
                "gosportal.accounts.switching.context",
                "gosportal.organizations.acting.menu",
                "gosportal.backoffice.desks.desk_link",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL through DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and immediate transactions let the web process and the worker share the
    # file without "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so that tests may start a second process on it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}
# PostgreSQL: each process keeps a bounded pool of connections (psycopg_pool through
# Django's "pool" option) instead of one connection per request or per thread: the
# ASGI front's threads can never pile up connections, and a WSGI worker reuses its
# own. DATABASE_POOL_SIZE=0 falls back to DATABASE_CONN_MAX_AGE. The test run opens
# one connection per test database and keeps the plain connection.
DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 0 if TESTING else 4)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_POOL_SIZE > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
        "max_idle": 300,
    }
# A read replica (docs/operations.md, "Scaling past one machine"): the alias "replica",
# which only the reads inside core.db.read_replica() use (the busiest lists), never
# writes, never a transaction's reads, never a browser's requests for
# DATABASE_REPLICA_LAG seconds after it wrote. Tests get the alias as a mirror of the
# test database (routing off unless a test turns DATABASE_READ_REPLICA on).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
DATABASE_READ_REPLICA = bool(DATABASE_REPLICA_URL) and not TESTING
DATABASE_REPLICA_LAG = env_int("DATABASE_REPLICA_LAG", 5)
if TESTING:
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
elif DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    if "pool" in DATABASES["default"].get("OPTIONS", {}):
        DATABASES["replica"].setdefault("OPTIONS", {})["pool"] = {
            **DATABASES["default"]["OPTIONS"]["pool"]
        }
DATABASE_ROUTERS = ["gosportal.core.db.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "gosportal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: the Django Tasks API. The database queue by default; RQ on Redis
# when REDIS_URL is set (or TASK_BACKEND says so). The same task code runs on both.
TASK_BACKEND = env_str("TASK_BACKEND", "rq" if REDIS_URL else "db")
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Sessions: the database by default; with Redis, read from the cache and written
# through to the database (cached_db), so the list of active sessions stays whole.
SESSION_ENGINE = env_str(
    "SESSION_ENGINE",
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db",
)
SESSION_CACHE_ALIAS = "default"
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gosportal.accounts.backends.LoginBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
# AUTH-2: Argon2id. The test run alone uses a fast hasher (each Argon2 hash costs
# ~100 ms and 100 MB by design); tests/core/test_settings.py pins the real list.
PRODUCTION_PASSWORD_HASHERS = [
    "gosportal.accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"] if TESTING else PRODUCTION_PASSWORD_HASHERS
)
# Argon2id's cost (accounts/hashers.py): Django's time and memory cost, lanes matched to
# the cores, and at most this many hashes at once per process (~100 MB each). A stored
# hash with other parameters is rehashed at its owner's next sign-in.
_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
ARGON2_TIME_COST = env_int("ARGON2_TIME_COST", 2)
ARGON2_MEMORY_COST = env_int("ARGON2_MEMORY_COST", 102400)
ARGON2_PARALLELISM = env_int("ARGON2_PARALLELISM", _cores or 1)
ARGON2_MAX_CONCURRENT = env_int("ARGON2_MAX_CONCURRENT", _cores or 1)
# AUTH-2: the password policy (accounts/passwords.py), Russian messages.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "gosportal.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "gosportal.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "gosportal.accounts.passwords.CommonPasswordsValidator"},
    {"NAME": "gosportal.accounts.passwords.KeyboardSequenceValidator"},
    {"NAME": "gosportal.accounts.passwords.RepeatedCharactersValidator"},
    {"NAME": "gosportal.accounts.passwords.PersonalDataValidator"},
]
# Password age: a reminder after this many days (0 = never); enforced when true.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
PASSWORD_AGE_ENFORCE = env_bool("PASSWORD_AGE_ENFORCE", False)
# The e-mail field is unique through its blind index, not the (encrypted) column.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Русский")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # The encrypted document vault (core.vault): MEDIA_ROOT/vault/ on the local disk, or an
    # S3-compatible bucket when S3_BUCKET is set. The portal encrypts before writing, so
    # the bucket only ever holds ciphertext; nothing in it is served by URL.
    "vault": {"BACKEND": "gosportal.core.vault.LocalVaultStorage"},
}
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    STORAGES["vault"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("S3_REGION") or None,
            "location": "vault",
            # Key rotation rewrites an object under its own name (core.vault.rotate).
            "file_overwrite": True,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# E-mail: captured into the sandbox outbox locally; SMTP in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "gosportal.integrations.email.sandbox.CapturingEmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Госпортал <noreply@gosportal.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Adapters for outside systems: dotted paths, sandbox by default.
SMS_GATEWAY = env_str("SMS_GATEWAY", "gosportal.integrations.sms.sandbox.SandboxSmsGateway")
SMS_SENDER = env_str("SMS_SENDER", "GOSPORTAL")
ANTIVIRUS_SCANNER = env_str(
    "ANTIVIRUS_SCANNER", "gosportal.integrations.antivirus.sandbox.SandboxAntivirus"
)


# MOB-1 web push (docs/notifications.md): the VAPID key pair (raw P-256 private key,
# base64url) and the contact sent to push services; generated into var/ on a laptop.
def _new_vapid_key() -> str:
    from cryptography.hazmat.primitives.asymmetric import ec

    number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).decode().rstrip("=")


VAPID_PRIVATE_KEY = local_secret("VAPID_PRIVATE_KEY", "vapid_private_key", _new_vapid_key)
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:support@gosportal.local")
# Push services the portal may post to (host suffixes); browsers only hand out these.
WEB_PUSH_HOSTS = env_list(
    "WEB_PUSH_HOSTS",
    "fcm.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com",
)
WEB_PUSH_TTL = env_int("WEB_PUSH_TTL", 24 * 60 * 60)
# NOT-4: the SMS operator's delivery reports, signed with HMAC-SHA256 over the body.
SMS_RECEIPT_SECRET = local_secret(
    "SMS_RECEIPT_SECRET", "sms_receipt_secret", lambda: secrets.token_urlsafe(32)
)
# Development-only page with captured e-mail and SMS (/dev/outbox/).
DEV_OUTBOX_ENABLED = env_bool("DEV_OUTBOX", DEBUG)

# AUTH-4 defaults (REFERENCE.md); every number may be changed by the environment.
OTP = {
    "LENGTH": env_int("OTP_LENGTH", 6),
    "TTL_SECONDS": env_int("OTP_TTL_SECONDS", 300),
    "MAX_ATTEMPTS": env_int("OTP_MAX_ATTEMPTS", 3),
    "RESEND_COOLDOWN_SECONDS": env_int("OTP_RESEND_COOLDOWN_SECONDS", 60),
    # (window seconds, codes allowed) per destination, across accounts.
    "DESTINATION_LIMITS": [
        (15 * 60, env_int("OTP_PER_15MIN", 5)),
        (86400, env_int("OTP_PER_DAY", 10)),
    ],
    "IP_LIMIT": (3600, env_int("OTP_PER_IP_HOUR", 20)),
    "LOCK_AFTER_FAILURES": env_int("OTP_LOCK_AFTER_FAILURES", 10),
    "LOCK_SECONDS": env_int("OTP_LOCK_SECONDS", 15 * 60),
}

# AUTH-7: re-authentication window before critical actions.
REAUTH_SECONDS = env_int("REAUTH_SECONDS", 300)

# Uploads (SEC-5).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 60_000_000)  # a 48 MP phone photo fits

# Security headers (SEC-1). HTTPS=true in production turns on TLS-only cookies,
# HSTS and the redirect to https.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies stand in front: the client address is taken from X-Forwarded-For
# only that far, so a client cannot forge its address for rate limits and audit.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Serving (manage.py serve, docs/operations.md): synchronous views in this many
# gunicorn WSGI worker processes, the live streams in the ASGI front.
WEB_WORKERS = env_int("WEB_WORKERS", os.cpu_count() or 2)
# Prometheus metrics at /metrics for a bearer token; no token, no endpoint (404).
METRICS_TOKEN = env_str("METRICS_TOKEN")
# The benchmarks' bare view at /bench/bare (bench/pages.py); off in production.
BENCH_BARE_VIEW = env_bool("BENCH_BARE_VIEW", False)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "gosportal.core.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "gosportal.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
        # PDF rendering logs every step at INFO; font subsetting is chatty too.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

PORTAL_NAME = _("Госпортал")
HOTLINE_PHONE = env_str("HOTLINE_PHONE", "8-800-555-35-35")

# AUTH-5: password failures per login (and per login + address): a CAPTCHA after
# LOGIN_CAPTCHA_AFTER, then a lock after every LOGIN_LOCK_AFTER more, growing through
# LOGIN_LOCK_MINUTES (the last step repeats; never permanent). Counters of a login
# left alone for LOGIN_THROTTLE_FORGET_HOURS start again from zero.
LOGIN_CAPTCHA_AFTER = env_int("LOGIN_CAPTCHA_AFTER", 3)
LOGIN_LOCK_AFTER = env_int("LOGIN_LOCK_AFTER", 5)
LOGIN_LOCK_MINUTES = [int(m) for m in env_list("LOGIN_LOCK_MINUTES", "1,5,30,60")]
LOGIN_THROTTLE_FORGET_HOURS = env_int("LOGIN_THROTTLE_FORGET_HOURS", 24)
# AUTH-7: a signed-in session ends after this long without requests, and in any case
# SESSION_ABSOLUTE_SECONDS after sign-in.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 1800)
SESSION_ABSOLUTE_SECONDS = SESSION_COOKIE_AGE
SESSION_ACTIVITY_WRITE_SECONDS = env_int("SESSION_ACTIVITY_WRITE_SECONDS", 60)
# The page warns this long before the idle timeout, offering «Продолжить сеанс».
SESSION_IDLE_WARNING_SECONDS = env_int("SESSION_IDLE_WARNING_SECONDS", 120)
# REG-2: МВД, СФР and ФНС checks of a person's data (docs/sandbox.md, «Реестры»).
REGISTRY_GATEWAY = env_str(
    "REGISTRY_GATEWAY", "gosportal.integrations.registries.sandbox.SandboxRegistryGateway"
)
# REG-3: registered letters with a confirmation code (docs/sandbox.md, «Почта России»).
POST_OFFICE = env_str("POST_OFFICE", "gosportal.integrations.post.sandbox.SandboxPostOffice")
# REG-5: ФНС registers of entrepreneurs and legal entities (docs/sandbox.md, «ЕГРИП»).
EGR_GATEWAY = env_str("EGR_GATEWAY", "gosportal.integrations.egr.sandbox.SandboxEgrGateway")


# REG-3: partner banks for identity confirmation (OpenID Connect sign-in and card checks).
# BANK_OIDC_PROVIDERS is JSON: {"<bank id>": {"name", "issuer", "client_id",
# "client_secret"}}. An empty issuer means the local sandbox bank under
# /sandbox/bank/<bank id>/ (docs/sandbox.md, «Партнёрские банки»); its client secret is
# derived from SECRET_KEY unless given.
def _sandbox_bank_secret(bank: str) -> str:
    import hashlib
    import hmac

    key = SECRET_KEY.encode()
    return hmac.new(key, f"sandbox-bank:{bank}".encode(), hashlib.sha256).hexdigest()


def _bank_providers() -> dict:
    import json

    configured = json.loads(env_str("BANK_OIDC_PROVIDERS", "") or "{}")
    providers = configured or {
        "severny": {"name": "Банк «Северный»", "issuer": ""},
        "volga": {"name": "Волга-Банк", "issuer": ""},
    }
    for bank, provider in providers.items():
        provider.setdefault("issuer", "")
        provider.setdefault("client_id", "gosportal")
        if not provider.get("client_secret"):
            provider["client_secret"] = _sandbox_bank_secret(bank)
    return providers


BANK_OIDC_PROVIDERS = _bank_providers()
# Mounts the sandbox banks under /sandbox/bank/ (turn off in production).
BANK_SANDBOX = env_bool("BANK_SANDBOX", True)
BANK_HTTP_TIMEOUT = env_int("BANK_HTTP_TIMEOUT", 10)

# CAT-5: single sign-on for partner sites (docs/partners.md). PARTNER_SANDBOX mounts the
# sandbox partner sites under /sandbox/partner/ and lets their registrations sign in;
# off unless debugging or testing (check --deploy refuses it with DEBUG off).
PARTNER_SANDBOX = env_bool("PARTNER_SANDBOX", DEBUG or TESTING)

# OFF-3, DOC-3: issued documents are signed with the issuer's key certified by a
# certification centre (docs/documents.md). The sandbox centre publishes its root
# certificate and CRLs under /sandbox/ca/ (CA_SANDBOX=false: 404).
CERTIFICATION_CENTRE = env_str(
    "CERTIFICATION_CENTRE", "gosportal.integrations.ca.sandbox.SandboxCertificationCentre"
)
CA_SANDBOX = env_bool("CA_SANDBOX", True)
# Public verification page: uploads and number look-ups allowed per address.
DOCUMENT_VERIFY_UPLOAD_RATE = env_str("DOCUMENT_VERIFY_UPLOAD_RATE", "20/h")
DOCUMENT_VERIFY_LOOKUP_RATE = env_str("DOCUMENT_VERIFY_LOOKUP_RATE", "120/h")

# NOT-1: how often the inbox polls when the live stream is not available (seconds).
NOTIFICATIONS_POLL_SECONDS = env_int("NOTIFICATIONS_POLL_SECONDS", 15)
# NOT-4: threads one worker sends on (SMTP, web push, SMS gateways without a batch API).
NOTIFICATION_SEND_THREADS = env_int("NOTIFICATION_SEND_THREADS", 16)
# NOT-5: handled outbox events (and their delivery marks) are deleted after this many days.
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 7)
