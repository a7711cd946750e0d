"""A service's address is parsed in one place: the lock, the outage probe and the lane rules
agree on where a URL without a port points."""

from __future__ import annotations

import pytest

from testlanes.endpoints import Endpoint, endpoint
from testlanes.errors import ConfigError
from testlanes.locks import service_identity


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("postgresql+psycopg://app@db/catalog", Endpoint("db", 5432)),
        ("postgresql://app@db:6543/catalog", Endpoint("db", 6543)),
        ("http://search", Endpoint("search", 80)),
        ("https://search", Endpoint("search", 443)),
        ("http://localhost:9200", Endpoint("localhost", 9200)),
    ],
)
def test_a_url_without_a_port_means_its_schemes_port(url: str, where: Endpoint) -> None:
    assert endpoint(url) == where


def test_a_url_of_another_kind_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="'search:9200' is not a service URL"):
        endpoint("search:9200")


def test_the_serial_lock_names_the_address_the_client_connects_to() -> None:
    assert service_identity("opensearch", "https://search") == "opensearch://search:443"
