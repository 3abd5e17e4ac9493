"""`make test` and the browser tests: a missing Chromium is installed or fails loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TOCSIN_SKIP_BROWSER"}
    env.update(extra)
    return env


def test_missing_browser_fails_the_ui_tests_with_what_to_run(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-chromium")
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(ROOT / "tests" / "test_server_ui.py"), "-k", "dashboard"],
                         env=_env(TOCSIN_CHROMIUM=missing), capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert res.returncode == 1, res.stdout[-2000:]
    assert "install_chromium.sh" in res.stdout and " skipped" not in res.stdout
    # Asked for explicitly, the skip is allowed (and reported as a skip).
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(ROOT / "tests" / "test_server_ui.py"), "-k", "dashboard"],
                         env=_env(TOCSIN_CHROMIUM=missing, TOCSIN_SKIP_BROWSER="1"),
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 0 and "1 skipped" in res.stdout, res.stdout[-2000:]


def test_make_test_installs_the_browser_before_pytest() -> None:
    res = subprocess.run(["make", "-n", "test", "VENV=/nonexistent-venv"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    lines = res.stdout.splitlines()
    install = [i for i, x in enumerate(lines) if "scripts/install_chromium.sh" in x]
    pytest_run = [i for i, x in enumerate(lines) if "bin/pytest" in x]
    assert install and pytest_run and install[0] < pytest_run[0], res.stdout


def test_install_script_without_root_or_sudo_says_what_to_do(tmp_path: Path) -> None:
    # A PATH with `id` answering a non-root uid and no sudo: the script cannot install.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_dir / "apt-get").write_text("#!/bin/sh\nexit 0\n")
    for f in bin_dir.iterdir():
        f.chmod(0o755)
    res = subprocess.run(["/bin/bash", str(ROOT / "scripts" / "install_chromium.sh")],
                         env={"PATH": str(bin_dir), "TOCSIN_CHROMIUM": str(tmp_path / "none")},
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    assert "not root and no sudo" in res.stderr and "apt-get install chromium" in res.stderr
