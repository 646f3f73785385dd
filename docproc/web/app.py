"""``docproc serve``: a local web page to upload files, see and correct the task table, and download it.

The app is a list of routers, one module each (``ROUTER_MODULES``):

- ``upload_routes``  ``GET /`` upload form and recent uploads; ``POST /upload`` files, folders, zip archives
  → ``/jobs/{id}``, which follows every file to done or failed and offers one combined Excel;
- ``doc_routes``     ``GET /doc/{id}`` the result; ``POST /api/doc/{id}/corrections`` validated corrections;
  ``GET /doc/{id}/download/{xlsx|csv|corrections.csv|md|json}`` corrections applied and marked;
- ``check_routes``   ``POST /check`` a report against its plan: the goal table;
- ``archive_routes`` ``GET /archive…`` the batch store given to ``--store``: tasks, documents, findings;
- ``ledger_routes``  ``GET /ledger…`` the supervision ledger (督办台账) of that store.

Routes share one ``state.WebState`` (settings, upload store, worker runner, jobs, page renderer).

Every request passes ``security.guard_request`` (Host, token, session, same-origin writes). No path from
the client is used as a file path: uploads are bytes in SQLite, the store is the one on the command line.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib import import_module

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .security import guard_request, is_loopback
from .state import HERE, Settings, WebState

# Each module here has a ``router`` (fastapi.APIRouter); a new page is one more line.
ROUTER_MODULES = (
    "upload_routes",
    "doc_routes",
    "check_routes",
    "archive_routes",
    "ledger_routes",
)


_FRAMEWORK = {"Not Found": "没有这个页面", "Method Not Allowed": "不支持这种请求方式"}


class TokenRequired(ValueError):
    """Binding beyond loopback without a token would serve every upload to the whole network."""


def _errors(app: FastAPI) -> None:
    """Refusals as a Chinese page (or JSON under /api/), never a traceback."""

    @app.exception_handler(StarletteHTTPException)  # the framework's own 404/405 as well as ours
    async def _http_error(request: Request, exc: StarletteHTTPException):
        detail = _FRAMEWORK.get(str(exc.detail), str(exc.detail))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": detail}, status_code=exc.status_code)
        return request.app.state.web.error(request, detail, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _bad_form(request: Request, exc: RequestValidationError):
        fields = "、".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        return await _http_error(request, HTTPException(400, f"提交内容不完整或格式不对({fields})"))


def create_app(settings: Settings) -> FastAPI:
    if not is_loopback(settings.host) and not settings.token:
        raise TokenRequired(f"listening on {settings.host} needs a token (--token)")
    state = WebState(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        state.close()

    app = FastAPI(title="docproc", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.web = state
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def _guard(request: Request, call_next):
        return await guard_request(state.guard, request, call_next)

    _errors(app)
    for name in ROUTER_MODULES:
        app.include_router(import_module(f"{__package__}.{name}").router)
    return app


def _check_port(host: str, port: int) -> None:
    """Raise OSError (address in use, no such address) before uvicorn would log it and exit."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def serve(settings: Settings) -> None:
    import uvicorn

    _check_port(settings.host, settings.port)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


__all__ = ["ROUTER_MODULES", "Settings", "TokenRequired", "create_app", "serve"]
