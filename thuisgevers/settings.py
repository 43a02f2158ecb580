"""Settings for Thuisgevers, read from the environment (django-environ).

Development defaults are safe and need nothing: SQLite in the project folder and DEBUG on. With
DEBUG off the application refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# An optional .env file in the project folder; real environment variables take precedence.
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-key-not-for-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
        ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "With DEBUG off, SECRET_KEY and ALLOWED_HOSTS must be set in the environment."
        ) from exc

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram lookups of the header search (on PostgreSQL only)
    "django_filters",
    "django_htmx",
    "import_export",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mozilla_django_oidc",
    "rest_framework",
    "drf_spectacular",
    # Domain apps at the bottom, the apps that read them above, the two faces (pages and reports)
    # on top (README, "Layout").
    "housing",
    "residents",
    "buddies",
    "accesslog",
    "accounts",
    "figures",
    "front",
    "reports",
    "api",
    "notifications",
]
# Demo data (`seed_demo`) for `make run`, tests and the benchmark; not part of a production install.
DEMO = env.bool("DEMO", default=DEBUG)
if DEMO:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "thuisgevers.middleware.RequestGuardMiddleware",  # 413 for huge bodies, 400 for NUL bytes
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",  # inactivity and absolute session limits
    "accounts.otp.OTPMiddleware",  # django_otp's: the verified device, read on every request
    "accounts.otp.OTPRequiredMiddleware",  # second factor for pioneers and superusers
    "accounts.access.AccessPolicyMiddleware",  # sign-in required; no role → "no access" page
    "accounts.audit.AuditlogMiddleware",  # actor and address on audit entries
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]
# `make bench` only: SQL time and query count per request in response headers. Never in production.
if env.bool("BENCH_INSTRUMENT", default=False):
    MIDDLEWARE.insert(0, "thuisgevers.instrumentation.BenchInstrumentationMiddleware")

ROOT_URLCONF = "thuisgevers.urls"
WSGI_APPLICATION = "thuisgevers.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# SQLite file in the project by default; DATABASE_URL=postgres://… selects PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at the start of a transaction, so two placements into one
    # property serialise on SQLite too (it has no row locks).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    # Tests on SQLite use a file, not Django's default shared in-memory database: with that, the
    # live server of the browser tests shares one connection between the test thread and its request
    # threads, and simultaneous queries can hang or fail at random (Django's LiveServerTestCase docs;
    # seen once here as a hung suite). The file sits next to the database as test_<name>, so runs
    # against different databases never share one; pytest-xdist gives each worker its own file.
    _database_file = Path(DATABASES["default"]["NAME"])
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(_database_file.with_name(f"test_{_database_file.name}"))
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Web queries are short: PostgreSQL's JIT compiler spends seconds compiling plans for the
    # national data set and saves far less, so it is off; random_page_cost 1.1 (SSD or cloud
    # storage) lets the planner use the indexes it should (measured with `make bench`).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off -c random_page_cost=1.1")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in, sessions, second factor, single sign-on ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out users before any check
    "accounts.backends.UserBackend",  # Django's ModelBackend; the user read with their devices
]
# django-axes: after AXES_FAILURE_LIMIT failed sign-ins the combination of user name and address is
# locked for AXES_COOLOFF_MINUTES (the account stays usable from elsewhere, so nobody can lock a
# colleague out from their own machine). A successful sign-in resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Throttling across addresses and accounts on top of axes (accounts/throttle.py).
SIGNIN_FREE_FAILURES = env.int("SIGNIN_FREE_FAILURES", default=5)
SIGNIN_MAX_DELAY_SECONDS = env.int("SIGNIN_MAX_DELAY_SECONDS", default=60)
SIGNIN_ADDRESS_FAILURE_LIMIT = env.int("SIGNIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"  # Dutch page, status 429
AXES_CLIENT_IP_CALLABLE = "accesslog.log.client_address"
AXES_VERBOSE = False
# Number of reverse proxies in front of the application that append to X-Forwarded-For; the client
# address (lockout, access log, audit) is read from their entries, never from the client's.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The addresses those proxies connect from; X-Forwarded-For from anyone else is ignored. By default
# loopback and the private ranges, where a load balancer sits; set the proxies' own addresses.
TRUSTED_PROXIES = env.list(
    "TRUSTED_PROXIES",
    default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
)

# Sessions end SESSION_COOKIE_AGE seconds after signing in (absolute) or after SESSION_IDLE_TIMEOUT
# seconds without a request, whichever comes first (accounts/sessions.py).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)

# Second factor (TOTP) for pioneers and superusers: on in production, off by default in development.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "Thuisgevers"

# Single sign-on with the municipality's OpenID Connect provider (Azure AD, Keycloak, ADFS).
# New accounts get no role and no scope (accounts/oidc.py).
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.MunicipalityOIDCBackend")
    OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT")
    OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", default=None)  # checked against the ID token's `iss`
    OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_OP_LOGOUT_ENDPOINT", default=None)
    OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_USE_PKCE = True
    OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
    LOGIN_REDIRECT_URL_FAILURE = "login"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Cached figures (figures.cache): in each process's memory by default; a django-environ
# cache URL (e.g. redis://127.0.0.1:6379/1) shares them between processes and servers. Either is
# correct: the data version that invalidates them lives in the database.
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # Spreadsheets between an import's preview and its confirmation (housing/imports.py): in the
    # database, so the confirmation may reach any server, and never in a server's /tmp.
    "imports": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "import_upload"},
}
FIGURE_CACHE_SECONDS = env.int("FIGURE_CACHE_SECONDS", default=600)

# --- Product settings (SPEC §5, §6) ---
# Placement kinds that count as "realised" for the quota (SPEC §6).
QUOTA_COUNTING_KINDS = env.list("QUOTA_COUNTING_KINDS", default=["har", "transit", "permanent"])
# Months after a household's last placement ended before its personal data is anonymised.
RETENTION_MONTHS = env.int("RETENTION_MONTHS", default=24)
# Provincial supervision (interbestuurlijk toezicht) of the housing of status holders: the step of
# the escalation ladder a municipality reaches after so many consecutive missed checkpoints
# (1 January, 1 July), per province; provinces without an entry use the default. The default
# follows the steps the provinces' IBT frameworks name (bestuurlijk gesprek, plan van aanpak,
# aanwijzing, indeplaatsstelling: Gemeentewet art. 121-124 as amended by the Wet revitalisering
# generiek toezicht) with one step per missed checkpoint, so a municipality reaches
# indeplaatsstelling after four missed periods, as at least one province does. When each step
# comes differs per province and is not checked against each province's framework: set the
# province's own ladder, as JSON, in PROVINCE_ESCALATION_LADDERS, e.g.
# {"Utrecht": [[2, "talk"], [3, "plan"], [4, "instruction"], [6, "substitution"]]}.
PROVINCE_ESCALATION_DEFAULT = [[1, "talk"], [2, "plan"], [3, "instruction"], [4, "substitution"]]
PROVINCE_ESCALATION_LADDERS = env.json("PROVINCE_ESCALATION_LADDERS", default={})

# --- REST API (api/, docs/api.md): NL API Design Rules, tokens of application clients ---
API_VERSION = "1.0.0"  # the full version, sent in every API answer's `API-Version` header
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasRole"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.LinkPagination",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle", "api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "client": env("API_THROTTLE_RATE", default="1200/minute"),
        "anonymous": env("API_ANONYMOUS_THROTTLE_RATE", default="60/minute"),
    },
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Days an API token lives when the superuser who issues it names no expiry.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=365)
SPECTACULAR_SETTINGS = {
    "TITLE": "Thuisgevers API",
    "DESCRIPTION": (
        "Figures, properties, signals and (within the client's scope) households, residents and "
        "placements of Thuisgevers, by the NL API Design Rules. Authenticate with "
        "`Authorization: Bearer <token>`; a superuser issues tokens in the admin site."
    ),
    "VERSION": API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "PlacementKindEnum": "residents.models.Placement.Kind",
        "PropertyKindEnum": "housing.models.Property.Kind",
        "SignalKindEnum": "figures.signals.KINDS",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problems_and_headers",
    ],
}

# --- Deadline e-mails (notifications/, `send_digests`) ---
# SMTP from the environment: EMAIL_URL=smtp+tls://user:password@smtp.example.org:587 (django-environ),
# or the console backend in development. DIGEST_BASE_URL is the site address the links start with.
globals().update(env.email("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Thuisgevers <noreply@thuisgevers.nl>")
DIGEST_BASE_URL = env("DIGEST_BASE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "thuisgevers.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            # JSON lines in production (for the log collector), readable lines in development.
            "formatter": env("LOG_FORMAT", default="plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Security. Safe by default; production values come from the environment. ---
# Content-Security-Policy (django-csp 4): no inline scripts or styles anywhere, the admin included.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sessions in the database (stateless app servers): Django's engine, read in plain SQL (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP inside the network
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https — only when
# the proxy always sets (and overwrites) that header.
SECURE_PROXY_SSL_HEADER = env.tuple("SECURE_PROXY_SSL_HEADER", default=None)
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)

# Request size limits. Bodies above MAX_REQUEST_SIZE are refused with 413 before they are read
# (uploads included, so this is also the largest import file); form fields alone may not exceed
# DATA_UPLOAD_MAX_MEMORY_SIZE (answered with 400).
MAX_REQUEST_SIZE = env.int("MAX_REQUEST_SIZE", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# Uploads stay in memory (MAX_REQUEST_SIZE bounds them): an import file with names and V-numbers is
# never written to a server's disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_SIZE

# Spreadsheet imports (housing/imports.py): the largest file that is read, and how long an uploaded
# file waits for its confirmation.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=10_000)
IMPORT_MAX_COLUMNS = 60
IMPORT_KEEP_SECONDS = env.int("IMPORT_KEEP_SECONDS", default=3600)
IMPORT_EXPORT_TMP_STORAGE_CLASS = "housing.imports.DatabaseImportStorage"
