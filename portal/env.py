"""Typed readers of environment variables for ``portal/settings.py``.

Each one fails loudly: a missing or malformed value stops the program at start with a message
that names the variable (``ConfigError``), never a half-configured portal. See
docs/configuration.md.
"""

import base64
import binascii
import os
from urllib.parse import parse_qs, unquote, urlparse


class ConfigError(SystemExit):
    """Raised for a bad environment value: stops the program with a readable message."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"Configuration error: environment variable {name} {problem}")


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ConfigError(name, "is required but not set")
        return default
    return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(name, f"must be one of true/false/1/0/yes/no, got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(name, f"must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigError(name, f"must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default: str, *, var_dir) -> dict:
    import dj_database_url

    url = env_str(name, default)
    scheme = urlparse(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError(name, f"must be a sqlite:// or postgres:// URL, got scheme {scheme!r}")
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types for bad URLs
        raise ConfigError(name, f"is not a valid database URL: {exc}") from None
    if config["ENGINE"].endswith("sqlite3"):
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
        # A file, not memory, so the live server's threads in browser tests get their own connections.
        config["TEST"] = {"NAME": str(var_dir / "test.sqlite3")}
    else:
        config["OPTIONS"] = {"connect_timeout": 5}
    return config


def env_redis(name: str) -> str | None:
    url = env_str(name)
    if url is None:
        return None
    if urlparse(url).scheme not in {"redis", "rediss"}:
        raise ConfigError(name, f"must be a redis:// URL, got {url!r}")
    return url


def env_fernet_keys(name: str, default: str | None) -> list[str]:
    keys = env_list(name, [default] if default else [])
    if not keys:
        raise ConfigError(name, "is required when DEBUG is off (a Fernet key, see docs/configuration.md)")
    for key in keys:
        try:
            raw = base64.urlsafe_b64decode(key.encode())
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ConfigError(name, "must be one or more comma-separated url-safe base64 32-byte (Fernet) keys")
    return keys


def env_email(name: str) -> dict:
    """EMAIL_URL such as smtp://user:pass@host:587?tls=1 or console:// ; empty means EMAIL_* variables."""
    url = env_str(name)
    if not url:
        return {}
    parsed = urlparse(url)
    options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme not in {"smtp", "smtps"}:
        raise ConfigError(name, f"must be smtp://, smtps:// or console://, got {parsed.scheme!r}")
    try:
        port = parsed.port or (465 if parsed.scheme == "smtps" else 25)
    except ValueError:
        raise ConfigError(name, "has an invalid port") from None
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": options.get("tls", "0").lower() in _TRUE,
    }


def env_url(name: str, default: str = "") -> str:
    value = env_str(name, default) or ""
    if value and urlparse(value).scheme not in {"http", "https"}:
        raise ConfigError(name, f"must be an http:// or https:// URL, got {value!r}")
    return value


def env_rates(name: str, default: dict[str, int]) -> dict[str, int]:
    """``robot=20,email=60``: messages per minute per target and channel (0: no limit)."""
    rates = dict(default)
    for item in env_list(name, []):
        channel, _sep, number = item.partition("=")
        if not number.strip().isdigit():
            raise ConfigError(name, f"must look like robot=20,email=60, got {item!r}")
        rates[channel.strip()] = int(number)
    return rates
