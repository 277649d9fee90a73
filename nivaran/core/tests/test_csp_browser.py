"""The Content-Security-Policy in a real Chromium: the API docs run under it, and the
watcher the browser journeys rely on does catch a refused inline script."""

from __future__ import annotations

import pytest

from nivaran.testing.browser import ARGS, CHROMIUM, DESKTOP, csp_violations


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.browser
def test_the_api_docs_work_under_the_policy(live_server, transactional_db, chromium):
    from playwright.sync_api import expect

    page = chromium.new_context(viewport=DESKTOP).new_page()
    csp = csp_violations(page)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(f"{live_server.url}/api/v1/docs/")
    # Swagger UI has fetched the schema and drawn the operations: its scripts ran.
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/grievances/").first
    ).to_be_visible()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Nivaran API")
    page.locator(".opblock-summary", has_text="/api/v1/categories/").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # the moved style
    assert not failed, failed
    assert not csp, csp


@pytest.mark.browser
def test_the_watcher_reports_an_inline_script_the_policy_refuses(
    live_server, transactional_db, chromium
):
    """An attacker's injected inline script: refused by the policy, and reported."""
    page = chromium.new_context(viewport=DESKTOP).new_page()
    csp = csp_violations(page)
    response = page.request.get(f"{live_server.url}/login/")
    policy = response.headers["content-security-policy"]
    injected = (
        "<!doctype html><p id=x>safe</p>"
        "<script>document.getElementById('x').textContent = 'pwned'</script>"
    )
    page.route(
        f"{live_server.url}/injected/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body=injected,
        ),
    )
    page.goto(f"{live_server.url}/injected/")
    page.wait_for_timeout(200)
    assert page.locator("#x").inner_text() == "safe"
    assert any("script-src" in line for line in csp), csp
