"""The wheel's extras: a feature whose extra is not installed says which one to install,
before it touches any server."""

from __future__ import annotations

import sys

import pytest

from testlanes.config import TestSettings
from testlanes.errors import ConfigError
from testlanes.postgres.slot import provision_slot
from testlanes.search import provision_search
from testlanes.suites import DEFAULT_SUITE


def test_a_search_service_without_httpx_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "httpx", None)  # `import httpx` now raises ImportError
    settings = TestSettings.from_env(
        {"TEST_OPENSEARCH_URL": "http://search.invalid:9200", "TEST_OPENSEARCH_VERSION": "2"}
    )

    with pytest.raises(ConfigError) as refused:
        provision_search("opensearch", settings, announce=lambda _: None)

    pytest.LineMatcher(str(refused.value).splitlines()).fnmatch_lines(
        [
            "a test declares the opensearch service, which needs httpx: install "
            "testlanes[search] (pip install 'testlanes[search]')"
        ]
    )


def test_slot_mode_without_pytest_postgresql_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pytest_postgresql.janitor", None)
    settings = TestSettings.from_env(
        {
            "TEST_POSTGRES_URL": "postgresql+psycopg://app@db.invalid/x",
            "TEST_POSTGRES_VERSION": "15",
            "TEST_ISOLATION": "slot",
        }
    )

    with pytest.raises(ConfigError, match=r"install testlanes\[slot\]"):
        provision_slot(DEFAULT_SUITE, settings, announce=lambda _: None)
