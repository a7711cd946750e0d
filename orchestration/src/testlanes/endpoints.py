"""Where a service listens, parsed from its URL in one place, with one rule for default ports."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from testlanes.errors import ConfigError

# A URL without a port means the scheme's: what the driver or HTTP client itself connects to.
DEFAULT_PORTS = {"postgresql": 5432, "postgres": 5432, "http": 80, "https": 443}


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def endpoint(url: str) -> Endpoint:
    """``postgresql+psycopg://u@db/x`` -> db:5432, ``https://search`` -> search:443."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0].lower()
    if scheme not in DEFAULT_PORTS:
        raise ConfigError(
            f"{url!r} is not a service URL: expected postgresql://, http:// or https://"
        )
    return Endpoint(parts.hostname or "localhost", parts.port or DEFAULT_PORTS[scheme])
