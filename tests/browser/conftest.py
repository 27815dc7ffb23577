"""Real-browser tests: the app served on 127.0.0.1 against the test database, driven by Debian's Chromium.

Fixtures for every browser test:
- `live_server`: the base URL of the app (werkzeug, threaded) on a free port, using the `app` fixture's
  database: create the data with the usual factories and commit before the browser asks for it.
- `browser`: headless Chromium from /usr/bin/chromium (never a downloaded browser). Without it the tests
  skip, except under CI=true, where they fail.
- `page`: a fresh browser context (1280×900, Vietnamese, downloads accepted) on `live_server`;
  `page.errors` collects console errors and CSP violations.
- `screenshot(name)`: saves a full-page PNG to test-artifacts/screenshots/<test>/<nn>-<name>.png.
- `browser_sign_in(page, login)`: logs in through the login form; `fits_width(page)` checks for
  sideways scrolling (use it at 360 px).
"""

import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import PASSWORD, ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 780}
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder `browser` (run alone with -m browser, or leave out with -m 'not browser')."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian's package (skip without it, fail under CI=true)."""
    if not CHROMIUM.exists():
        _unavailable("no /usr/bin/chromium (apt-get install chromium); the browser tests need Debian's Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on 127.0.0.1:<free port> in a thread; return its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A new browser context and page on the live server; `page.errors` lists console errors."""
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()


@pytest.fixture
def screenshot(page: Any, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """Return shot(name): save a full-page screenshot of the current page, numbered in step order."""
    folder = SCREENSHOTS / _slug(request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    steps = iter(range(1, 1000))

    def shot(name: str) -> Path:
        path = folder / f"{next(steps):02d}-{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shot


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text)


def browser_sign_in(page: Any, login: str, password: str = PASSWORD) -> None:
    """Log in through the login form (and the second factor: a real code of the account's secret, or its
    set-up from the key the page shows) and wait for the page it leads to."""
    import pyotp

    from tests.conftest import totp_code

    page.goto("/auth/login")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    if page.url.endswith("/auth/two-factor"):
        page.fill('input[name="code"]', totp_code(login))
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_load_state()
    elif page.url.endswith("/auth/two-factor/setup"):
        secret = page.locator("code").first.inner_text().replace(" ", "")
        page.fill('input[name="code"]', pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Bật xác thực hai bước").click()
        page.get_by_role("link", name="Tôi đã cất các mã, tiếp tục").click()
        page.wait_for_load_state()
    assert "/auth/login" not in page.url and "/auth/two-factor" not in page.url, "login failed"


def fits_width(page: Any) -> bool:
    """Return True when the page does not scroll sideways at the current viewport width."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
