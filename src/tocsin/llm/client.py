"""One OpenAI-compatible /v1/chat/completions endpoint, with replies cached on disk.

Both LLM coders (the whole-document one and the one at the events decision seam) ask
through this client, so a rerun over the same documents makes no request.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class LLMConfigError(ValueError):
    """The LLM coder was asked for but is not configured (no TOCSIN_LLM_URL)."""


class LLMError(RuntimeError):
    """A request failed or the reply could not be read; becomes the document's InputError."""


def cache_root() -> Path:
    env = os.environ.get("TOCSIN_CACHE")
    return (Path(env).expanduser() if env else Path.home() / ".cache" / "tocsin") / "llm"


class ChatClient:
    """Sends chat messages, reads the reply's message, caches replies that parse."""

    def __init__(self, url: str | None = None, model: str | None = None,
                 api_key: str | None = None, timeout: float | None = None,
                 cache_dir: Path | None = None) -> None:
        url = url or os.environ.get("TOCSIN_LLM_URL")
        if not url:
            raise LLMConfigError("the llm coder needs a server: set TOCSIN_LLM_URL to an "
                                 "OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1")
        self.url = url.rstrip("/")
        self.model = model or os.environ.get("TOCSIN_LLM_MODEL") or "default"
        self.api_key = api_key or os.environ.get("TOCSIN_LLM_API_KEY") or None
        self.timeout = timeout or float(os.environ.get("TOCSIN_LLM_TIMEOUT") or 120)
        self.cache_dir = cache_dir or cache_root()

    def key(self, *parts: Any) -> str:
        """The cache key of a question: the model and whatever decides the answer."""
        raw = json.dumps([self.model, *parts])
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def request(self, messages: list[dict[str, str]]) -> str:
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {"model": self.model, "messages": messages, "temperature": 0}
        try:
            r = httpx.post(f"{self.url}/chat/completions", json=body, headers=headers,
                           timeout=self.timeout)
            r.raise_for_status()
            content = r.json()["choices"][0]["message"]["content"]
        except httpx.HTTPError as exc:
            raise LLMError(f"llm request to {self.url} failed: {type(exc).__name__}: "
                           f"{exc}") from None
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMError(f"llm server at {self.url} sent no chat-completions "
                           "message") from None
        if not isinstance(content, str):
            raise LLMError(f"llm server at {self.url} sent an empty message")
        return content

    def ask(self, key: str, messages: list[dict[str, str]], parse: Callable[[str], T],
            version: str) -> T:
        """The parsed reply: from the disk cache, else from the server. Only replies that
        parse are cached, so a glitch is retried on the next run."""
        path = self.cache_dir / f"{key}.json"
        if path.exists():
            try:
                return parse(json.loads(path.read_text(encoding="utf-8"))["content"])
            except (ValueError, KeyError, OSError):
                pass  # a damaged cache entry: ask again
        content = self.request(messages)
        try:
            obj = parse(content)
        except ValueError as exc:
            raise LLMError(f"llm reply unusable: {exc}") from None
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"model": self.model, "prompt_version": version,
                                   "content": content}, ensure_ascii=False),
                       encoding="utf-8")
        tmp.replace(path)
        return obj
