"""The main job: serve the API, on an embedded throwaway PostgreSQL when none is configured."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

import uvicorn
from sqlalchemy.exc import OperationalError

from catalog import migrations
from catalog.adapters.db.engine import create_engine_from_url
from catalog.adapters.db.uow import sqlalchemy_uow_factory
from catalog.adapters.search.factory import build_search_index
from catalog.http.app import create_app, openapi_document
from catalog.services.reindex import reindex
from catalog.settings import Settings, SettingsError
from embedded_postgres import EmbeddedPostgres

logger = logging.getLogger("catalog")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _port(value: str) -> int:
    port = int(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("port must be between 0 and 65535")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m catalog", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="serve the HTTP API (the default)")
    for command_parser in (parser, serve):
        command_parser.add_argument(
            "--port",
            type=_port,
            default=None,
            help=f"port to listen on (default: $PORT or {DEFAULT_PORT})",
        )
        command_parser.add_argument("--host", default=DEFAULT_HOST, help="address to bind")
        command_parser.add_argument(
            "--migrate",
            action="store_true",
            help="apply migrations to DATABASE_URL before serving (always done for the "
            "embedded database)",
        )
    commands.add_parser("migrate", help="apply all migrations to DATABASE_URL")
    commands.add_parser("reindex", help="rebuild the configured search index from PostgreSQL")
    commands.add_parser("openapi", help="print the OpenAPI schema (as the reviewed snapshot)")
    return parser


def resolve_port(cli_port: int | None, environ: dict[str, str] | os._Environ[str]) -> int:
    if cli_port is not None:
        return cli_port
    raw = environ.get("PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    try:
        return _port(raw)
    except (ValueError, argparse.ArgumentTypeError):
        raise SettingsError(f"PORT must be a number between 0 and 65535, got {raw!r}") from None


def _serve(settings: Settings, host: str, port: int) -> None:
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level="info")


class DatabaseNotMigrated(SettingsError):
    """The configured database answers, but its schema is not at the newest migration."""


def check_migrated(database_url: str) -> None:
    """Refuse an unmigrated database up front (every request would fail); a database that does
    not answer yet is left to /health/ready, which reports it."""
    try:
        found = migrations.current_revision(database_url)
    except OperationalError:
        logger.warning("the database does not answer yet; /health/ready reports 503 until it does")
        return
    head = migrations.head_revision()
    if found != head:
        raise DatabaseNotMigrated(
            f"the database at DATABASE_URL is at schema revision {found or 'none (empty)'}, but "
            f"this version needs {head}. Migrate it first with `python -m catalog migrate`, or "
            f"start with `python -m catalog serve --migrate`"
        )


def serve(settings: Settings, host: str, port: int, migrate: bool) -> None:
    if settings.database_url:
        if migrate:
            migrations.upgrade(settings.database_url)
        else:
            check_migrated(settings.database_url)
        _serve(settings, host, port)
        return
    with EmbeddedPostgres(dbname="catalog") as pg:
        migrations.upgrade(pg.url)
        print(f"Embedded PostgreSQL ready: DATABASE_URL={pg.url}", flush=True)
        # Leaving the with-block (including on Ctrl-C) stops and removes the cluster.
        _serve(settings.with_database_url(pg.url), host, port)


def run_reindex(settings: Settings) -> int:
    if not settings.database_url:
        raise SettingsError("DATABASE_URL is required for reindex")
    engine = create_engine_from_url(settings.database_url)
    index = build_search_index(settings, engine)
    try:
        return reindex(sqlalchemy_uow_factory(engine), index)
    finally:
        index.close()
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "openapi":
        print(openapi_document(), end="")
        return 0
    try:
        settings = Settings.from_env()
        if args.command in ("migrate", "reindex") and not settings.database_url:
            raise SettingsError(f"DATABASE_URL is required for {args.command}")
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        if args.command == "migrate":
            assert settings.database_url is not None
            migrations.upgrade(settings.database_url)
            print(f"Database at revision {migrations.head_revision()}")
        elif args.command == "reindex":
            count = run_reindex(settings)
            print(f"Reindexed {count} documents into the {settings.search_backend} index")
        else:
            serve(settings, args.host, resolve_port(args.port, os.environ), args.migrate)
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # uvicorn re-raises the signal after its graceful shutdown; that is a normal stop.
        return 130
    return 0
