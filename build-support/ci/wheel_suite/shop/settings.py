"""Read once at import, like the settings module of many existing services."""

import os

from sqlalchemy.engine import URL

DATABASE_URL = URL.create(
    "postgresql+psycopg",
    username=os.environ["POSTGRES_USER"],
    password=os.environ["POSTGRES_PASSWORD"] or None,
    host=os.environ["POSTGRES_SERVER"],
    port=int(os.environ["POSTGRES_PORT"]),
    database=os.environ["POSTGRES_DB"],
).render_as_string(hide_password=False)
