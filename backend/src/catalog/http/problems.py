"""RFC 9457 problem details: every error leaves the API as ``application/problem+json``.

``problem_for`` is a pure mapping from exceptions to problems, so the policy (which error gets
which status, and that no internals leak) is unit-testable without a server.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from catalog.domain.errors import (
    Conflict,
    InvalidCursor,
    NotFound,
    SchemaNotCurrent,
    ServiceUnavailable,
    ValidationFailed,
)
from catalog.services.bulk_import import ImportInterrupted

logger = logging.getLogger("catalog.http")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://catalog.example/problems/"
RETRY_AFTER_SECONDS = 5


class FieldError(BaseModel):
    field: str = Field(description="Name of the offending input, e.g. 'title' or 'limit'.")
    location: str | None = Field(
        default=None, description="Where the input was: body, query, path or line."
    )
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI identifying the problem type.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


@dataclass(frozen=True)
class ProblemDetails:
    status: int
    type: str
    title: str
    detail: str
    errors: Sequence[dict[str, str | None]] = ()
    extensions: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance is not None:
            body["instance"] = instance
        if self.errors:
            body["errors"] = list(self.errors)
        body.update(self.extensions)
        return body


def _type(slug: str) -> str:
    return PROBLEM_TYPE_BASE + slug


def _sentence(message: str) -> str:
    """A domain message ("the tag is ...") as a ``detail`` sentence ("The tag is ...")."""
    return message[0].upper() + message[1:] + "."


def _field_error(field_name: str, message: str, location: str | None = None) -> dict[str, Any]:
    return {"field": field_name, "location": location, "message": message}


def database_unavailable() -> ProblemDetails:
    return ProblemDetails(
        status=503,
        type=_type("database-unavailable"),
        title="Database unavailable",
        detail="The database cannot be reached right now. Retry later.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _is_database_outage(error: BaseException) -> bool:
    if isinstance(error, OperationalError | InterfaceError | psycopg.OperationalError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def validation_problem(errors: Sequence[dict[str, Any]]) -> ProblemDetails:
    names = ", ".join(sorted({str(error["field"]) for error in errors}))
    return ProblemDetails(
        status=422,
        type=_type("validation-error"),
        title="Invalid input",
        detail=f"Invalid value for: {names}.",
        errors=errors,
    )


def request_validation_errors(error: RequestValidationError) -> list[dict[str, Any]]:
    """Flatten FastAPI/pydantic errors into field errors: ('body', 'title') -> title in body."""
    flattened = []
    for item in error.errors():
        location = tuple(str(part) for part in item.get("loc", ()))
        where = location[0] if location else None
        name = ".".join(location[1:]) or (where or "request")
        flattened.append(_field_error(name, str(item.get("msg", "invalid")), where))
    return flattened


def problem_for(error: BaseException) -> ProblemDetails:
    """The problem a given exception becomes. Unknown errors give a bland 500 (no internals)."""
    match error:
        case ValidationFailed():
            return validation_problem([_field_error(error.field, error.message)])
        case NotFound():
            return ProblemDetails(
                status=404,
                type=_type("not-found"),
                title="Not found",
                detail=f"The {error.entity} does not exist.",
            )
        case Conflict():
            return ProblemDetails(
                status=409,
                type=_type("conflict"),
                title="Conflict",
                detail=_sentence(error.message),
                errors=[_field_error(error.field, error.message)],
            )
        case InvalidCursor():
            return ProblemDetails(
                status=400,
                type=_type("invalid-cursor"),
                title="Invalid cursor",
                detail=str(error),
                errors=[_field_error("cursor", str(error), "query")],
            )
        case SchemaNotCurrent():
            return ProblemDetails(
                status=503,
                type=_type("schema-not-current"),
                title="Database schema not current",
                detail=(
                    f"The database schema is at revision {error.found or 'none (empty database)'}"
                    f", the service needs {error.head}. Run `python -m catalog migrate`, or start "
                    f"the server with `python -m catalog serve --migrate`."
                ),
                extensions={"found_revision": error.found, "head_revision": error.head},
            )
        case ServiceUnavailable(service="database"):
            return database_unavailable()
        case ServiceUnavailable():
            return ProblemDetails(
                status=503,
                type=_type("search-unavailable"),
                title="Search unavailable",
                detail=_sentence(error.message) + " Retry later.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        case RequestValidationError():
            return validation_problem(request_validation_errors(error))
        case ImportInterrupted():
            cause = problem_for(error.__cause__) if error.__cause__ else problem_for(Exception())
            report = error.report
            return ProblemDetails(
                status=cause.status,
                type=cause.type,
                title=cause.title,
                detail=(
                    f"{cause.detail} The import stopped; lines up to {report.last_line} "
                    "were processed and committed, later lines were not applied."
                ),
                extensions={
                    "imported_through_line": report.last_line,
                    "created": report.created,
                    "failed": report.failed,
                },
                headers=cause.headers,
            )
        case StarletteHTTPException():
            status = HTTPStatus(error.status_code)
            detail = error.detail if isinstance(error.detail, str) else status.description
            return ProblemDetails(
                status=status.value,
                type="about:blank",
                title=status.phrase,
                detail=detail,
                headers=dict(error.headers or {}),
            )
        case _ if _is_database_outage(error):
            return database_unavailable()
        case _:
            return ProblemDetails(
                status=500,
                type=_type("internal-error"),
                title="Internal server error",
                detail="An unexpected error occurred. It has been logged.",
            )


def problem_response(problem: ProblemDetails, instance: str | None = None) -> JSONResponse:
    return JSONResponse(
        problem.body(instance),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers or None,
    )


def allowed_methods(request: Request) -> list[str]:
    """Methods of every route matching the path; Starlette's own 405 only names the first
    route's methods although several routes may serve one path (GET and POST /workspaces)."""
    allowed: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match in (Match.FULL, Match.PARTIAL):
            allowed.update(getattr(route, "methods", None) or ())
    return sorted(allowed)


async def _handle(request: Request, error: Exception) -> JSONResponse:
    problem = problem_for(error)
    if problem.status == 405:
        problem = replace(problem, headers={"Allow": ", ".join(allowed_methods(request))})
    if problem.status == 503:
        logger.warning("request %s %s: %s", request.method, request.url.path, problem.title)
    elif problem.status >= 500:
        # Full detail goes to the log only; the client gets the generic problem.
        logger.error("request %s %s failed", request.method, request.url.path, exc_info=error)
    return problem_response(problem, request.url.path)


HANDLED_ERRORS: tuple[type[Exception], ...] = (
    ValidationFailed,
    NotFound,
    Conflict,
    InvalidCursor,
    SchemaNotCurrent,
    ServiceUnavailable,
    ImportInterrupted,
    RequestValidationError,
    StarletteHTTPException,
    OperationalError,
    InterfaceError,
    DBAPIError,
    psycopg.OperationalError,
    Exception,
)


def install_problem_handlers(app: FastAPI) -> None:
    for error_type in HANDLED_ERRORS:
        app.add_exception_handler(error_type, _handle)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting problem+json bodies for the given statuses."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
