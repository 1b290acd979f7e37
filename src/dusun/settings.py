"""Settings for Dusun Online, read from the environment (twelve-factor).

Variables: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, PORT (used by scripts/dev), plus the
product settings below (DUSUN_*). Development defaults are safe only on a developer's machine: with
DEBUG off, SECRET_KEY must be set.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent  # src/dusun
PROJECT_DIR = BASE_DIR.parent.parent  # the checkout


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("DUSUN_ALLOW_DEV_SECRET", False):
        raise ImproperlyConfigured("SECRET_KEY belum diatur. Set SECRET_KEY di environment (wajib jika DEBUG mati).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 (development only, see above)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "dusun.akun",
    "dusun.wilayah",
    "dusun.ruang",
    "dusun.warga",
    "dusun.ekonomi",
    "dusun.indeks",
    "dusun.rencana",
    "dusun.hutan",
    "dusun.lapangan",
    "dusun.portal",
    "dusun.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and CSRF: answers cross-origin preflights of the read-only /api/v1/ itself.
    "dusun.api.cors.ApiCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dusun.middleware.BahasaFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a clear 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dusun.urls"
WSGI_APPLICATION = "dusun.wsgi.application"
ASGI_APPLICATION = "dusun.asgi.application"

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
                "dusun.context_processors.product",
            ],
        },
    },
]

# --- Database: PostGIS only (one engine in development, tests and production) -----------------------
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL belum diatur. `make run` mengaturnya untuk PostGIS lokal; di produksi arahkan ke "
        "server PostGIS, mis. postgres://user:sandi@host:5432/dusun."
    )
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# PostGIS functions carry high planner costs, so ordinary 20–100 ms queries (tiles, area statistics) cross
# `jit_above_cost` and PostgreSQL then spends 0.1–1 s compiling them. JIT pays off for long analytical
# queries, which a web application does not run: turn it off for every connection of the app.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("GDAL_LIBRARY_PATH"):
    GDAL_LIBRARY_PATH = os.environ["GDAL_LIBRARY_PATH"]
if os.environ.get("GEOS_LIBRARY_PATH"):
    GEOS_LIBRARY_PATH = os.environ["GEOS_LIBRARY_PATH"]

# --- Background work: a database-backed queue, so nothing but PostGIS is needed to start ---------------
# `scripts/dev serve` runs `manage.py db_worker` beside the web server; production runs it as a service.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Caches ----------------------------------------------------------------------------------------------
# "tiles" holds rendered vector tiles, keyed by layer version, so entries never expire by time and are
# culled by count. Per process here; a deployment with several workers may point it at a shared cache.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "tiles": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "dusun-tiles",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 4},
    },
}

# --- Accounts, passwords, login throttling -----------------------------------------------------------
AUTH_USER_MODEL = "akun.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "akun:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
# django-axes: lock a username+address pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "akun/lockout.html"
AXES_VERBOSE = False
# Never write submitted usernames into the access-attempt log's free-text fields beyond what axes needs.
AXES_SENSITIVE_PARAMETERS = ["password"]

# --- Sessions, cookies, security headers --------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_behind_https = env_bool("DUSUN_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = _behind_https
CSRF_COOKIE_SECURE = _behind_https
if _behind_https:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))

# --- Language: Bahasa Indonesia first, English available ---------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"  # Bungo is in WIB
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Static files (vendored front-end libraries, no CDN) ----------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("DUSUN_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Uploaded files (imports in progress); never served publicly ----------------------------------------
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", PROJECT_DIR / ".data" / "media"))
MEDIA_URL = "/media-tidak-publik/"  # nothing is served from here; uploads are read by the app only
# Uploads larger than this are refused before they are read (imports may raise it per form).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DUSUN_MAX_IMPORT_BYTES = int(os.environ.get("DUSUN_MAX_IMPORT_BYTES", str(200 * 1024 * 1024)))

# --- Logging: no personal data and no request bodies in logs -----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "dusun.logfilters.RedactDeviceTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Product settings ----------------------------------------------------------------------------------
# The word for the village level: "Dusun" in Bungo, "Desa" elsewhere. Used in every label.
DUSUN_VILLAGE_WORD = os.environ.get("DUSUN_VILLAGE_WORD", "Dusun")
# The kabupaten this installation serves (Kemendagri code, dotted); its page is the home page.
DUSUN_KABUPATEN_KODE = os.environ.get("DUSUN_KABUPATEN_KODE", "15.08")
# Optional raster basemap (XYZ template with {z}/{x}/{y}); the maps work without one.
DUSUN_BASEMAP_URL = os.environ.get("DUSUN_BASEMAP_URL", "")
DUSUN_BASEMAP_ATTRIBUTION = os.environ.get("DUSUN_BASEMAP_ATTRIBUTION", "")
# A village is flagged when its natural-forest loss between two snapshots reaches both thresholds
# (percent of its natural forest in the first snapshot, and hectares).
DUSUN_HUTAN_ALERT_LOSS_PCT = float(os.environ.get("DUSUN_HUTAN_ALERT_LOSS_PCT", "5"))
DUSUN_HUTAN_ALERT_MIN_HA = float(os.environ.get("DUSUN_HUTAN_ALERT_MIN_HA", "5"))

# Debian 12 ships GDAL 3.6, which cannot block file/network access from spatial-reference strings
# (gis.W001). Uploaded files are only ever read with their CRS resolved to an EPSG code we check first;
# see docs/decisions/0002-gdal-3.6-on-debian-12.md.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
