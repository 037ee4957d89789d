"""`kg new URL`: the one place anything is fetched, with a size limit, a time limit, at most a
few redirects and none to another scheme (an https address never continues over http)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kg.errors import InputError
from kg.ingest.formats import MAX_ANY, mebibytes

TIMEOUT = 30.0  # seconds for the whole fetch
LIMIT = MAX_ANY  # bytes
MAX_REDIRECTS = 5
USER_AGENT = "scs-kg (kg new)"


@dataclass
class Fetched:
    """What an address answered: its bytes, its final address and its media type."""

    url: str
    final_url: str
    data: bytes
    media_type: str


def is_address(value: str) -> bool:
    """Whether a `kg new` argument is a web address rather than a file."""
    return "://" in value and urlsplit(value).scheme.lower() in ("http", "https")


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow at most MAX_REDIRECTS redirects, each to the scheme of the address asked for."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, scheme: str) -> None:
        self.scheme = scheme

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        """Refuse a redirect to another scheme; otherwise redirect as urllib does."""
        scheme = urlsplit(newurl).scheme.lower()
        if scheme != self.scheme:
            raise InputError(
                f"{req.full_url}: redirected to {scheme or 'a relative'} address {newurl!r}: "
                f"refused (only {self.scheme} redirects are followed)"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, limit: int | None = None, timeout: float | None = None) -> Fetched:
    """Fetch an http(s) address within the limits, or raise InputError naming it."""
    limit = LIMIT if limit is None else limit
    timeout = TIMEOUT if timeout is None else timeout
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise InputError(f"{url}: only http and https addresses are fetched")
    opener = urllib.request.build_opener(_Redirects(scheme))
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    )
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=min(timeout, 10.0)) as response:
            encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                raise InputError(f"{url}: the answer is {encoding}-compressed: refused")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise InputError(
                    f"{url}: {mebibytes(int(length))}, larger than the limit of {mebibytes(limit)}"
                )
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise InputError(f"{url}: not fetched within {timeout:g} s")
                chunk = response.read1(65536)  # what has come, not a full 64 KiB
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise InputError(f"{url}: larger than the limit of {mebibytes(limit)}")
                chunks.append(chunk)
            final = response.geturl()
            media = response.headers.get_content_type()
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise InputError(f"{url}: not fetched: {exc.reason}") from None
    except TimeoutError:
        raise InputError(f"{url}: not fetched within {timeout:g} s") from None
    except OSError as exc:
        raise InputError(f"{url}: not fetched: {exc.strerror or exc}") from None
    return Fetched(url, final, b"".join(chunks), media)
