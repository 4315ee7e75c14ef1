"""Django settings of the django-scim2 interop peer (started by `cargo xtask peers start`).

Environment: SCIM_DB (SQLite file), SCIM_TOKEN (bearer token; empty = open),
SCIM_NETLOC (host:port used in meta.location).
"""
import os

SECRET_KEY = "local-interop-peer-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django_scim",
    "scimapp",
]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "scimapp.middleware.BearerTokenMiddleware",
]
ROOT_URLCONF = "scimproj.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["SCIM_DB"]}}
AUTH_USER_MODEL = "scimapp.User"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
APPEND_SLASH = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SCIM_TOKEN = os.environ.get("SCIM_TOKEN", "")
SCIM_SERVICE_PROVIDER = {
    "NETLOC": os.environ.get("SCIM_NETLOC", "127.0.0.1"),
    "SCHEME": "http",
    "GROUP_MODEL": "scimapp.models.Group",
    "AUTHENTICATION_SCHEMES": [
        {
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "static bearer token",
        }
    ],
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
