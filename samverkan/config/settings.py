"""Django settings, read from the environment (12-factor).

| variable | default | meaning |
|---|---|---|
| `DATABASE_URL` | `sqlite:///<var>/samverkan.sqlite3` | any URL dj-database-url understands |
| `SECRET_KEY` | see `env.secret_key` | required unless DEBUG or loopback-only |
| `ALLOWED_HOSTS` | `127.0.0.1,localhost` | comma-separated |
| `CSRF_TRUSTED_ORIGINS` | empty | comma-separated, e.g. `https://samverkan.example.se` |
| `SAMVERKAN_DEBUG` | off | `1` turns DEBUG on |
| `SAMVERKAN_HTTPS` | off | `1` when served over HTTPS (secure cookies, HSTS, redirect) |
| `SAMVERKAN_VAR_DIR` | `<checkout>/var`, else `./var` | SQLite file, static files, local key |
| `SAMVERKAN_LOG_LEVEL` | `INFO` | |
| `SAMVERKAN_BASE_URL` | `http://127.0.0.1:8000` | the address in notification e-mails |
| `EMAIL_HOST`, `EMAIL_PORT` | `localhost`, `25` | the SMTP server for notification e-mails |
| `EMAIL_HOST_USER`, `EMAIL_HOST_PASSWORD`, `EMAIL_USE_TLS` | empty, empty, off | SMTP login and STARTTLS |
| `DEFAULT_FROM_EMAIL` | `samverkan@localhost` | the sender of notification e-mails |
| `SAMVERKAN_AUDIT_RETENTION_YEARS` | `5` | years the audit log is kept before a purge (at least 5) |
| `SAMVERKAN_ACCESSIBILITY_CONTACT` | `tillganglighet@samverkan.example` | where the accessibility statement sends reports of flaws |
| `SAMVERKAN_EMERGENCY_ACCESS_HOURS` | `4` | hours an emergency access (nödåtkomst) stays open (1–24) |
| `SAMVERKAN_FHIR_CANONICAL_BASE` | `https://<first ALLOWED_HOSTS>/fhir` | base of Samverkan's FHIR extensions and code systems (a URL the deployment controls) |
| `SAMVERKAN_SESSION_IDLE_MINUTES` | `15` | a session ends after this many idle minutes (shared tablets; 1–720) |
| `SAMVERKAN_TOKEN_DAYS` | `90` | default lifetime of a new API token (1–366) |
| `SAMVERKAN_LOGIN_FAILURES` | `5` | failed logins per username and address before a lockout (1–100) |
| `SAMVERKAN_LOCKOUT_MINUTES` | `15` | how long a lockout lasts (1–1440) |
"""

from __future__ import annotations

import re

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from samverkan.config import env
from samverkan.config.logs import logging_config
from samverkan.core.upload_settings import parse_overrides as parse_upload_limits

DEBUG = env.env_bool("SAMVERKAN_DEBUG")
HTTPS = env.env_bool("SAMVERKAN_HTTPS")
VAR_DIR = env.var_dir()
ALLOWED_HOSTS = env.env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env.env_list("CSRF_TRUSTED_ORIGINS")
SECRET_KEY = env.secret_key(debug=DEBUG, allowed_hosts=ALLOWED_HOSTS, var=VAR_DIR)

INSTALLED_APPS = [
    # Ours first, so our Swedish registration/*.html win over django.contrib.admin's.
    "samverkan.web",
    "samverkan.accounts",
    "samverkan.audit",
    # --- Later apps: add them here, in this order, as they arrive. ---
    "samverkan.library",
    "samverkan.guide",
    "samverkan.people",
    "samverkan.sip",
    "samverkan.discharge",
    "samverkan.purchases",
    "samverkan.agreements",
    "samverkan.deviations",
    "samverkan.followup",
    "samverkan.logcontrol",
    "samverkan.notifications",
    # --- end of later apps ---
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",  # login throttling and lockout
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samverkan.web.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "samverkan.web.middleware.UploadLimitMiddleware",  # a file stops at its kind's limit
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samverkan.web.middleware.UploadSizeMiddleware",  # no body over the largest upload limit
    "samverkan.accounts.middleware.SessionCommissionMiddleware",  # the session's commission
    "samverkan.audit.middleware.CurrentRequestMiddleware",  # who changes users and roles
    "samverkan.web.middleware.LoginRequiredMiddleware",
    "samverkan.web.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "samverkan.accounts.middleware.NoStoreMiddleware",  # personal data is never cached
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "samverkan.config.urls"
WSGI_APPLICATION = "samverkan.config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samverkan.web.context_processors.navigation",
                "samverkan.notifications.context_processors.unread",
            ],
            # Agreement words for every template: clause_name, quoted (library).
            "builtins": ["samverkan.library.templatetags.agreement_words"],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
