"""Every page passes axe-core without serious or critical violations, has its language set,
and works with the keyboard (skip link first, visible focus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import Browsing

pytestmark = pytest.mark.slow
AXE = Path(__file__).parent / "assets" / "axe.min.js"
PAGES = ["/start", "/katalog", "/datensatz/{sales}", "/datenschutz", "/reifegrad",
         "/anwendungsfaelle", "/versuche/neu?usecase=sales-forecast", "/versuche",
         "/gemeinsam-lernen", "/bericht",
         "/geteilt"]


def violations(browsing: Browsing) -> list[str]:
    page = browsing.page
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' '))
            .slice(0, 3).join(', '));
    }""")
    return found


def test_every_page_has_no_serious_accessibility_violations(browsing: Browsing) -> None:
    page, base = browsing.page, browsing.server.base
    page.goto(base + "/katalog?q=erp_umsatz_2021")
    sales = page.locator("#datasets a").first.get_attribute("href").rsplit("/", 1)[-1]
    found = {}
    for path in PAGES:
        page.goto(base + path.format(sales=sales))
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.locator("h1").count() == 1
        problems = violations(browsing)
        if problems:
            found[path] = problems
    assert not found, found


def test_keyboard_reaches_the_content_first_and_focus_is_visible(browsing: Browsing) -> None:
    page = browsing.page
    page.goto(browsing.server.base + "/start")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement;
        const s = getComputedStyle(e); return [e.id || e.name || e.tagName, s.outlineStyle,
        s.outlineWidth]; }""")
    assert focused[0] == "folder", focused
    assert focused[1] != "none" and focused[2] != "0px", focused
