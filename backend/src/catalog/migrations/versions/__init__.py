"""Migration revisions; Alembic loads these files by path from the package directory."""
