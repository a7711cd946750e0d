"""The schema under test: made only by the service's Alembic migrations."""

from __future__ import annotations

import hashlib
from pathlib import Path

from catalog import migrations

# Bump when the way templates are built changes, so old caches are not reused.
_TEMPLATE_FORMAT = "1"


def migrations_digest() -> str:
    """A hash of the migration modules (what builds the schema): it names the templates."""
    digest = hashlib.sha256(_TEMPLATE_FORMAT.encode())
    root = Path(migrations.SCRIPT_LOCATION)
    for path in sorted(root.rglob("*")):
        if path.suffix == ".py" and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def migrate_to_head(url: str) -> None:
    migrations.upgrade(url, "head")


def downgrade_to_base(url: str) -> None:
    migrations.downgrade(url, "base")