_SQLITE_DEFAULT = VAR_DIR / "samverkan.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{_SQLITE_DEFAULT}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections stay open (like PostgreSQL's): opening one runs the PRAGMAs and closing
    # one checkpoints the WAL, which cost more than the request itself.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL + IMMEDIATE: several server threads write without "database is locked".
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    if DATABASES["default"]["NAME"] == str(_SQLITE_DEFAULT):
        VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Authentication ---------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:start"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "samverkan.accounts.passwords.RepeatedCharacterValidator"},
]
# django-axes first: it refuses a locked-out username/address before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.env_int("SAMVERKAN_LOGIN_FAILURES", 5, 1, 100)
AXES_COOLOFF_TIME = env.env_int("SAMVERKAN_LOCKOUT_MINUTES", 15, 1, 24 * 60) / 60  # hours
# Lock the username tried from that address: a colleague on the same tablet is not locked
# out, and guessing one account from many addresses is still stopped per address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # samverkan.accounts.signals logs failures, username only
AXES_SENSITIVE_PARAMETERS = ["password"]
# Shared tablets: the session ends after an idle time (every request renews it) and the
# cookie is a browser-session cookie, gone when the browser closes.
SESSION_COOKIE_AGE = env.env_int("SAMVERKAN_SESSION_IDLE_MINUTES", 15, 1, 12 * 60) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SAMVERKAN_TOKEN_DAYS = env.env_int("SAMVERKAN_TOKEN_DAYS", 90, 1, 366)
SESSION_COOKIE_SAMESITE = "Lax"

# --- HTTPS: only when it is really there, otherwise http://127.0.0.1 must keep working ---
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(env.env_str("SAMVERKAN_HSTS_SECONDS", "31536000")) if HTTPS else 0
if HTTPS:
    # Behind a TLS-terminating proxy, which must set X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# With HTTPS, HSTS covers subdomains too and the site may be preloaded (check --deploy).
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Content-Security-Policy (django-csp): own origin only; the few inline <style>/<script>
# blocks carry the per-response nonce (`nonce="{{ request.csp_nonce }}"`).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Language and formats ---------------------------------------------------------------
# UI strings are written in Swedish in the source (msgid = Swedish); `en` exists for
# Django's own strings and future catalogs. See samverkan.web.middleware.LocaleMiddleware.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("svenska")), ("en", _("engelska"))]
LOCALE_PATHS = [env.PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["samverkan.config.formats"]

# --- Static files (whitenoise) ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Log control (samverkan.logcontrol; README "Log control") -----------------------------
LOGCONTROL_WORKING_HOURS = (7, 18)  # weekdays 07:00-18:00, not Swedish public holidays
LOGCONTROL_MANY_PERSONS = (20, 10)  # flag more than 20 distinct persons within 10 minutes
LOGCONTROL_SPOT_CHECK_EVERY_DAYS = 30  # a systematic spot check is due a month after the last
LOGCONTROL_FLAG_SCAN = 5000  # flags are computed over the newest events of a search
# The data owner's retention decision for the audit log; at least five years (HSLF-FS 2016:40
# 4 kap. 9 §), which samverkan.audit.integrity enforces.
SAMVERKAN_AUDIT_RETENTION_YEARS = int(env.env_str("SAMVERKAN_AUDIT_RETENTION_YEARS", "5"))
# The accessibility statement's contact for reported flaws (lag 2018:1937, 12 §).
SAMVERKAN_ACCESSIBILITY_CONTACT = env.env_str(
    "SAMVERKAN_ACCESSIBILITY_CONTACT", "tillganglighet@samverkan.example"
)
SAMVERKAN_ACCESSIBILITY_REVIEWED = env.env_str("SAMVERKAN_ACCESSIBILITY_REVIEWED", "2026-12-02")
SAMVERKAN_EMERGENCY_ACCESS_HOURS = env.env_int("SAMVERKAN_EMERGENCY_ACCESS_HOURS", 4, 1, 24)
#: Tjänsteköp: a registered service longer than this (minutes) asks "Stämmer tiden?" first.
SAMVERKAN_MAX_SERVICE_MINUTES = env.env_int("SAMVERKAN_MAX_SERVICE_MINUTES", 480, 30, 1440)
#: Upload limits per kind (bytes, rows, columns, cell, JSON depth and items), over the defaults
#: in samverkan/core/uploads.py; from the environment as JSON (README, Security).
SAMVERKAN_UPLOAD_LIMITS = parse_upload_limits(env.env_str("SAMVERKAN_UPLOAD_LIMITS"))

# --- Logging: never request bodies, never personal data ---------------------------------
LOGGING = logging_config(env.env_str("SAMVERKAN_LOG_LEVEL", "INFO").upper())

# The population register adapter (people.population_register): a dotted class path; the
# default connects nothing. JsonFileRegister (a test stand-in) reads the file named below.
SAMVERKAN_POPULATION_REGISTER = env.env_str(
    "SAMVERKAN_POPULATION_REGISTER", "samverkan.people.population_register.NotConnected"
)
SAMVERKAN_POPULATION_REGISTER_FILE = env.env_str("SAMVERKAN_POPULATION_REGISTER_FILE")

# FHIR export (people.fhir): Samverkan's own extensions and code systems live under this
# canonical base; a deployment sets it to a URL it controls and keeps it stable.
_FHIR_HOST = next((h.lstrip(".") for h in ALLOWED_HOSTS if h.strip(".") and "*" not in h), "")
SAMVERKAN_FHIR_CANONICAL_BASE = env.env_str(
    "SAMVERKAN_FHIR_CANONICAL_BASE", f"https://{_FHIR_HOST or 'localhost'}/fhir"
)
if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", SAMVERKAN_FHIR_CANONICAL_BASE):
    raise ImproperlyConfigured(
        "SAMVERKAN_FHIR_CANONICAL_BASE must be an absolute http(s) URL, e.g. https://host/fhir"
    )
# --- Notifications by e-mail (samverkan.notifications; README "Notifications") ------------
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env.env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env.env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.env_str("DEFAULT_FROM_EMAIL", "samverkan@localhost")
SAMVERKAN_BASE_URL = env.env_str("SAMVERKAN_BASE_URL", "http://127.0.0.1:8000")
# --- Single sign-on: SAML2 (samverkan.accounts.saml; README "Logging in") -----------------
# Password login is for the demo and development only: production sets
# SAMVERKAN_PASSWORD_LOGIN=0, and then no password logs in anywhere (not the admin either).
SAMVERKAN_PASSWORD_LOGIN = env.env_bool("SAMVERKAN_PASSWORD_LOGIN", True)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out login stops here (h7)
    "samverkan.accounts.saml.SamlBackend",
    "samverkan.accounts.oidc.OidcBackend",
    "samverkan.accounts.saml.PasswordBackend",  # answers only while the setting is on
]
INSTALLED_APPS.append("djangosaml2")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "djangosaml2.middleware.SamlSessionMiddleware",
)
SAMVERKAN_SAML = {
    # IdP metadata: local files or URLs, comma-separated (several IdPs at once).
    "idp_metadata": env.env_list("SAMVERKAN_SAML_IDP_METADATA"),
    "base_url": env.env_str("SAMVERKAN_SAML_BASE_URL", "http://127.0.0.1:8000"),
    "entity_id": env.env_str("SAMVERKAN_SAML_ENTITY_ID"),
    "key_file": env.env_str("SAMVERKAN_SAML_KEY_FILE"),
    "cert_file": env.env_str("SAMVERKAN_SAML_CERT_FILE"),
    # Accepted authentication context classes (assurance levels); empty: any.
    "assurance": env.env_list("SAMVERKAN_SAML_ASSURANCE", "http://id.elegnamnden.se/loa/1.0/loa3"),
}
SAML_CONFIG_LOADER = "samverkan.accounts.saml.sp_config"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_SESSION_COOKIE_NAME = "saml_session"
SAML_SESSION_COOKIE_SAMESITE = "None" if HTTPS else "Lax"
SAML_ATTRIBUTE_MAPPING: dict[str, tuple[str, ...]] = {}  # samverkan.accounts.saml maps
SAML_CREATE_UNKNOWN_USER = True
SAML_IGNORE_LOGOUT_ERRORS = True
# The HSA adapter for commissions the IdP does not send (samverkan.accounts.hsa).
SAMVERKAN_HSA_DIRECTORY = env.env_str(
    "SAMVERKAN_HSA_DIRECTORY", "samverkan.accounts.hsa.NotConnected"
)
SAMVERKAN_HSA_DIRECTORY_FILE = env.env_str("SAMVERKAN_HSA_DIRECTORY_FILE")
SAML_CSP_HANDLER = ""  # the CSP header is set for every response, not per view

