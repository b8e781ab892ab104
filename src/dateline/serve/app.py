"""The FastAPI app: a read-only JSON API under /api/v1 and the static dashboard at /."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from dateline import __version__
from dateline.errors import StoreError
from dateline.records import MODALITIES
from dateline.serve import queries
from dateline.serve.queries import EventFilter
from dateline.store import FusedQuery, open_store
from dateline.store.query import TooManyPeriodsError, normalise_cameo

__all__ = [
    "MAX_LIMIT",
    "MAX_QUERY_BYTES",
    "SECURITY_HEADERS",
    "create_app",
    "is_loopback",
]

STATIC = Path(__file__).parent / "static"
MAX_LIMIT = 500  # events in one page
MAX_TOP = 100  # dyads or actors in one answer
MAX_OFFSET = 1_000_000
MAX_QUERY_BYTES = 2048  # the query string; longer is answered 414
MAX_PATH_BYTES = 1024
MAX_BODY_BYTES = 1024  # the API reads no body; anything larger is answered 413

# No inline script or style anywhere: the dashboard and the API docs load their
# code from /static, so a string that slipped into the page could not run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the server reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class GuardMiddleware:
    """Bounds every request's size and adds the security headers to every answer.

    Written as plain ASGI so that it answers before routing and before any body is read.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            status, reason = refusal
            await self._answer(send, status, reason)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.headers if k not in present
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _refusal(scope: Scope) -> tuple[int, str] | None:
        if len(scope.get("query_string", b"")) > MAX_QUERY_BYTES:
            return 414, f"query string longer than {MAX_QUERY_BYTES} bytes"
        if len(scope.get("raw_path") or scope.get("path", "").encode()) > MAX_PATH_BYTES:
            return 414, f"path longer than {MAX_PATH_BYTES} bytes"
        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_long = int(length) > MAX_BODY_BYTES
            except ValueError:
                return 400, "bad content-length"
            if too_long:
                return 413, f"request body longer than {MAX_BODY_BYTES} bytes"
        if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
            return 413, "request bodies are not accepted"
        return None

    async def _answer(self, send: Send, status: int, reason: str) -> None:
        body = ('{"detail": "' + reason + '"}').encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    *self.headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


_CODE = r"^[A-Za-z0-9]{1,32}$"
ActorParam = Annotated[
    str | None,
    Query(pattern=_CODE, description="CAMEO actor code or prefix (CHN, JPNGOV)."),
]
DyadParam = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9]{1,32},[A-Za-z0-9]{1,32}$",
        description="Two actor codes or prefixes, comma-separated, either direction: CHN,JPN.",
    ),
]
RootParam = Annotated[
    str | None, Query(pattern=r"^(0?[1-9]|1[0-9]|20)$", description="CAMEO root, 01-20.")
]
CameoParam = Annotated[
    str | None,
    Query(pattern=r"^[0-9]{1,4}$", description="CAMEO code prefix (04, 036); 4 means root 04."),
]
QuadParam = Annotated[int | None, Query(ge=1, le=4, description="QuadClass 1-4.")]
ModalityParam = Annotated[
    Literal["asserted", "planned", "possible", "negated"] | None,
    Query(description="|".join(MODALITIES)),
]
CountryParam = Annotated[
    str | None, Query(pattern=r"^[A-Za-z]{3}$", description="ISO3 country of either actor.")
]
TextParam = Annotated[
    str | None,
    Query(min_length=1, max_length=200, description="Words in the sentence (case-insensitive)."),
]
ArticleParam = Annotated[str | None, Query(max_length=200, description="Only this article.")]
# Days as YYYY-MM-DD text, parsed here: a bare date type would also take `0` (a Unix time).
SinceParam = Annotated[
    str | None,
    Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Events overlapping from this day."),
]
UntilParam = Annotated[
    str | None,
    Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Events overlapping up to this day."),
]


def invalid(name: str, message: str, value: str) -> RequestValidationError:
    """A 422 in FastAPI's own validation-error shape, for checks made after parsing."""
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", name), "msg": message, "input": value}]
    )


