"""Read once at import, like the settings module of many existing services."""

import os

DATABASE = {
    "host": os.environ["POSTGRES_SERVER"],
    "port": int(os.environ["POSTGRES_PORT"]),
    "user": os.environ["POSTGRES_USER"],
    "password": os.environ["POSTGRES_PASSWORD"],
    "dbname": os.environ["POSTGRES_DB"],
}