# --- Single sign-on: OpenID Connect beside SAML2 (samverkan.accounts.oidc; same mapping) ----
# SAMVERKAN_OIDC_PROVIDERS names the providers (letters, digits, - and _), comma-separated;
# each is configured by SAMVERKAN_OIDC_<NAME>_DISCOVERY_URL, _CLIENT_ID, _CLIENT_SECRET,
# _TITLE (the login button), _SCOPE and _ACR (accepted acr values, comma-separated).


def _oidc_provider(name: str) -> dict[str, object]:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", name):
        raise ImproperlyConfigured(
            f"SAMVERKAN_OIDC_PROVIDERS: {name!r} is not a name of letters, digits, - and _"
        )
    prefix = "SAMVERKAN_OIDC_" + name.upper().replace("-", "_") + "_"
    return {
        "name": name,
        "title": env.env_str(prefix + "TITLE", name),
        "discovery_url": env.env_str(prefix + "DISCOVERY_URL"),
        "client_id": env.env_str(prefix + "CLIENT_ID"),
        "client_secret": env.env_str(prefix + "CLIENT_SECRET"),
        "scope": env.env_str(prefix + "SCOPE", "openid profile"),
        "acr_values": env.env_list(prefix + "ACR"),
    }


SAMVERKAN_OIDC = {
    "base_url": env.env_str("SAMVERKAN_OIDC_BASE_URL", str(SAMVERKAN_SAML["base_url"])),
    "providers": [_oidc_provider(n) for n in env.env_list("SAMVERKAN_OIDC_PROVIDERS")],
}
