"""Where Debian's Chromium is, and why browser tests cannot run when they cannot."""

import importlib.util
import os
import shutil


def chromium_path() -> str | None:
    """CHROMIUM if set, else `chromium` on the PATH (Debian's package: /usr/bin/chromium)."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("chromium")


def why_browser_tests_cannot_run() -> str | None:
    if chromium_path() is None:
        return (
            "browser tests skipped: Chromium is not installed "
            "(on Debian: apt-get install chromium; or set CHROMIUM to its path)"
        )
    if importlib.util.find_spec("playwright") is None:
        return "browser tests skipped: Playwright is not installed (pip install -e '.[dev]')"
    return None
