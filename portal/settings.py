"""Settings for the portal, read from the environment.

One module for every deployment. Each variable is read through a small typed
helper; a bad value stops the program at start with a message naming the
variable, never a half-configured portal. See docs/configuration.md.
"""

import base64
import binascii
import os
import sys
from pathlib import Path

from portal.env import (  # the typed readers (docs/configuration.md)
    ConfigError,
    env_bool,
    env_database,
    env_email,
    env_fernet_keys,
    env_int,
    env_list,
    env_rates,
    env_redis,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")


# --- Core -----------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or ("dev-only-insecure-key-do-not-use-in-production" if (DEBUG or TESTING) else None)
if not SECRET_KEY:
    raise ConfigError("SECRET_KEY", "is required when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
HTTPS = env_bool("HTTPS", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    # Project apps, ground floor first.
    "branches",
    "training",
    "assessment",
    "supervision",
    "notices",
    "practice",
    "dues",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.pagecache.PageReadsMiddleware",  # before anything reads the database (portal/pagecache.py)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "branches.integrity.AccountIntegrityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.QueryParamsMiddleware",
    "portal.middleware.ForcePasswordChangeMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
                "portal.context_processors.notifications",
            ],
        },
    },
]

# Embedded defaults keep their files here (SQLite, filesystem broker, uploads).
for _folder in (VAR_DIR, *(VAR_DIR / "broker" / name for name in ("queue", "processed", "control"))):
    _folder.mkdir(parents=True, exist_ok=True)

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}", var_dir=VAR_DIR)}

# --- Cache and broker -----------------------------------------------------

REDIS_URL = env_redis("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}

BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    # Visibility timeout above the longest task (the full reminder sweep), so Redis never
    # redelivers a message that a live worker is still working on.
    {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)}
    if REDIS_URL
    else {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # The exchange table (kombu's default is ./control, a stray folder wherever the worker starts).
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "beat-tick": {"task": "portal.tasks.beat_tick", "schedule": 60.0},
    "supervision-sweep-cards": {"task": "supervision.tasks.sweep_cards", "schedule": 3600.0},
}
CELERY_BEAT_SCHEDULE["branches-expire-transfers"] = {"task": "branches.tasks.expire_transfers", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["refresh-summaries"] = {"task": "portal.tasks.refresh_summaries", "schedule": 15 * 60.0}
CELERY_BEAT_SCHEDULE["refresh-summaries-history"] = {
    "task": "portal.tasks.refresh_summaries",
    "schedule": 24 * 3600.0,
    "kwargs": {"history": True},
}
CELERY_BEAT_SCHEDULE["training-sweep-assignments"] = {"task": "training.tasks.sweep_assignments", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["dues-open-life-cases"] = {"task": "dues.tasks.open_life_cases", "schedule": 24 * 3600.0}

# --- Auth -----------------------------------------------------------------

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.CharacterClassValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING and env_bool("FAST_PASSWORD_HASHER", True)
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)

SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks); the client address is
# the right-most hop that is not one of them. Empty: REMOTE_ADDR is the client (no header is trusted).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"] if env_bool("BEHIND_PROXY", False) else [])
for _proxy in TRUSTED_PROXIES:
    try:
        __import__("ipaddress").ip_network(_proxy, strict=False)
    except ValueError:
        raise ConfigError("TRUSTED_PROXIES", f"{_proxy!r} is not an IP address or network") from None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation -------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and uploaded files -------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Uploaded files live outside the web root and are served only through views that check scope.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# Per kind of file, within UPLOAD_MAX_BYTES (branches.uploads.max_bytes): photos need less than documents.
UPLOAD_MAX_BYTES_BY_KIND = {"image": env_int("UPLOAD_MAX_IMAGE_BYTES", 10 * 1024 * 1024, minimum=1024)}
# 发文字号 prefix (机关代字) when an organisation has no DocumentNumberRule (admin): e.g. 杭直工发.
DOCUMENT_NUMBER_PREFIX = env_str("DOCUMENT_NUMBER_PREFIX", "市直工发")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# --- Personal data --------------------------------------------------------

