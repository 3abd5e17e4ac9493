"""Server settings: database, bind address, token, limits."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

TOKEN_ENV = "TOCSIN_API_TOKEN"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(slots=True)
class Settings:
    db: str = "tocsin.duckdb"
    host: str = "127.0.0.1"
    port: int = 8000
    # Write endpoints need this token; without one, writes are refused.
    token: str | None = None
    # Reads are open when the server listens on loopback only, or when this is set.
    open_reads: bool = False
    max_body: int = 5 * 1024 * 1024      # JSON and uploads, bytes
    cors_origins: list[str] = field(default_factory=list)  # empty: CORS off
    allow_private: bool = False          # URL ingest may not reach private addresses

    @classmethod
    def from_env(cls, **kwargs: object) -> Settings:
        s = cls(**kwargs)  # type: ignore[arg-type]
        if s.token is None:
            s.token = os.environ.get(TOKEN_ENV) or None
        return s

    @property
    def reads_need_token(self) -> bool:
        return not (self.open_reads or is_loopback(self.host))
