"""The OpenAPI document is part of the contract: any change to it must be reviewed.

To accept an intended change, regenerate the snapshot and commit it with the change:

    ./pants run backend/src/catalog/__main__.py -- openapi \
        > backend/tests/contract/openapi.snapshot.json
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog.adapters.memory import InMemorySearchIndex, InMemoryStore, in_memory_uow_factory
from catalog.http.app import create_app, openapi_document
from catalog.settings import Settings

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")
UPDATE_HINT = (
    "The OpenAPI schema changed. If the change is intended, regenerate the snapshot with\n"
    "    ./pants run backend/src/catalog/__main__.py -- openapi"
    " > backend/tests/contract/openapi.snapshot.json\n"
    "and commit it together with the change."
)


@pytest.fixture(scope="module")
def current_schema() -> dict:
    app = create_app(
        Settings(cursor_secret=b"snapshot-secret-0123456789abcdef"),
        uow_factory=in_memory_uow_factory(InMemoryStore()),
        search_index=InMemorySearchIndex(),
    )
    return app.openapi()


def test_openapi_schema_matches_the_reviewed_snapshot() -> None:
    assert SNAPSHOT.exists(), UPDATE_HINT
    assert SNAPSHOT.read_text(encoding="utf-8") == openapi_document(), UPDATE_HINT


def test_every_operation_has_an_operation_id_and_documents_its_errors(
    current_schema: dict,
) -> None:
    for path, operations in current_schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("operationId"), f"{method.upper()} {path} lacks an operationId"
            if path.startswith("/health/live"):
                continue
            assert "503" in operation["responses"], f"{method.upper()} {path} lacks a 503"


def test_error_responses_reference_the_problem_schema(current_schema: dict) -> None:
    for operations in current_schema["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/Problem"
                    }


def test_snapshot_describes_the_same_paths_as_the_app(current_schema: dict) -> None:
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(recorded["paths"]) == sorted(current_schema["paths"])
