"""`dateline serve`: a read-only HTTP API and a web dashboard over a dateline database.

    >>> from dateline.serve import create_app
    >>> app = create_app("dateline.duckdb")        # a FastAPI app; run it with uvicorn

The API lives under /api/v1 (docs/serve.md lists every endpoint), the dashboard at /,
the API's OpenAPI docs at /api/docs. Everything the dashboard and the docs need is
shipped in `static/`: no CDN, nothing fetched from the network.
"""

from __future__ import annotations

from pathlib import Path

from dateline.serve.app import SECURITY_HEADERS, create_app, is_loopback

__all__ = ["SECURITY_HEADERS", "bind_warning", "create_app", "is_loopback", "run_server"]


def bind_warning(host: str) -> str | None:
    """What to tell the user when `host` exposes the server beyond this machine."""
    if is_loopback(host):
        return None
    return (
        f"binding to {host}: the API and dashboard will be reachable from other machines, "
        "with no authentication; anyone who can reach the port can read every stored "
        "article and event. Bind to 127.0.0.1 (the default) unless that is what you want."
    )


def run_server(db_path: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the app with uvicorn until interrupted."""
    import uvicorn

    app = create_app(db_path)
    # Request lines and headers are bounded by uvicorn's h11 limits; query strings
    # and bodies by the app's own guard (see app.GuardMiddleware).
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
