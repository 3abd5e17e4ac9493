"""HTTP fetches for feeds and pages, with an SSRF guard.

Only http and https; every hop of a redirect is checked again; the host must resolve to
public addresses only (no loopback, private, link-local, multicast or reserved ranges)
unless `allow_private` is set; bodies over `max_bytes` and slow servers are cut off.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

USER_AGENT = "tocsin (+https://github.com/tocsin; conflict-event research)"


class FetchError(ValueError):
    """A URL that was refused or could not be fetched; the message says which and why."""


@dataclass(frozen=True, slots=True)
class FetchOptions:
    timeout: float = 15.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    allow_private: bool = False


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes


def check_url(url: str, opts: FetchOptions) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https URLs are fetched")
    host = parts.hostname
    if not host:
        raise FetchError(f"{url}: no host in URL")
    if opts.allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"{url}: cannot resolve {host} ({exc.strerror})") from None
    for info in infos:
        addr = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not addr.is_global or addr.is_multicast:
            raise FetchError(f"{url}: {host} resolves to non-public address {addr}; "
                             "use --allow-private to fetch from local networks")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # Redirects are followed by `fetch` itself, so that each hop passes `check_url`.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, opts: FetchOptions | None = None) -> Response:
    opts = opts or FetchOptions()
    for _ in range(opts.max_redirects + 1):
        check_url(url, opts)
        req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                   "Accept": "*/*"})
        try:
            with _opener.open(req, timeout=opts.timeout) as resp:
                body = resp.read(opts.max_bytes + 1)
                if len(body) > opts.max_bytes:
                    raise FetchError(f"{url}: response over the {opts.max_bytes:,}-byte limit")
                return Response(resp.geturl(), resp.status,
                                resp.headers.get("Content-Type", ""), body)
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location") if exc.code in (301, 302, 303, 307, 308) \
                else None
            if not location:
                raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
            url = urllib.parse.urljoin(url, location)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"{url}: cannot fetch ({reason})") from None
    raise FetchError(f"{url}: more than {opts.max_redirects} redirects")
