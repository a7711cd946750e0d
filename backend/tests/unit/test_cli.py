"""``python -m catalog`` argument handling (no server is started here)."""

from __future__ import annotations

import pytest

from catalog.serve import DEFAULT_PORT, build_parser, main, resolve_port
from catalog.settings import SettingsError


def test_default_command_is_serve_on_localhost() -> None:
    args = build_parser().parse_args([])
    assert (args.command, args.host, args.port) == (None, "127.0.0.1", None)


def test_port_flag_is_parsed_for_serve() -> None:
    assert build_parser().parse_args(["serve", "--port", "9001"]).port == 9001


def test_out_of_range_port_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--port", "70000"])
    assert "port must be between" in capsys.readouterr().err


def test_port_flag_wins_over_the_environment() -> None:
    assert resolve_port(8123, {"PORT": "9000"}) == 8123


def test_port_comes_from_the_environment_when_no_flag() -> None:
    assert resolve_port(None, {"PORT": "9000"}) == 9000


def test_port_defaults_when_neither_is_given() -> None:
    assert resolve_port(None, {}) == DEFAULT_PORT


def test_malformed_port_variable_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="PORT"):
        resolve_port(None, {"PORT": "eighty"})


@pytest.mark.parametrize("command", ["migrate", "reindex"])
def test_commands_needing_a_database_exit_2_without_database_url(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main([command]) == 2
    assert "DATABASE_URL is required" in capsys.readouterr().err


def test_bad_configuration_exits_2_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SEARCH_BACKEND", "solr")
    assert main(["reindex"]) == 2
    assert "SEARCH_BACKEND" in capsys.readouterr().err
