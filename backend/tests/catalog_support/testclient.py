"""Starlette's TestClient, imported without its httpx deprecation warning.

Starlette now prefers the ``httpx2`` package, which our resolve does not carry; the client
works with httpx, and warnings are errors in our pytest configuration.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

__all__ = ["TestClient"]
