"""The project's one HTTP client and its safety rules, for endpoints and model servers.

Every request has a total deadline (60 s unless `--timeout`), even against a server that
trickles its answer, and a size limit on the answer (256 MiB unless `--max-response` or
`KG_MAX_RESPONSE`), even against a server that never ends it. `kg sparql --endpoint`,
`kg query --endpoint`, `kg push` and `kg draft --model-endpoint` share it (`http`), so
whatever a server sends (a bad status line, endless headers, a bad chunk) is one line in every
command. Credentials come from the environment, go only to the endpoint's own origin, and a
URL carrying them is refused; a redirect that would turn the POST or PUT into a GET is an error.
"""

from __future__ import annotations

import base64
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.client import HTTPException, IncompleteRead
from typing import Any, TypeVar

from kg.engines.timeout import check_timeout
from kg.errors import EndpointError, InputError

DEFAULT_DEADLINE = 60.0  # seconds for one whole request when no --timeout is given


DEFAULT_MAX_RESPONSE = 256 << 20  # bytes of one answer when neither option nor variable says


MAX_RESPONSE_VARIABLE = "KG_MAX_RESPONSE"


_SIZE = re.compile(r"(\d{1,15})\s*([kmg]?)(?:i?b)?", re.IGNORECASE)


MAX_REDIRECTS = 5


T = TypeVar("T")


def redact(url: str) -> str:
    """Return the URL with any password in it replaced by `***`, for messages."""
    return re.sub(r"^([A-Za-z][\w+.-]*://[^/@:]*):[^@?#]*@", r"\1:***@", url)


def check_url(url: str, option: str = "--endpoint") -> str:
    """Return the URL if it is http(s) without credentials in it; else a one-line InputError."""
    if not re.match(r"^https?://", url, flags=re.IGNORECASE):
        raise InputError(f"{option} {redact(url)!r}: want an http:// or https:// URL")
    if redact(url) != url or re.match(r"^[^:]+://[^/?#]*@", url):
        raise InputError(
            f"{option} {redact(url)!r}: credentials in a URL are not used (they end up in "
            "shell history and logs); give KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError on a non-numeric port
    except ValueError:
        raise InputError(f"{option} {redact(url)!r}: not a valid host and port") from None
    if not parts.hostname:
        raise InputError(f"{option} {redact(url)!r}: no host")
    return url


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    default = 443 if parts.scheme.lower() == "https" else 80
    return (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default)


def parse_size(text: str, option: str = "--max-response") -> int:
    """Bytes from text such as `1048576`, `512K`, `256M`, `1GiB`; else a one-line InputError."""
    m = _SIZE.fullmatch(text.strip())
    if not m or int(m.group(1)) <= 0:
        raise InputError(
            f"{option} {text!r}: want a positive number of bytes (suffix K, M or G allowed)"
        )
    return int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2).lower()]


def max_response(limit: int | str | None = None) -> int:
    """The most bytes one answer may have: `limit`, else $KG_MAX_RESPONSE, else 256 MiB."""
    if isinstance(limit, int):
        if limit <= 0:
            raise InputError(f"--max-response {limit}: want a positive number of bytes")
        return limit
    if limit is not None:
        return parse_size(limit)
    value = os.environ.get(MAX_RESPONSE_VARIABLE)
    if value:
        return parse_size(value, MAX_RESPONSE_VARIABLE)
    return DEFAULT_MAX_RESPONSE


class ResponseTooLarge(OSError):
    """An answer longer than the size limit (turned into one EndpointError line)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand every redirect back to `http`, which decides what may follow it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        """Follow nothing here."""
        return None


def _opener(url: str, with_credentials: bool) -> urllib.request.OpenerDirector:
    """An opener that follows no redirect, with digest credentials for this URL if asked."""
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    user = os.environ.get("KG_ENDPOINT_USER")
    if with_credentials and user and _auth() == "digest":
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, url, user, os.environ.get("KG_ENDPOINT_PASSWORD", ""))
        handlers.append(urllib.request.HTTPDigestAuthHandler(mgr))
    return urllib.request.build_opener(*handlers)


def _auth() -> str:
    return os.environ.get("KG_ENDPOINT_AUTH", "basic").lower()


def _within(seconds: float, what: str, func: Callable[[], T]) -> T:
    """Run `func` in a thread and give up after `seconds`, whatever the server does."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["ok"] = func()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=work, name="kg-http", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise EndpointError(
            f"{what}: no complete answer within {seconds:g} s (every request has this "
            "deadline; --timeout sets it)"
        )
    if "error" in box:
        raise box["error"]
    return box["ok"]


