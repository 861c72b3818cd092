"""Fixtures for the browser tests: the service served by uvicorn on a free port of
127.0.0.1 over a temporary SQLite store (:func:`web_desk_cases.build_desk`), and one headless
Chromium per module driven by Playwright.

Chromium is Debian's (``/usr/bin/chromium``; ``.ci/run`` installs it with apt): Playwright
launches it by path and downloads no browser.  Without Chromium or Playwright the tests
skip — except when the environment variable ``CI`` is set: then they fail.

``OUTSOURCING_SCREENSHOTS=docs/img`` keeps the screenshots the tests take as
``docs/img/service-*.png`` (``docs/service.md`` shows them); otherwise they go to a temporary
folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from web_desk_cases import PASSWORD, Desk, build_desk

SECRET = "browser-tests-secret-of-the-service-0123456789"


def _need(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required when CI is set (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


def chromium_path() -> str:
    """Debian's Chromium (``chromium`` or ``chromium-browser`` on the path)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        _need("Chromium (apt-get install chromium)")
    assert found is not None
    return found


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTSOURCING_ARGON2_PROFILE", "CHEAPEST")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Desk]]:
    """The base URL of the service over a fresh desk, served in a thread."""
    before = os.environ.get("OUTSOURCING_ARGON2_PROFILE")
    os.environ["OUTSOURCING_ARGON2_PROFILE"] = "CHEAPEST"
    import uvicorn

    from outsourcing.service import create_app
    from outsourcing.service.web.assets import common_font

    folder = tmp_path_factory.mktemp("served")
    desk = build_desk(f"sqlite:///{folder / 'desk.db'}")
    app = create_app(desk.store, secret=SECRET, secure_cookies=False)
    common_font()  # made once per process: made before the first page asks for it
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", desk
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        desk.store.close()
        if before is None:
            os.environ.pop("OUTSOURCING_ARGON2_PROFILE", None)
        else:
            os.environ["OUTSOURCING_ARGON2_PROFILE"] = before


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("Playwright (pip install playwright; the test extra)")
    path = chromium_path()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def shots(tmp_path: Path) -> Callable[[Any, str], Path]:
    """``shots(page, name)``: a full-page screenshot ``service-<name>.png`` (in
    ``$OUTSOURCING_SCREENSHOTS`` when set)."""
    folder = Path(os.environ.get("OUTSOURCING_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        out = folder / f"service-{name}.png"
        page.screenshot(path=str(out), full_page=True)
        return out

    return take


@pytest.fixture()
def person(browser: Any, served: tuple[str, Desk]) -> Iterator[Callable[[str], Any]]:
    """``person(login)``: a page of a new browser context, signed in as ``login``."""
    base, _ = served
    contexts: list[Any] = []

    def sign_in(login: str) -> Any:
        ctx = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN",
                                  base_url=base)
        contexts.append(ctx)
        page = ctx.new_page()
        page.goto("/signin")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/contracts")
        return page

    yield sign_in
    for ctx in contexts:
        ctx.close()
