"""modes.decide: the one place that picks embedded, serial or slot for a service."""

from __future__ import annotations

import pytest

from testlanes.config import TestSettings
from testlanes.errors import ConfigError
from testlanes.modes import Mode, decide

SHARED = {"TEST_POSTGRES_URL": "postgresql+psycopg://t@db:5432/app", "TEST_POSTGRES_VERSION": "15"}


def test_postgres_without_a_shared_test_server_is_embedded() -> None:
    assert decide(TestSettings.from_env({}), "postgres") is Mode.EMBEDDED


def test_the_apps_own_database_url_does_not_make_a_shared_test_server() -> None:
    settings = TestSettings.from_env({"DATABASE_URL": "postgresql://app@prod/app"})
    assert decide(settings, "postgres") is Mode.EMBEDDED


def test_a_shared_test_server_is_serial_by_default() -> None:
    assert decide(TestSettings.from_env(SHARED), "postgres") is Mode.SERIAL


def test_slot_isolation_gives_each_process_its_own_database() -> None:
    settings = TestSettings.from_env({**SHARED, "TEST_ISOLATION": "slot"})
    assert decide(settings, "postgres") is Mode.SLOT


def test_a_search_engine_without_a_server_is_unavailable_not_embedded() -> None:
    assert decide(TestSettings.from_env({}), "opensearch") is Mode.UNAVAILABLE


def test_an_unknown_isolation_mode_is_refused_naming_the_choices() -> None:
    with pytest.raises(ConfigError, match="expected 'serial' or 'slot'"):
        TestSettings.from_env({**SHARED, "TEST_ISOLATION": "parallel"})


def test_directory_services_are_read_from_test_services() -> None:
    settings = TestSettings.from_env({"TEST_SERVICES": "postgres, opensearch"})
    assert settings.directory_services == {"postgres", "opensearch"}


def test_an_unknown_directory_service_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"unknown service\(s\) \['redis'\]"):
        TestSettings.from_env({"TEST_SERVICES": "postgres,redis"})