def _send(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    deadline: float,
    with_credentials: bool,
    limit: int,
) -> tuple[bytes, str]:
    """One exchange, the body read in pieces until it ends, the deadline passes or it grows
    over `limit` bytes."""
    req = urllib.request.Request(url, data=body, method=method)
    for name, value in headers.items():
        req.add_header(name, value)
    user = os.environ.get("KG_ENDPOINT_USER")
    if with_credentials and user and _auth() != "digest":
        token = f"{user}:{os.environ.get('KG_ENDPOINT_PASSWORD', '')}".encode()
        req.add_header("Authorization", "Basic " + base64.b64encode(token).decode("ascii"))
    remaining = max(deadline - time.monotonic(), 0.001)
    with _opener(url, with_credentials).open(req, timeout=remaining) as resp:
        chunks = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("deadline passed")
            chunk = resp.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(limit)
            chunks.append(chunk)
        return b"".join(chunks), resp.headers.get("Content-Type", "")


def http(
    method: str,
    url: str,
    body: bytes | None,
    content_type: str,
    accept: str,
    timeout: float | None = None,
    limit: int | str | None = None,
    *,
    credentials: bool = True,
) -> tuple[bytes, str]:
    """Send one request; return the body and content type, or raise a one-line EndpointError.

    The whole exchange, redirects included, ends within `timeout` seconds (60 by default);
    an answer over `limit` bytes (see `max_response`) is an error, read no further.
    A 307/308 redirect is followed with the same method and body, with credentials only to
    the original origin; a 301/302/303 (which turns a POST or PUT into a GET) is an error.
    With `credentials` false (a server that is not the SPARQL endpoint) none are ever sent.
    """
    check_url(url)
    seconds = check_timeout(timeout) or DEFAULT_DEADLINE
    most = max_response(limit)
    deadline = time.monotonic() + seconds
    headers = {"Content-Type": content_type, "Accept": accept}
    origin = _origin(url)

    def exchange() -> tuple[bytes, str]:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                same = credentials and _origin(current) == origin
                return _send(method, current, body, headers, deadline, same, most)
            except urllib.error.HTTPError as exc:
                target = _redirect(exc, method, current)
                if target is None:
                    raise _http_error(exc, current) from None
                current = target
            except ResponseTooLarge:
                raise EndpointError(
                    f"{redact(current)}: answer over the size limit of {most:,} bytes, read no "
                    f"further (--max-response or {MAX_RESPONSE_VARIABLE} sets it)"
                ) from None
            except HTTPException as exc:  # what the server sent is not HTTP
                raise EndpointError(
                    f"{redact(current)}: not a valid HTTP answer ({_what(exc)})"
                ) from None
            except (urllib.error.URLError, OSError, ValueError) as exc:
                reason = getattr(exc, "reason", exc)
                if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
                    raise EndpointError(
                        f"{redact(current)}: no complete answer within {seconds:g} s (every "
                        "request has this deadline; --timeout sets it)"
                    ) from None
                raise EndpointError(f"{redact(current)}: endpoint unreachable ({reason})") from None
        raise EndpointError(f"{redact(url)}: more than {MAX_REDIRECTS} redirects")

    return _within(seconds, redact(url), exchange)


def _what(exc: HTTPException) -> str:
    """What was wrong with an HTTP answer, in a few words (never the server's whole line)."""
    names = {
        "BadStatusLine": "bad status line",
        "LineTooLong": "a line too long",
        "IncompleteRead": "the body ended early or a chunk is malformed",
        "RemoteDisconnected": "the server closed the connection without answering",
    }
    said = names.get(type(exc).__name__)
    detail = "" if isinstance(exc, IncompleteRead) else first_line(exc)[:80]
    if said is None:
        return detail or type(exc).__name__
    return f"{said}: {detail!r}" if detail and detail != type(exc).__name__ else said


def _redirect(exc: urllib.error.HTTPError, method: str, current: str) -> str | None:
    """The URL a 307/308 redirect points to; an error for one that would change the method."""
    if exc.code not in (301, 302, 303, 307, 308):
        return None
    location = exc.headers.get("Location")
    exc.close()
    if not location:
        raise EndpointError(f"{redact(current)}: HTTP {exc.code} redirect without a Location")
    target = urllib.parse.urljoin(current, location)
    if exc.code in (301, 302, 303):
        raise EndpointError(
            f"{redact(current)}: HTTP {exc.code} redirect to {redact(target)} would turn the "
            f"{method} into a GET: refused (give the URL it points to)"
        )
    if not re.match(r"^https?://", target, flags=re.IGNORECASE):
        raise EndpointError(f"{redact(current)}: redirect to a non-HTTP URL {redact(target)}")
    return target


def _http_error(exc: urllib.error.HTTPError, url: str) -> Exception:
    try:
        detail = exc.read(4096).decode("utf-8", "replace").strip().splitlines()
    except OSError:
        detail = []
    exc.close()
    why = f": {detail[0][:200]}" if detail else ""
    if exc.code == 400 and why:
        return InputError(f"{redact(url)}: HTTP 400{why}")
    return EndpointError(f"{redact(url)}: HTTP {exc.code} {exc.reason}{why}")


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (at most 200 characters), else its type's name."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
