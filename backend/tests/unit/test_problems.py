"""Exception -> RFC 9457 problem mapping (pure)."""

from __future__ import annotations

import psycopg
import pytest
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException

from catalog.domain import errors
from catalog.http.problems import PROBLEM_TYPE_BASE, problem_for, problem_responses
from catalog.services.bulk_import import ImportInterrupted, ImportReport, LineResult, LineStatus


def test_validation_failure_is_422_naming_the_field() -> None:
    problem = problem_for(errors.ValidationFailed("tags", "unknown tag(s): x"))
    assert problem.status == 422
    assert problem.errors == [{"field": "tags", "location": None, "message": "unknown tag(s): x"}]
    assert "tags" in problem.detail


def test_not_found_is_404_naming_the_entity() -> None:
    problem = problem_for(errors.NotFound("collection", 9))
    assert (problem.status, problem.type) == (404, PROBLEM_TYPE_BASE + "not-found")
    assert "collection" in problem.detail


def test_conflict_is_409_naming_the_field() -> None:
    problem = problem_for(errors.Conflict("slug", "a workspace with this slug already exists"))
    assert problem.status == 409
    assert problem.errors[0]["field"] == "slug"


def test_invalid_cursor_is_400_pointing_at_the_cursor_parameter() -> None:
    problem = problem_for(errors.InvalidCursor("cursor is malformed"))
    assert problem.status == 400
    assert problem.errors == [
        {"field": "cursor", "location": "query", "message": "cursor is malformed"}
    ]


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT 1", {}, psycopg.OperationalError("connection refused")),
        psycopg.OperationalError("server closed the connection unexpectedly"),
        errors.ServiceUnavailable("database", "down"),
    ],
)
def test_database_outages_are_503_with_retry_after(error: Exception) -> None:
    problem = problem_for(error)
    assert (problem.status, problem.type) == (503, PROBLEM_TYPE_BASE + "database-unavailable")
    assert problem.headers == {"Retry-After": "5"}


def test_invalidated_connection_counts_as_an_outage() -> None:
    error = DBAPIError("SELECT 1", {}, Exception("lost"), connection_invalidated=True)
    assert problem_for(error).status == 503


def test_search_outage_is_503_search_unavailable() -> None:
    problem = problem_for(
        errors.ServiceUnavailable("search", "the OpenSearch cluster is not reachable")
    )
    assert (problem.status, problem.type) == (503, PROBLEM_TYPE_BASE + "search-unavailable")


def test_unexpected_errors_are_a_bland_500_without_internals() -> None:
    problem = problem_for(RuntimeError("secret connection string postgres://u:p@h"))
    body = problem.body("/x")
    assert problem.status == 500
    assert "secret" not in str(body)


def test_integrity_errors_nobody_translated_are_500_not_503() -> None:
    error = IntegrityError("INSERT", {}, Exception("unexpected constraint"))
    assert problem_for(error).status == 500


def test_request_validation_errors_name_field_and_location() -> None:
    error = RequestValidationError(
        [{"loc": ("query", "limit"), "msg": "too big", "type": "less_than_equal"}]
    )
    problem = problem_for(error)
    assert problem.status == 422
    assert problem.errors == [{"field": "limit", "location": "query", "message": "too big"}]


def test_request_validation_error_on_the_whole_body_names_the_body() -> None:
    error = RequestValidationError([{"loc": ("body",), "msg": "Field required", "type": "missing"}])
    assert problem_for(error).errors[0]["field"] == "body"


def test_http_exceptions_keep_their_status_as_about_blank_problems() -> None:
    problem = problem_for(HTTPException(405))
    assert (problem.status, problem.type, problem.title) == (
        405,
        "about:blank",
        "Method Not Allowed",
    )


def test_interrupted_import_reports_how_far_it_got_with_the_cause_status() -> None:
    report = ImportReport(collection_id=1)
    report.record([LineResult(4, LineStatus.CREATED, 10)])
    interrupted = ImportInterrupted(report)
    interrupted.__cause__ = psycopg.OperationalError("gone")
    problem = problem_for(interrupted)
    assert problem.status == 503
    assert problem.extensions == {"imported_through_line": 4, "created": 1, "failed": 0}


def test_problem_body_includes_instance_and_extensions() -> None:
    body = problem_for(errors.NotFound("tag", 1)).body("/tags/1")
    assert body["instance"] == "/tags/1"
    assert set(body) == {"type", "title", "status", "detail", "instance"}


def test_problem_responses_document_problem_json_for_each_status() -> None:
    responses = problem_responses(404, 409)
    assert set(responses) == {404, 409}
    assert "application/problem+json" in responses[404]["content"]


def test_import_interrupted_by_a_vanished_collection_is_a_404() -> None:
    interrupted = ImportInterrupted(ImportReport(collection_id=3))
    interrupted.__cause__ = errors.NotFound("collection", 3)
    assert problem_for(interrupted).status == 404


def test_a_schema_behind_head_is_503_naming_both_revisions_and_the_fix() -> None:
    problem = problem_for(errors.SchemaNotCurrent(None, "0002"))
    assert problem.status == 503
    assert problem.type == PROBLEM_TYPE_BASE + "schema-not-current"
    assert problem.extensions == {"found_revision": None, "head_revision": "0002"}
    assert "none (empty database)" in problem.detail
    assert "python -m catalog migrate" in problem.detail
    assert "serve --migrate" in problem.detail
