"""Settings for every environment, read from environment variables (see README, "Configuration").

With no variables set the project runs on the embedded default: a SQLite file beside the code and
the in-memory channel layer. DEBUG is off unless DJANGO_DEBUG=true (scripts/serve and the tests set it).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from telemarketing.database import Limits, database_from_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-the-embedded-default"  # noqa: S105  (DEBUG only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "core.admin_names.ObjectNamesAdminConfig",  # django.contrib.admin, names in the right case
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The house, from the bottom up: each app imports only the ones listed before it.
    "core",
    "audit",
    "accounts",
    "banking",
    "surveys",
    "campaigns",
    "outreach",
    "chat",
    "api",
    "portal",
    "telemarketing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.SessionTimeoutMiddleware",
    "portal.middleware.StaffSecondFactorMiddleware",
    "core.middleware.CleanTextInputMiddleware",
    "telemarketing.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "telemarketing.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "telemarketing.urls"
WSGI_APPLICATION = "telemarketing.wsgi.application"
ASGI_APPLICATION = "telemarketing.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "telemarketing" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Per process: at most DATABASE_POOL_MAX_SIZE PostgreSQL connections (the pool); connect and statement
# timeouts for PostgreSQL and SQL Server (docs/deployment.md, "Faults").
DATABASE_LIMITS = Limits(
    pool_max_size=int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10")),
    connect_timeout=int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")),
    statement_timeout=int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30")),
)
# The chat sockets' database threads per process on a database server (chat/database.py). Two, measured on
# PostgreSQL (200 clients, one process): each thread waits for the interpreter's lock after every round trip and
# the event loop holds it half the time, so more threads only queued more calls behind it (delivery p99 4.4 s
# with 8, 1.2 s with 4, 0.8 s with 2; 1 could not keep up). A database further away may want more.
CHAT_DATABASE_THREADS = int(os.environ.get("CHAT_DATABASE_THREADS", "2"))
DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL"), base_dir=BASE_DIR, limits=DATABASE_LIMITS)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis pub/sub, not channels_redis.core: the core layer queues every message for a process in one
    # Redis key capped by `capacity` (100; group messages past it are dropped, sends raise ChannelFull),
    # drains it one BZPOPMIN at a time, opens a connection per concurrent command (redis-py 8 refuses the
    # 101st: MaxConnectionsError), and its 5 s BZPOPMIN hits redis-py 8's default 5 s socket timeout when
    # nothing arrives for 5 s ("Timeout reading"); each of these closed sockets with 1011
    # (docs/benchmarks.md). The pub/sub layer keeps two connections per process and fans a group message
    # out inside the process. It keeps no backlog for a socket that is away, which the chat already
    # expects: a reconnecting client asks for what it missed ("sync"). chat.redis_layer pipelines its
    # publishing (channels_redis publishes one message per round trip, under a lock).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "chat.redis_layer.RedisChannelLayer",
            "CONFIG": {
                # A Redis that is down is noticed in 2 s (connect), not after the kernel's minutes; one that
                # hangs is noticed by chat.delivery's probe, which closes the sockets with 4503. No read
                # timeout: the subscriber's socket is rightly silent while nobody chats.
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 2, "socket_keepalive": True}],
                # A distinct prefix keeps deployments (or test runs) sharing one Redis apart.
                "prefix": os.environ.get("CHANNELS_REDIS_PREFIX", "asgi"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "chat.layers.ProcessChannelLayer"}}

AUTH_USER_MODEL = "accounts.Account"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "accounts.hashers.BankArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"  # customers see their dashboard there, staff are sent on to /staff/
LOGOUT_REDIRECT_URL = "portal:login"
# Sessions (ASVS V3): the cookie ends with the browser; a session also ends after this much idleness
# (customers, staff) and this long after sign-in whatever happens. "Remember me" remembers the login
# name and the language on the device for REMEMBERED_LOGIN_DAYS, never the session.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_TIMEOUT_CUSTOMER = 15 * 60
SESSION_IDLE_TIMEOUT_STAFF = 30 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBERED_LOGIN_DAYS = 30

# Staff (every login that is not a customer's) sign in with a second factor: TOTP, or a one-time
# recovery code (django-otp). Never switch it off in production (check --deploy says so).
STAFF_TWO_FACTOR_REQUIRED = env_flag("DJANGO_STAFF_TWO_FACTOR", True)
OTP_TOTP_ISSUER = "Telemarketing Bank"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

# Sign-in throttling, the same for the website, the admin and the API token (django-axes with the
# handler accounts.throttling.SignInThrottle):
# - five failures for one login from one address lock that pair for 15 minutes (nobody else can lock
#   a customer out from their own address);
# - from the sixth failure of one login, from any addresses, each next attempt must wait twice as long
#   as the one before (1 s, 2 s, 4 s, ... at most SIGN_IN_LOGIN_DELAY_MAX seconds): password guessing
#   from many addresses slows to a crawl while the owner waits at most a minute;
# - SIGN_IN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the logins, lock that address for
#   15 minutes (password spraying).
AXES_HANDLER = "accounts.throttling.SignInThrottle"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # attempts refused while locked extend nothing
AXES_LOCKOUT_CALLABLE = "portal.views.locked_out"  # our page saying so, with status 429
AXES_ENABLED = env_flag("AXES_ENABLED", True)
AXES_SENSITIVE_PARAMETERS = ["password", "otp_code"]
SIGN_IN_ADDRESS_FAILURE_LIMIT = 30
SIGN_IN_LOGIN_DELAY_MAX = 60
# The client address is REMOTE_ADDR: behind nginx, daphne --proxy-headers (DJANGO_BEHIND_TLS_PROXY) puts the
# proxy's X-Forwarded-For there.

# The bank's details printed at the top of every statement (banking.statements); the demo's are made up.
BANK_DETAILS = {
    "name": os.environ.get("BANK_NAME", "АО «Телемаркетинг Банк»"),
    "address": os.environ.get("BANK_ADDRESS", "123112, г. Москва, Пресненская наб., д. 10"),
    "licence": os.environ.get("BANK_LICENCE", "Лицензия Банка России № 0000"),
    "inn": os.environ.get("BANK_INN", "7700000000"),
    "kpp": os.environ.get("BANK_KPP", "770001001"),
    "bic": os.environ.get("BANK_BIC", "044525000"),
    "correspondent_account": os.environ.get("BANK_CORRESPONDENT_ACCOUNT", "30101810400000000000"),
}
# TrueType fonts with Cyrillic for PDF statements: Debian's fonts-dejavu-core (scripts/setup installs it).
STATEMENT_FONT_DIR = Path(os.environ.get("STATEMENT_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))

# A lead an agent took from the call queue goes back to the queue after this many minutes without an outcome.
CALL_QUEUE_HOLD_MINUTES = int(os.environ.get("CALL_QUEUE_HOLD_MINUTES", "15"))
# How often the supervisor's wallboard is sent again over its websocket.
WALLBOARD_REFRESH_SECONDS = float(os.environ.get("WALLBOARD_REFRESH_SECONDS", "5"))

# Background work (django-tasks with its database backend): ``manage.py run_worker`` runs the tasks and the
# periodic jobs below; scripts/serve starts one beside daphne. See docs/deployment.md for more workers.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Periodic jobs: name -> (dotted path of a function taking no arguments, seconds between runs). Each runs in
# one worker at a time (core.scheduling); add a line here to schedule more.
PERIODIC_JOBS = {
    "campaigns.release_expired_holds": ("campaigns.services.call_queue.release_expired_holds", 60),
    "outreach.deliver_due": ("outreach.delivery.outbox.deliver_due_now", 30),
    "sessions.purge_expired": ("core.scheduling.purge_expired_sessions", 3600),
    "outreach.publish_scheduled_news": ("outreach.scheduled_news.publish_due_news", 30),
    "outreach.sms_statuses": ("outreach.delivery.sms_status.check_sms_statuses", 300),
}
# A worker that runs a job longer than this is presumed dead, and another worker may run the job.
PERIODIC_JOB_LEASE_SECONDS = int(os.environ.get("PERIODIC_JOB_LEASE_SECONDS", "600"))

# Outbound delivery of personal messages. E-mail: SMTP when EMAIL_HOST is set, else files under var/mail/
# that a person can open. SMS: SMSC.ru when SMSC_LOGIN is set, else files under var/sms/.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Банк <noreply@bank.example>")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL", EMAIL_PORT == 465)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
SMS_BACKEND = "smsc" if os.environ.get("SMSC_LOGIN") else "file"
SMSC_URL = os.environ.get("SMSC_URL", "https://smsc.ru").rstrip("/")
SMSC_LOGIN = os.environ.get("SMSC_LOGIN", "")
SMSC_PASSWORD = os.environ.get("SMSC_PASSWORD", "")
SMSC_SENDER = os.environ.get("SMSC_SENDER", "")
SMS_FILE_PATH = BASE_DIR / "var" / "sms"
# A chat answer is e-mailed when the customer had no chat open and does not open it within this many minutes.
CHAT_AWAY_EMAIL_MINUTES = int(os.environ.get("CHAT_AWAY_EMAIL_MINUTES", "5"))
# Password-reset e-mails: at most this many requests per address, and per IP address, in an hour.
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 3
PASSWORD_RESET_PER_IP_PER_HOUR = 20
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for an hour, and once
# How long a worker may take over one batch of the outbox before another presumes it dead and takes over.
OUTBOX_CLAIM_SECONDS = int(os.environ.get("OUTBOX_CLAIM_SECONDS", "600"))

# Transport security. Behind a TLS-terminating proxy, trust its X-Forwarded-Proto header only when told
# to (DJANGO_BEHIND_TLS_PROXY), since anyone can send that header to a process exposed directly.
if env_flag("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp): scripts and styles only from our own static files; no inline
# script anywhere. Inline style attributes stay allowed (style-src-attr), they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
# Inside the telemarketing package, so that `pip install .` ships the Russian catalogue with the code.
LOCALE_PATHS = [BASE_DIR / "telemarketing" / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG  # serve straight from the apps in development; collectstatic in production
# Uploaded files (chat attachments) live under MEDIA_ROOT and are served only through views that check who asks:
# no MEDIA_URL. Production may name another backend (object storage) for "chat_attachments" by environment.
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
FILE_UPLOAD_PERMISSIONS = 0o640
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "chat_attachments": {
        "BACKEND": os.environ.get("DJANGO_CHAT_ATTACHMENTS_STORAGE", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "mask_secrets": {"()": "telemarketing.log_masking.MaskSecretsFilter"},
        "routine_refusals_in_one_line": {"()": "telemarketing.log_refusals.RoutineRefusalsInOneLine"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["routine_refusals_in_one_line", "mask_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # No handlers of its own: Django's default ones (an unmasked console in DEBUG, e-mail to ADMINS) are
        # dropped, and its records reach the root's masked console.
        "django": {"handlers": []},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # not its start-up banner on every command
        # redis-py gives this logger an unmasked console handler of its own unless it already exists (the chat's
        # Redis channel layer): declared here, its records go to the root's masked console instead.
        "push_response": {"handlers": []},
    },
}
