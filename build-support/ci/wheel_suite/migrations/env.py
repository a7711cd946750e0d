"""Alembic's usual env.py: logging from alembic.ini, the URL from the shop's settings."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from shop import settings
from shop.models import Base

config = context.config
assert config.config_file_name is not None, "run with the project's alembic.ini"
fileConfig(config.config_file_name)
config.set_main_option("sqlalchemy.url", settings.DATABASE_URL.replace("%", "%%"))


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