def day(name: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise invalid(name, f"not a calendar day: {exc}", value) from exc


def _cameo(value: str | None) -> str | None:
    try:
        return normalise_cameo(value)
    except ValueError as exc:
        raise invalid("cameo", str(exc), str(value)) from exc


def event_filter(
    actor: ActorParam = None,
    dyad: DyadParam = None,
    since: SinceParam = None,
    until: UntilParam = None,
    root: RootParam = None,
    cameo: CameoParam = None,
    quadclass: QuadParam = None,
    modality: ModalityParam = None,
    country: CountryParam = None,
    q: TextParam = None,
    article_id: ArticleParam = None,
) -> EventFilter:
    pair = dyad.split(",") if dyad else None
    return EventFilter(
        actor=actor,
        dyad=(pair[0], pair[1]) if pair else None,
        since=day("since", since),
        until=day("until", until),
        cameo_root=root.zfill(2) if root else None,
        cameo=_cameo(cameo),
        quadclass=quadclass,
        modality=modality,
        country=country,
        q=q,
        article_id=article_id,
    )


Filters = Annotated[EventFilter, Depends(event_filter)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such record (or no fused events)."}
}


def connection(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of its own for each request: a DuckDB connection is not thread-safe."""
    cursor = request.app.state.store.connection.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


Connection = Annotated[duckdb.DuckDBPyConnection, Depends(connection)]


def create_app(db_path: str | Path, rules_version: str | None = None) -> FastAPI:
    """The API and dashboard over a dateline database, opened read-only.

    One read-only DuckDB connection is opened for the app's life and every
    request gets its own cursor on it (a DuckDB connection is not thread-safe;
    a cursor is a connection of its own to the same database). Read-only
    means other processes may read the file too, but none may write it while
    the server runs: stop it before `dateline code` adds to the same file.
    """
    path = Path(db_path)
    if not path.is_file():
        raise StoreError(f"no database at {path}; run `dateline code` first")
    if rules_version is None:
        from dateline.rules_version import rules_version as current_rules_version

        rules_version = current_rules_version()
    store = open_store(path, read_only=True)
    version = rules_version

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        yield
        store.close()

    app = FastAPI(
        title="dateline",
        version=__version__,
        description="Political event data coded from dated news: events, their evidence, "
        "timelines, dyads and actors. Read-only.",
        docs_url=None,  # the default docs load Swagger UI from a CDN; ours is vendored
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
        responses={
            413: {"description": "The request has a body (the API reads none)."},
            414: {
                "description": f"Query string over {MAX_QUERY_BYTES} or path over {MAX_PATH_BYTES} bytes."
            },
        },
    )
    app.state.store = store

    @app.get("/api/v1/meta", tags=["store"])
    def get_meta(con: Connection) -> dict[str, Any]:
        """Schema and rules versions, row counts, date ranges, and the code lists."""
        return queries.meta(con, version)

    @app.get("/api/v1/events", tags=["events"])
    def get_events(
        con: Connection,
        where: Filters,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        order: Literal["asc", "desc"] = "asc",
        cursor: Annotated[
            str | None,
            Query(
                pattern=r"^\d{4}-\d{2}-\d{2}~[A-Za-z0-9_.:~-]{1,120}$",
                description="Start after this event: the `next_cursor` of the previous page.",
            ),
        ] = None,
    ) -> dict[str, Any]:
        """Event records matching every filter given, in date order, one page at a time.

        Page with `next_cursor` (keyset: every page equally fast) or with `offset`."""
        try:
            after = queries.parse_cursor(cursor) if cursor else None
        except ValueError as exc:
            raise invalid("cursor", f"not a cursor: {exc}", str(cursor)) from exc
        return queries.find_events(con, where, limit=limit, offset=offset, order=order, after=after)

    @app.get("/api/v1/events/{event_id}", responses=NOT_FOUND, tags=["events"])
    def get_event(
        con: Connection, event_id: Annotated[str, PathParam(max_length=64)]
    ) -> dict[str, Any]:
        """One event with its article and its evidence: the sentence and every span."""
        found = queries.event(con, event_id)
        if found is None:
            raise HTTPException(status_code=404, detail="no such event")
        return found

    @app.get("/api/v1/articles/{article_id}", responses=NOT_FOUND, tags=["articles"])
    def get_article(
        con: Connection, article_id: Annotated[str, PathParam(max_length=200)]
    ) -> dict[str, Any]:
        """One article's text and fields, and the events coded from it."""
        found = queries.article(con, article_id)
        if found is None:
            raise HTTPException(status_code=404, detail="no such article")
        return found

    @app.get("/api/v1/timeline", tags=["aggregates"])
    def get_timeline(
        con: Connection,
        where: Filters,
        interval: Literal["day", "week", "month", "year"] = "month",
        by: Literal["quadclass", "root"] = "quadclass",
        date: Literal["event", "report"] = "event",
        fill: Annotated[
            bool, Query(description="Also list the empty periods between the first and last.")
        ] = False,
    ) -> dict[str, Any]:
        """Event counts per period, by QuadClass or CAMEO root, under the same filters.

        Events dated more coarsely than one period are counted in `spanning`, events with
        only a vague date (PAST_REF) in `undated`; neither is put in a period."""
        try:
            return queries.timeline(con, where, interval=interval, by=by, date=date, fill=fill)
        except TooManyPeriodsError as exc:
            raise invalid("interval", str(exc), interval) from exc

    @app.get("/api/v1/dyads", tags=["aggregates"])
    def get_dyads(
        con: Connection,
        where: Filters,
        limit: Annotated[int, Query(ge=1, le=MAX_TOP)] = 20,
        directed: bool = True,
    ) -> dict[str, Any]:
        """The most frequent source–target pairs, with counts and mean Goldstein score."""
        return queries.dyads(con, where, limit=limit, directed=directed)

    @app.get("/api/v1/actors", tags=["aggregates"])
    def get_actors(
        con: Connection,
        where: Filters,
        limit: Annotated[int, Query(ge=1, le=MAX_TOP)] = 20,
    ) -> dict[str, Any]:
        """The actors in the most events, as source or target."""
        return queries.actors(con, where, limit=limit)

    @app.get("/api/v1/places", tags=["aggregates"])
    def get_places(
        con: Connection,
        where: Filters,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 200,
    ) -> dict[str, Any]:
        """Where the events happened: each place with a point, its events and their
        QuadClasses, most events first; and how many events have no point."""
        return queries.places(con, where, limit=limit)

    @app.get("/api/v1/dyad_series", tags=["aggregates"])
    def get_dyad_series(
        con: Connection,
        where: Filters,
        interval: Literal["day", "week", "month", "year"] = "month",
    ) -> dict[str, Any]:
        """Counts and mean Goldstein score per period for one pair (`dyad`, required),
        every period from the first to the last; events whose dates span more than one
        period or are vague are counted in `not_in_one_period`."""
        if not where.dyad:
            raise invalid("dyad", "a dyad series needs dyad=A,B", "")
        try:
            return queries.dyad_series(con, where, interval=interval)
        except TooManyPeriodsError as exc:
            raise invalid("interval", str(exc), interval) from exc

    def fused_store(con: duckdb.DuckDBPyConnection) -> None:
        if not queries.has_fused(con):
            raise HTTPException(
                status_code=404,
                detail="this store has no fused events; run `dateline fuse` on it",
            )

    @app.get("/api/v1/fused", responses=NOT_FOUND, tags=["fused events"])
    def get_fused(
        con: Connection,
        actor: ActorParam = None,
        dyad: DyadParam = None,
        since: SinceParam = None,
        until: UntilParam = None,
        root: RootParam = None,
        cameo: CameoParam = None,
        quadclass: QuadParam = None,
        modality: ModalityParam = None,
        country: CountryParam = None,
        q: TextParam = None,
        min_reports: Annotated[int | None, Query(ge=1, le=10_000)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        order: Literal["asc", "desc"] = "asc",
    ) -> dict[str, Any]:
        """Fused events (one real-world event with every story that reported it), under the
        same filters as events (`q`: words in any report's sentence)."""
        fused_store(con)
        pair = dyad.split(",") if dyad else None
        where = FusedQuery(
            actor=actor,
            dyad=(pair[0], pair[1]) if pair else None,
            since=day("since", since),
            until=day("until", until),
            cameo_root=root.zfill(2) if root else None,
            cameo=_cameo(cameo),
            quadclass=quadclass,
            modality=modality,
            country=country,
            q=q,
            min_reports=min_reports,
        )
        return queries.find_fused(con, where, limit=limit, offset=offset, order=order)

    @app.get("/api/v1/fused/{fused_id}", responses=NOT_FOUND, tags=["fused events"])
    def get_fused_event(
        con: Connection, fused_id: Annotated[str, PathParam(max_length=64)]
    ) -> dict[str, Any]:
        """One fused event with each report's event record and story."""
        fused_store(con)
        found = queries.fused_event(con, fused_id)
        if found is None:
            raise HTTPException(status_code=404, detail="no such fused event")
        return found

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> FileResponse:
        return FileResponse(STATIC / "api-docs.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def docs_redirect() -> RedirectResponse:
        return RedirectResponse("/api/docs")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(GuardMiddleware)
    return app
