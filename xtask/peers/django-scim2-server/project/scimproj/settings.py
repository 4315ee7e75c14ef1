"""Django settings of the django-scim2-server interop peer (started by `cargo xtask peers start`).

The app's default models and adapters (auth.User, auth.Group). Environment: SCIM_DB (SQLite
file), SCIM_TOKEN (bearer token; empty = open).
"""
import os

SECRET_KEY = "local-interop-peer-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django_scim2_server"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "scimproj.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["SCIM_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
APPEND_SLASH = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SCIM_TOKEN = os.environ.get("SCIM_TOKEN", "")
# The app's default check wants a logged-in superuser; a SCIM client sends a bearer token.
SCIM2_SERVER_AUTH_CHECK = "scimproj.auth.bearer_token"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
