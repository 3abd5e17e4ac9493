"""The README's and docs/*.md's Python examples run as tests (sybil): an example that
drifts from what tocsin does fails `make test`. Each document runs in its own temporary
directory, so examples that write a store leave nothing behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from pathlib import Path
from typing import Any

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

REPO = Path(__file__).resolve().parent


def _setup(namespace: dict[str, Any]) -> None:
    os.environ.setdefault("TOCSIN_CACHE", str(Path.home() / ".cache" / "tocsin-test"))
    namespace["_cwd"] = os.getcwd()
    namespace["_tmp"] = tempfile.mkdtemp(prefix="tocsin-docs-")
    os.chdir(namespace["_tmp"])
    namespace["REPO"] = REPO  # examples that read a bundled file name it from here


def _teardown(namespace: dict[str, Any]) -> None:
    os.chdir(namespace["_cwd"])
    shutil.rmtree(namespace["_tmp"], ignore_errors=True)


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
             SkipParser()],
    patterns=["README.md", "docs/*.md"],
    setup=_setup,
    teardown=_teardown,
).pytest()