# National cryptography (GB/T 39786-2021, docs/security.md "Keys"). Keys come from the
# environment or from CRYPTO_KEY_FILE (a NAME=value file outside the repository), never
# from the database. Development and tests fall back to the published DEMO_* keys, which
# ``check --deploy`` refuses (branches/checks.py).
CRYPTO_KEY_FILE = env_str("CRYPTO_KEY_FILE")
_key_file: dict[str, str] = {}
if CRYPTO_KEY_FILE:
    _key_path = Path(CRYPTO_KEY_FILE).resolve()
    if _key_path.is_relative_to(BASE_DIR):
        raise ConfigError("CRYPTO_KEY_FILE", "must point outside the repository (keys are never committed)")
    try:
        _lines = _key_path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError("CRYPTO_KEY_FILE", f"cannot be read: {exc.strerror}") from None
    for _line in _lines:
        if _line.strip() and not _line.lstrip().startswith("#") and "=" in _line:
            _name, _value = _line.split("=", 1)
            _key_file[_name.strip()] = _value.strip()


def env_key(name: str) -> str | None:
    """A key from the environment, else from CRYPTO_KEY_FILE."""
    return env_str(name) or _key_file.get(name) or None


def _b64_key(name: str, text: str, sizes: set[int] | None = None, minimum: int = 0) -> bytes:
    try:
        raw = base64.b64decode(text.replace("-", "+").replace("_", "/").encode(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if (sizes and len(raw) not in sizes) or len(raw) < max(minimum, 1):
        want = f"{sorted(sizes)[0]} bytes" if sizes else f"at least {minimum} bytes"
        raise ConfigError(name, f"must hold base64 keys of {want}")
    return raw


def env_versioned_keys(name: str, demo: str, *, sizes=None, minimum=0) -> tuple[int, dict[int, bytes]]:
    """``VERSION:BASE64[,VERSION:BASE64...]``: the first encrypts (or signs), every one still reads."""
    text = env_key(name) or (demo if (DEBUG or TESTING) else None)
    keys: dict[int, bytes] = {}
    if not text:  # refused by check --deploy (branches.E102); using the missing key raises
        return 0, keys
    current = None
    for item in (part.strip() for part in text.split(",") if part.strip()):
        version, sep, value = item.partition(":")
        if not sep or not version.isdigit() or int(version) < 1 or int(version) in keys:
            raise ConfigError(name, "must be VERSION:BASE64 items with distinct positive versions, e.g. 2:…,1:…")
        keys[int(version)] = _b64_key(name, value, sizes, minimum)
        current = int(version) if current is None else current
    return current, keys


# Published demonstration keys: they keep `make run` and the tests working and are refused by check --deploy.
DEMO_FIELD_SM4_KEYS = "1:ZGV2LW9ubHktc200LWtleQ=="
DEMO_BLIND_INDEX_KEY = "ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LWhtYWMtc20z"
DEMO_INTEGRITY_KEYS = "1:ZGV2LW9ubHktaW50ZWdyaXR5LWtleS1mb3ItaG1hYy1zbTM="

FIELD_CIPHER = env_str("FIELD_CIPHER", "sm4-gcm")
if FIELD_CIPHER not in {"sm4-gcm", "fernet"}:
    raise ConfigError("FIELD_CIPHER", f"must be sm4-gcm (default) or fernet (legacy), got {FIELD_CIPHER!r}")
# Legacy Fernet keys: still read rows written before SM4-GCM (reencrypt_fields migrates them).
_fernet_text = env_key("FIELD_ENCRYPTION_KEY")
if _fernet_text:
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", _fernet_text)
FIELD_ENCRYPTION_KEYS = (
    env_fernet_keys(
        "FIELD_ENCRYPTION_KEY",
        # A fixed development key, refused unless DEBUG or tests: production must set its own.
        "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc=" if (DEBUG or TESTING) else None,
    )
    if (_fernet_text or DEBUG or TESTING or FIELD_CIPHER == "fernet")
    else []
)
FIELD_SM4_KEY_VERSION, FIELD_SM4_KEYS = env_versioned_keys("FIELD_SM4_KEYS", DEMO_FIELD_SM4_KEYS, sizes={16})
_blind = env_key("BLIND_INDEX_KEY") or (DEMO_BLIND_INDEX_KEY if (DEBUG or TESTING) else None)
BLIND_INDEX_KEY = _b64_key("BLIND_INDEX_KEY", _blind, minimum=32) if _blind else b""
INTEGRITY_KEY_VERSION, INTEGRITY_KEYS = env_versioned_keys("INTEGRITY_KEYS", DEMO_INTEGRITY_KEYS, minimum=32)
# Audit chain partitions per day: writers of different partitions never wait for each other.
AUDIT_CHAIN_PARTITIONS = env_int("AUDIT_CHAIN_PARTITIONS", 8, minimum=1)

# --- Email ----------------------------------------------------------------

_email = env_email("EMAIL_URL")
EMAIL_BACKEND = _email.get(
    "EMAIL_BACKEND",
    env_str(
        "EMAIL_BACKEND",
        "django.core.mail.backends.smtp.EmailBackend"
        if env_str("EMAIL_HOST")
        else "django.core.mail.backends.console.EmailBackend",
    ),
)
EMAIL_HOST = _email.get("EMAIL_HOST", env_str("EMAIL_HOST", "localhost"))
EMAIL_PORT = _email.get("EMAIL_PORT", env_int("EMAIL_PORT", 25, minimum=1))
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", env_str("EMAIL_HOST_USER", ""))
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", env_str("EMAIL_HOST_PASSWORD", ""))
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", env_bool("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", env_bool("EMAIL_USE_SSL", False))
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "机关党建门户 <noreply@localhost>")

# --- API ------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "branches.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "branches.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "branches.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
        "user": env_str("API_THROTTLE_USER", "100000/hour" if TESTING else "3000/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "机关党建门户 API",
    "DESCRIPTION": "Party-building portal API. Every list is scoped to the caller's place in the tree.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are for signed-in users and token holders only (security review F13).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field called "status"; name their enums so the schema is stable.
    "ENUM_NAME_OVERRIDES": {
        "BranchAssessmentStatusEnum": "assessment.models.AssessmentStatus",
        "NoticeCategoryEnum": "notices.models.NoticeCategory",
        "PlanReportKindEnum": "notices.plans.models.ReportKind",
        "NoticeAudienceKindEnum": "notices.models.AudienceKind",
        "PairingActivityKindEnum": "practice.pairing.models.ActivityKind",
        "ResearchOutcomeKindEnum": "practice.research.models.OutcomeKind",
        "DeedStatusEnum": "practice.deeds.models.DeedStatus",
        "YesNoEnum": ["1", "0"],  # the 1/0 decisions of supervision forms (accept, passed)
        "AssessmentCycleStatusEnum": "assessment.models.CycleStatus",
        "DuesCategoryEnum": "dues.models.DuesCategory",
        "DuesPaymentKindEnum": "dues.models.PaymentKind",
        "DuesReductionKindEnum": "dues.models.ReductionKind",
        "DuesArrearsActionKindEnum": "dues.models.ArrearsActionKind",
        "MemberFileRecordKindEnum": "branches.memberfile.models.RecordKind",
        "MemberFileCareKindEnum": "branches.memberfile.models.CareKind",
        "AppealStatusEnum": "assessment.models.AppealStatus",
        "ClassAttendanceStatusEnum": "training.models.AttendanceStatus",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Portal behaviour -----------------------------------------------------

# /healthz turns unhealthy when the reminder sweep has not run for this long.
# Rendered dashboard figures are cached this long at most (0: never); a refresh or tree change starts afresh.
DASHBOARD_PAGE_CACHE_SECONDS = env_int("DASHBOARD_PAGE_CACHE_SECONDS", 15 * 60, minimum=0)
# The dues page's month figures are kept this long (dues/collection.py; payments, bases and reductions move them on).
DUES_SUMMARY_SECONDS = env_int("DUES_SUMMARY_SECONDS", 15 * 60, minimum=0)
# How long the committee's study overview keeps its figures (training/metrics.py: writes move them on at once).
STUDY_SUMMARY_SECONDS = env_int("STUDY_SUMMARY_SECONDS", 15 * 60, minimum=0)
# The most rows an API list counts in page-number mode (branches/api/pagination.py); pages count exactly.
API_COUNT_LIMIT = env_int("API_COUNT_LIMIT", 10_000, minimum=100)
# How long the organisation tree keeps its member counts (branches/stats.py: every member or organisation write
# moves them on at once).
REGISTER_SUMMARY_SECONDS = env_int("REGISTER_SUMMARY_SECONDS", 15 * 60, minimum=0)
# How long the volunteer-service list keeps its totals (practice/service/stats.py: records move them on at once).
PRACTICE_SUMMARY_SECONDS = env_int("PRACTICE_SUMMARY_SECONDS", 15 * 60, minimum=0)
# After each refresh the worker renders the default dashboards of organisations down to this depth
# (0 the committee, 1 its units) into the shared page cache (portal/dashboards/warming.py).
DASHBOARD_WARM_DEPTH = env_int("DASHBOARD_WARM_DEPTH", 1, minimum=0)
HEALTH_SWEEP_MAX_AGE_SECONDS = env_int("HEALTH_SWEEP_MAX_AGE_SECONDS", 6 * 3600, minimum=60)
SEED_DEMO_ALLOWED = env_bool("SEED_DEMO_ALLOWED", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Notifications (docs/configuration.md, "Notifications") ---------------------


# Outbound requests (robots, messenger APIs, identity providers): portal/outbound.py, docs/security.md F3.
OUTBOUND_REQUIRE_HTTPS = env_bool("OUTBOUND_REQUIRE_HTTPS", not (DEBUG or TESTING))
OUTBOUND_ALLOWED_NETWORKS = env_list("OUTBOUND_ALLOWED_NETWORKS", [])
# A PEM bundle of the certificate authorities to trust (e.g. a government private CA); default: certifi's.
OUTBOUND_CA_BUNDLE = env_str("OUTBOUND_CA_BUNDLE", "")
for _network in OUTBOUND_ALLOWED_NETWORKS:
    try:
        import ipaddress as _ipaddress

        _ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ConfigError("OUTBOUND_ALLOWED_NETWORKS", f"must be CIDR networks, got {_network!r}") from None
OUTBOUND_BLOCKED_NAMES = env_list(
    "OUTBOUND_BLOCKED_NAMES",
    ["localhost", "localhost.localdomain", "ip6-localhost", "metadata", "metadata.google.internal", "metadata.goog"],
)
PORTAL_NAME = env_str("PORTAL_NAME", "机关党建门户")
# 企业微信 text messages are at most 2,048 bytes; 钉钉 group robots get the same limit.
ROBOT_TEXT_LIMIT_BYTES = env_int("ROBOT_TEXT_LIMIT_BYTES", 2048, minimum=200)


NOTIFY_RATE_LIMITS = env_rates(
    "NOTIFY_RATE_LIMITS", {"robot": 20, "webhook": 20, "email": 60, "wecom_app": 300, "dingtalk_app": 300}
)
EMAIL_VERIFY_MAX_AGE_SECONDS = env_int("EMAIL_VERIFY_MAX_AGE_SECONDS", 24 * 3600, minimum=300)
# Personal work notifications: 企业微信 应用消息 or 钉钉 工作通知 (docs/configuration.md).
WECOM_CORP_ID = env_str("WECOM_CORP_ID", "")
WECOM_AGENT_ID = env_str("WECOM_AGENT_ID", "")
WECOM_SECRET = env_str("WECOM_SECRET", "")
WECOM_API_BASE = env_url("WECOM_API_BASE", "https://qyapi.weixin.qq.com")
DINGTALK_APP_KEY = env_str("DINGTALK_APP_KEY", "")
DINGTALK_APP_SECRET = env_str("DINGTALK_APP_SECRET", "")
DINGTALK_AGENT_ID = env_str("DINGTALK_AGENT_ID", "")
DINGTALK_API_BASE = env_url("DINGTALK_API_BASE", "https://oapi.dingtalk.com")
NOTIFY_WEBHOOK_URL = env_url("NOTIFY_WEBHOOK_URL")
NOTIFY_BASE_URL = env_url("NOTIFY_BASE_URL")
NOTIFY_CHANNEL_TIMEOUT_SECONDS = env_int("NOTIFY_CHANNEL_TIMEOUT_SECONDS", 10, minimum=1)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5, minimum=1)
NOTIFY_RETRY_BASE_SECONDS = env_int("NOTIFY_RETRY_BASE_SECONDS", 60, minimum=1)
NOTIFY_DELIVERY_LEASE_SECONDS = env_int("NOTIFY_DELIVERY_LEASE_SECONDS", 300, minimum=1)
NOTIFY_CHUNK_SIZE = env_int("NOTIFY_CHUNK_SIZE", 500, minimum=1)
NOTIFY_WEEKLY_DAY = env_int("NOTIFY_WEEKLY_DAY", 1, minimum=1)  # ISO weekday of the unit admins' summary
if NOTIFY_WEEKLY_DAY > 7:
    raise ConfigError("NOTIFY_WEEKLY_DAY", f"must be an ISO weekday 1-7, got {NOTIFY_WEEKLY_DAY}")
CELERY_BEAT_SCHEDULE["reminder-sweep"] = {
    "task": "portal.tasks.reminder_sweep",
    "schedule": float(env_int("REMINDER_SWEEP_SECONDS", 15 * 60, minimum=1)),
}
NOTIFY_DISPATCH_SECONDS = env_int("NOTIFY_DISPATCH_SECONDS", 60, minimum=1)
CELERY_BEAT_SCHEDULE["notification-dispatch"] = {
    "task": "portal.tasks.dispatch_notifications",
    "schedule": float(NOTIFY_DISPATCH_SECONDS),
}
# --- Security (issue 10; docs/security.md) --------------------------------
import datetime as _dt  # noqa: E402

INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
]
MIDDLEWARE += [
    "django_otp.middleware.OTPMiddleware",
    "portal.security.middleware.SessionActivityMiddleware",
    "portal.security.middleware.SecondFactorMiddleware",
    "portal.security.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a lockout into the login page with its message.
    "axes.middleware.AxesMiddleware",
    "portal.pagecache.PageCacheMiddleware",  # after every check above (portal/settings_pagecache.py)
]
AUTHENTICATION_BACKENDS = [
    "portal.security.backends.LockoutBackend",
    # ModelBackend that also checks the HMAC-SM3 of group memberships (branches/integrity.py, issue 24).
    "branches.auth_backends.SealedGroupsBackend",
]
# Login lockout: N failures lock the account (counted per username and per username + address) for
# M minutes. An address alone is only throttled at a much higher count, because a whole office sits
# behind one NAT or proxy address (security review F1b); see portal.security.backends.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = _dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 100, minimum=10)
LOGIN_ADDRESS_WINDOW = _dt.timedelta(minutes=env_int("LOGIN_ADDRESS_WINDOW_MINUTES", 15, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.views.lockout"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
# Password rules for administrators (staff, superusers, 三员, committee staff).
ADMIN_PASSWORD_MIN_LENGTH = env_int("ADMIN_PASSWORD_MIN_LENGTH", 12, minimum=8)
AUTH_PASSWORD_VALIDATORS += [{"NAME": "portal.passwords.AdminLengthValidator"}]
# Sessions: idle timeout on top of the absolute SESSION_COOKIE_AGE.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
# API tokens (django-rest-knox, stored as digests): a new key on every issue, dead after
# API_TOKEN_IDLE_MINUTES without use and API_TOKEN_LIFETIME_HOURS after issue, whichever comes first;
# revoked on logout and password change (security review F5).
API_TOKEN_LIFETIME = _dt.timedelta(hours=env_int("API_TOKEN_LIFETIME_HOURS", 8, minimum=1))
API_TOKEN_IDLE = _dt.timedelta(minutes=env_int("API_TOKEN_IDLE_MINUTES", 30, minimum=5))
REST_KNOX = {
    "TOKEN_TTL": API_TOKEN_IDLE,
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": API_TOKEN_LIFETIME,
    "MIN_REFRESH_INTERVAL": 60,
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTH_HEADER_PREFIX": "Token",
}
OTP_TOTP_ISSUER = "机关党建门户"
# Audit log retention: entries older than this are exported to AUDIT_ARCHIVE_DIR, then pruned.
AUDIT_RETENTION_MONTHS = env_int("AUDIT_RETENTION_MONTHS", 12, minimum=6)
AUDIT_ARCHIVE_DIR = Path(env_str("AUDIT_ARCHIVE_DIR", str(VAR_DIR / "audit-archive")))
CELERY_BEAT_SCHEDULE["audit-archive"] = {"task": "portal.tasks.archive_audit_log", "schedule": 24 * 3600.0}
CELERY_BEAT_SCHEDULE["audit-verify"] = {"task": "portal.tasks.verify_audit_chain", "schedule": 24 * 3600.0}
# Content Security Policy: no inline scripts anywhere; style attributes only (no <style> blocks).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
LOGGING["filters"] = {"mask_personal_data": {"()": "portal.security.logfilters.MaskPersonalDataFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["mask_personal_data"]
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.security.logfilters.MaskingExceptionReporterFilter"
BENCH = env_bool("BENCH", False)  # bench/run.py: serves /bench/floor, the framework floor
from portal.settings_pagecache import *  # noqa: E402, F403  (PAGE_CACHE_*: pages kept per person)

# --- Single sign-on (issue 21; docs/configuration.md "Single sign-on") ------------------------
# OpenID Connect (authorization code + PKCE) against the issuer's discovery document, and CAS 2/3.
from portal.settings_sso import *  # noqa: E402, F403  (SSO_*: read from the environment)

# The sign-out form's redirect to the platform is allowed by CSP form-action (portal.sso.middleware).
MIDDLEWARE[MIDDLEWARE.index("csp.middleware.CSPMiddleware")] = "portal.sso.middleware.SignOnCSPMiddleware"
# 企业微信 / 钉钉 web sign-in (OAuth2 code flow) with the same applications as the work notifications.
SSO_WECOM = env_bool("SSO_WECOM", False)
SSO_DINGTALK = env_bool("SSO_DINGTALK", False)
if SSO_WECOM and not (WECOM_CORP_ID and WECOM_AGENT_ID and WECOM_SECRET):
    raise ConfigError("SSO_WECOM", "needs WECOM_CORP_ID, WECOM_AGENT_ID and WECOM_SECRET")
if SSO_DINGTALK and not (DINGTALK_APP_KEY and DINGTALK_APP_SECRET):
    raise ConfigError("SSO_DINGTALK", "needs DINGTALK_APP_KEY and DINGTALK_APP_SECRET")
WECOM_QR_LOGIN_URL = env_url("WECOM_QR_LOGIN_URL", "https://login.work.weixin.qq.com/wwlogin/sso/login")
WECOM_OAUTH_URL = env_url("WECOM_OAUTH_URL", "https://open.weixin.qq.com/connect/oauth2/authorize")
DINGTALK_LOGIN_URL = env_url("DINGTALK_LOGIN_URL", "https://login.dingtalk.com/oauth2/auth")
DINGTALK_NEW_API_BASE = env_url("DINGTALK_NEW_API_BASE", "https://api.dingtalk.com")
