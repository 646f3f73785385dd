"""Who may talk to the page, and which writes are the page's own.

Checked for every request, in this order:

1. **Host** must name the address the server was bound to (loopback names for 127.0.0.1; the machine's
   name or any IP address for 0.0.0.0) or a name given with ``--allowed-host``: a page on another site
   that re-points its own name at this machine (DNS rebinding) is refused.
2. **Token**: when one is set (always when bound beyond loopback) it must come as the
   ``X-Docproc-Token`` header, ``Authorization: Bearer``, or the ``docproc_token`` cookie; opening
   ``/?token=…`` once sets the cookie.
3. **Session**: a random ``docproc_session`` cookie names the browser; uploads belong to it.
4. **Writes** (POST and the like) must carry an ``Origin`` (or ``Referer``) of this very site, or the
   session's CSRF token (``X-CSRF-Token`` header or ``?csrf=``); JSON endpoints take JSON only.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

SESSION_COOKIE = "docproc_session"
TOKEN_COOKIE = "docproc_token"
TOKEN_HEADER = "x-docproc-token"
CSRF_HEADER = "x-csrf-token"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def _split_host(value: str) -> tuple[str, str | None]:
    """'example.org:8000' → ('example.org', '8000'); '[::1]:80' → ('::1', '80')."""
    parts = urlsplit("//" + value)
    try:
        port = str(parts.port) if parts.port is not None else None
    except ValueError:
        return value, "invalid"
    return (parts.hostname or "").lower(), port


@dataclass
class Guard:
    """The rules of one server: its address, the extra host names, the token and the CSRF secret."""

    host: str
    port: int
    allowed_hosts: tuple[str, ...] = ()
    token: str | None = None
    secret: bytes = b""

    def __post_init__(self) -> None:
        self.secret = self.secret or secrets.token_bytes(32)
        names = {self.host.lower()}
        if is_loopback(self.host):
            names.update(_LOOPBACK_NAMES)
        if self.host in ("0.0.0.0", "::", ""):
            names.update({socket.gethostname().lower(), socket.getfqdn().lower()})
        self.names = names
        self.extra = {h.lower() for h in self.allowed_hosts}

    # --- 1. Host ----------------------------------------------------------------------------------
    def host_ok(self, header: str) -> bool:
        name, port = _split_host(header)
        if port == "invalid" or not name:
            return False
        if header.lower() in self.extra or name in self.extra:
            return True
        if port is not None and port != str(self.port):
            return False
        if name in self.names:
            return True
        return self.host in ("0.0.0.0", "::") and _is_ip(name)  # an IP address cannot be rebound

    # --- 2. token ---------------------------------------------------------------------------------
    def token_of(self, request: Request) -> str | None:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return request.headers.get(TOKEN_HEADER) or request.cookies.get(TOKEN_COOKIE)

    def token_ok(self, given: str | None) -> bool:
        return self.token is None or (given is not None and hmac.compare_digest(given.encode(), self.token.encode()))

    # --- 4. writes --------------------------------------------------------------------------------
    def csrf(self, session: str) -> str:
        return hmac.new(self.secret, session.encode(), hashlib.sha256).hexdigest()[:32]

    def same_origin(self, request: Request) -> bool | None:
        """True/False when the browser said where the request comes from, None when it said nothing."""
        origin = request.headers.get("origin") or request.headers.get("referer")
        if not origin:
            return None
        parts = urlsplit(origin)
        host = request.headers.get("host", "")
        return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()

    def write_ok(self, request: Request, session: str) -> bool:
        same = self.same_origin(request)
        if same is not None:
            return same
        given = request.headers.get(CSRF_HEADER) or request.query_params.get("csrf")
        return given is not None and hmac.compare_digest(given, self.csrf(session))


def refuse(request: Request, status: int, message: str) -> Response:
    """A refusal in the shape the client reads: JSON for /api, a short Chinese page otherwise."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    body = ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>无法访问 · docproc</title>"
            f"<body><h1>无法访问</h1><p id=\"message\">{_escape(message)}</p>{_login_form() if status == 401 else ''}"
            "</body></html>")
    return Response(body, status_code=status, media_type="text/html; charset=utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _login_form() -> str:
    return ("<form method=\"get\" action=\"/\"><label>访问口令 <input name=\"token\" type=\"password\" required>"
            "</label> <button type=\"submit\">进入</button></form>")


def _with_session(response: Response, session: str, new: bool) -> Response:
    if new:
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax", max_age=90 * 24 * 3600)
    return response


async def guard_request(guard: Guard, request: Request, call_next) -> Response:
    """The middleware body: Host, token, session, then the rules for writes."""
    if not guard.host_ok(request.headers.get("host", "")):
        return refuse(request, 400, "访问地址(Host)不被接受;如需用这个名称访问,请用 --allowed-host 启动服务")
    session = request.cookies.get(SESSION_COOKIE) or ""
    new = len(session) < 20
    session = secrets.token_urlsafe(24) if new else session
    query_token = request.query_params.get("token")
    if guard.token is not None and request.method == "GET" and query_token is not None:
        if not guard.token_ok(query_token):
            return refuse(request, 401, "访问口令不正确")
        response = RedirectResponse(request.url.remove_query_params("token").path or "/", status_code=303)
        response.set_cookie(TOKEN_COOKIE, query_token, httponly=True, samesite="lax", max_age=30 * 24 * 3600)
        return _with_session(response, session, new)
    if not guard.token_ok(guard.token_of(request)):
        return refuse(request, 401, "需要访问口令:请打开服务启动时显示的链接,或输入口令")
    request.state.session = session
    request.state.csrf = guard.csrf(session)
    if request.method in _UNSAFE:
        if not guard.write_ok(request, session):
            return refuse(request, 403, "拒绝来自其他网站或缺少校验码的提交")
        if request.url.path.startswith("/api/") and \
                request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return refuse(request, 415, "只接受 JSON 格式的提交")
    return _with_session(await call_next(request), session, new)
