"""Suites and their schema recipes, as declared in [tool.testlanes.suites.<name>]."""

from __future__ import annotations

from pathlib import Path

import pytest

from testlanes.errors import ConfigError
from testlanes.exports import POSTGRES_NAMES
from testlanes.suites import DEFAULT_SUITE, load_suites, select_suite


def write_config(tmp_path: Path, body: str) -> Path:
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.pytest.ini_options]\n\n" + body)
    return config


def test_a_sql_recipe_is_keyed_by_the_content_of_its_file(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[tool.testlanes.suites.shop]\nsql = "schema.sql"\n')
    (tmp_path / "schema.sql").write_text("CREATE TABLE a (id int);")
    before = load_suites(config)["shop"].recipe
    assert before is not None
    digest = before.digest()
    (tmp_path / "schema.sql").write_text("CREATE TABLE a (id bigint);")
    assert load_suites(config)["shop"].recipe.digest() != digest  # type: ignore[union-attr]


def test_key_files_add_to_what_keys_the_template(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        '[tool.testlanes.suites.shop]\nsql = "schema.sql"\nkey_files = ["seed/*.sql"]\n',
    )
    (tmp_path / "schema.sql").write_text("CREATE TABLE a (id int);")
    (tmp_path / "seed").mkdir()
    (tmp_path / "seed" / "rows.sql").write_text("INSERT INTO a VALUES (1);")
    digest = load_suites(config)["shop"].recipe.digest()  # type: ignore[union-attr]
    (tmp_path / "seed" / "rows.sql").write_text("INSERT INTO a VALUES (2);")
    assert load_suites(config)["shop"].recipe.digest() != digest  # type: ignore[union-attr]


def test_two_recipe_forms_in_one_suite_are_refused(tmp_path: Path) -> None:
    config = write_config(
        tmp_path, '[tool.testlanes.suites.shop]\nsql = "a.sql"\ncallable = "m:f"\n'
    )
    with pytest.raises(ConfigError, match="exactly one of alembic, sql, callable"):
        load_suites(config)


def test_a_callable_recipe_must_name_module_and_function(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[tool.testlanes.suites.shop]\ncallable = "shop.db"\n')
    with pytest.raises(ConfigError, match="expected 'module:function'"):
        load_suites(config)


def test_a_suite_reads_only_the_variables_it_declares(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        '[tool.testlanes.suites.shop]\nenv = ["POSTGRES_SERVER", "POSTGRES_DB"]\n',
    )
    suite = load_suites(config)["shop"]
    exports = suite.exports_for("postgresql+psycopg://u:pw@db:6543/shop_test")
    assert exports == {"POSTGRES_SERVER": "db", "POSTGRES_DB": "shop_test"}


def test_by_default_a_suite_gets_every_variable_the_plugin_sets(tmp_path: Path) -> None:
    config = write_config(tmp_path, "[tool.testlanes.suites.shop]\n")
    exports = load_suites(config)["shop"].exports_for("postgresql+psycopg://u@db:6543/x")
    assert set(exports) == set(POSTGRES_NAMES)
    assert exports["DATABASE_URL"] == "postgresql+psycopg://u@db:6543/x"
    assert exports["PGPORT"] == "6543"


def test_a_variable_the_url_cannot_fill_is_an_error_naming_it(tmp_path: Path) -> None:
    # Left unset, POSTGRES_USER would fall back to the suite's own default.
    config = write_config(
        tmp_path, '[tool.testlanes.suites.shop]\nenv = ["POSTGRES_USER", "POSTGRES_DB"]\n'
    )
    suite = load_suites(config)["shop"]
    with pytest.raises(ConfigError, match="cannot set POSTGRES_USER: the database URL"):
        suite.exports_for("postgresql+psycopg://db:6543/shop_test")


def test_an_empty_password_is_still_set(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[tool.testlanes.suites.shop]\nenv = ["POSTGRES_PASSWORD"]\n')
    exports = load_suites(config)["shop"].exports_for("postgresql+psycopg://u@db:6543/x")
    assert exports == {"POSTGRES_PASSWORD": ""}


def test_a_suite_may_declare_the_services_its_processes_need(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[tool.testlanes.suites.shop]\nservices = ["postgres"]\n')
    assert load_suites(config)["shop"].services == frozenset({"postgres"})


def test_a_suite_declaring_an_unknown_service_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[tool.testlanes.suites.shop]\nservices = ["redis"]\n')
    with pytest.raises(ConfigError, match=r"services: unknown \['redis'\]"):
        load_suites(config)


def test_a_variable_the_plugin_cannot_set_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[tool.testlanes.suites.shop]\nenv = ["MYSQL_HOST"]\n')
    with pytest.raises(ConfigError, match=r"cannot set \['MYSQL_HOST'\]"):
        load_suites(config)


def test_an_unknown_key_is_refused_naming_the_known_ones(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[tool.testlanes.suites.shop]\nschema = "x.sql"\n')
    with pytest.raises(ConfigError, match=r"unknown key\(s\) \['schema'\]"):
        load_suites(config)


def test_test_suite_selects_a_configured_suite(tmp_path: Path) -> None:
    config = write_config(tmp_path, "[tool.testlanes.suites.a]\n[tool.testlanes.suites.b]\n")
    assert select_suite(load_suites(config), "b", config).name == "b"


def test_several_suites_without_test_suite_is_an_error_naming_them(tmp_path: Path) -> None:
    config = write_config(tmp_path, "[tool.testlanes.suites.a]\n[tool.testlanes.suites.b]\n")
    with pytest.raises(ConfigError, match=r"several suites \(a, b\): set TEST_SUITE"):
        select_suite(load_suites(config), None, config)


def test_an_unconfigured_test_suite_is_an_error(tmp_path: Path) -> None:
    config = write_config(tmp_path, "[tool.testlanes.suites.a]\n")
    with pytest.raises(ConfigError, match="TEST_SUITE='c' but"):
        select_suite(load_suites(config), "c", config)


def test_without_configuration_the_default_suite_has_no_schema(tmp_path: Path) -> None:
    suite = select_suite(load_suites(None), None, None)
    assert suite is DEFAULT_SUITE
    assert suite.recipe is None


def test_an_alembic_ini_alone_is_a_recipe_keyed_by_the_ini_and_its_scripts(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path, '[tool.testlanes.suites.shop]\nalembic_ini = "alembic.ini"\n')
    (tmp_path / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "env.py").write_text("# env\n")
    recipe = load_suites(config)["shop"].recipe
    assert recipe is not None
    keyed_by = {path.name for path in recipe.source_paths()}
    assert keyed_by == {"alembic.ini", "env.py"}


def test_an_alembic_section_without_its_ini_is_refused(tmp_path: Path) -> None:
    config = write_config(
        tmp_path, '[tool.testlanes.suites.shop]\nalembic = "migrations"\nalembic_section = "x"\n'
    )
    with pytest.raises(ConfigError, match="alembic_section names a section of alembic_ini"):
        load_suites(config)


def test_an_alembic_ini_that_does_not_exist_is_refused_naming_the_directory(
    tmp_path: Path,
) -> None:
    config = write_config(
        tmp_path, '[tool.testlanes.suites.shop]\nalembic_ini = "db/alembic.ini"\n'
    )
    with pytest.raises(ConfigError, match=r"alembic_ini = 'db/alembic.ini': no such file in "):
        load_suites(config)


def test_an_alembic_ini_with_another_recipe_form_is_refused(tmp_path: Path) -> None:
    config = write_config(
        tmp_path, '[tool.testlanes.suites.shop]\nalembic_ini = "alembic.ini"\nsql = "a.sql"\n'
    )
    (tmp_path / "alembic.ini").write_text("[alembic]\n")
    with pytest.raises(ConfigError, match=r"alembic_ini goes with alembic or alone, not \['sql'\]"):
        load_suites(config)


def test_by_default_only_tests_using_the_plugins_database_fixtures_are_leak_checked(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path, "[tool.testlanes.suites.shop]\n")
    assert load_suites(config)["shop"].leak_check == "fixtures"


def test_a_leak_check_setting_other_than_true_false_or_fixtures_is_refused(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path, '[tool.testlanes.suites.shop]\nleak_check = "sometimes"\n')
    with pytest.raises(ConfigError, match=r'leak_check must be true, false or "fixtures"'):
        load_suites(config)
