"""``python -m inventory migrate | serve [--port N] | openapi``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m inventory")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="upgrade the database to the newest schema")
    serve = sub.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--port", type=int, default=8001)
    sub.add_parser("openapi", help="print the OpenAPI schema")
    args = parser.parse_args(argv)
    if args.command == "migrate":
        command.upgrade(alembic_config(), "head")
    elif args.command == "openapi":
        from inventory.api import app

        print(json.dumps(app.openapi(), indent=2, sort_keys=True))
    else:
        import uvicorn

        uvicorn.run("inventory.api:app", host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
