"""The one error the embedded clusters raise."""


class EmbeddedPostgresError(RuntimeError):
    """The embedded cluster could not be created, started or stopped."""
