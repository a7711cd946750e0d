"""Inventory: suppliers and the products they supply.

Written the way many existing services are (a sync FastAPI app, settings and engine made at
import time, its own Alembic chain), so that it proves the test orchestration adopts such a
service with configuration only.
"""
