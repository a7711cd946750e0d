"""Pure domain logic: entities, validation, slugs, cursors and query specs (no I/O)."""
