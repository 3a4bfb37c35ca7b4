"""A person at a browser: moves about by clicking and typing, and every page they reach is checked.

Each page must pass axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, have the structure every
page has (one h1, a title that starts with it, unique ids), and reflow at 320 CSS pixels wide
without scrolling sideways (WCAG 1.4.10).
"""

import os
import re
from functools import cache
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.pages import check_page_structure

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW = 320
SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = os.environ.get("DEMO_PASSWORD") or "demo-password-2026"

# One known exception, and only it: GOV.UK Frontend marks a radio or checkbox that reveals a
# conditional question with aria-expanded, which ARIA 1.2 does not list for those roles. The
# design system keeps it on purpose, because screen readers announce it (govuk-frontend issues
# 979 and 1280; w3c/aria issue 1404).
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  const conditionalReveal = (node) => {
    const el = document.querySelector(node.target.join(" "));
    const reveals = el && el.matches(
      ".govuk-radios__input[aria-controls], .govuk-checkboxes__input[aria-controls]");
    const problems = node.failureSummary.split("\\n").slice(1).map((line) => line.trim());
    const onlyExpanded = /^ARIA attribute is not allowed: aria-expanded="(true|false)"$/;
    return reveals && problems.every((problem) => onlyExpanded.test(problem));
  };
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes
      .filter((n) => !(v.id === "aria-allowed-attr" && conditionalReveal(n)))
      .map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  })).filter((v) => v.nodes.length);
}"""

# Elements that stick out past the right edge, other than inside a box that scrolls itself.
WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) =>
    ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(el).overflowX);
  // A scrolling box clips its descendants, except positioned ones placed outside it.
  const contained = (el) => {
    const positioned = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrolls(p) && (!positioned || p.contains(el.offsetParent))) return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    [...el.classList].map((c) => "." + c).join("");
  const culprits = [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !contained(el))
    .map(name);
  return {scrollWidth: document.documentElement.scrollWidth, culprits: culprits.slice(0, 8)};
}"""

# Whether the focused element shows that it has focus: GOV.UK Frontend draws a yellow outline
# or a yellow-and-black box shadow.
# Media query listeners run in a rendering update, before animation frame callbacks: two frames
# later they have all run.
AFTER_NEXT_RENDERING = """() => new Promise(done =>
  requestAnimationFrame(() => requestAnimationFrame(() => done(window.innerWidth))))"""

FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {visible: false, what: "nothing"};
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && !/rgba\\(.*, 0\\)$/.test(style.outlineColor) && style.outlineColor !== "transparent";
  const shadow = style.boxShadow !== "none";
  const what = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " +
    (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60);
  return {visible: outline || shadow, what};
}"""


@cache
def _axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci` (make install does)")
    return AXE.read_text()


def format_violations(violations: list[dict], where: str) -> str:
    lines = [f"axe-core found {len(violations)} WCAG A/AA violation(s) on {where}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['url']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


class Person:
    """One person in their own browser context."""

    def __init__(self, page: Page, *, javascript: bool = True):
        self.page = page
        self.javascript = javascript

    # Moving about

    def open(self, path: str) -> "Person":
        """Type an address into the address bar."""
        self.page.goto(path)
        return self.arrived()

    def click_link(self, name: str, *, within: Locator | None = None) -> "Person":
        """Follow the first link called `name` in the page's main part (or `within`)."""
        place = within or self.main
        return self._navigate(place.get_by_role("link", name=name, exact=True).first)

    def click_nav(self, name: str) -> "Person":
        """Follow a link in the service navigation at the top of every page."""
        nav = self.page.get_by_role("navigation", name="Menu")
        return self._navigate(nav.get_by_role("link", name=name, exact=True))

    def click_button(self, name: str) -> "Person":
        """Press a button, or a link that looks like one, and wait for the page it leads to."""
        return self._navigate(self.page.get_by_role("button", name=name, exact=True))

    def _navigate(self, target: Locator) -> "Person":
        with self.page.expect_navigation():
            target.click()
        return self.arrived()

    def arrived(self) -> "Person":
        """Wait for the page to load, then check it."""
        self.page.wait_for_load_state("load")
        self.check_page()
        return self

    # Filling in forms

    def fill(self, label: str, text: str) -> None:
        self.page.get_by_label(label, exact=True).fill(text)

    def choose(self, question: str, answer: str) -> None:
        """Click the radio button or checkbox labelled `answer` under the question `question`."""
        group = self.page.get_by_role("group", name=question, exact=True)
        group.get_by_label(answer, exact=True).check()

    def select(self, label: str, option: str) -> None:
        self.page.get_by_label(label, exact=True).select_option(label=option)

    def fill_date(self, question: str, day) -> None:
        group = self.page.get_by_role("group", name=question)
        group.get_by_label("Day", exact=True).fill(str(day.day))
        group.get_by_label("Month", exact=True).fill(str(day.month))
        group.get_by_label("Year", exact=True).fill(str(day.year))

    def sign_in(self, email: str) -> "Person":
        self.open("/sign-in")
        self.fill("Email address", email)
        self.fill("Password", PASSWORD)
        self.click_button("Sign in")
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()
        return self

    # Reading

    @property
    def heading(self) -> Locator:
        return self.page.locator("h1")

    @property
    def main(self) -> Locator:
        return self.page.locator("main")

    def error_summary(self) -> list[str]:
        """The error summary's messages; fails if there is none."""
        summary = self.page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
        expect(self.page).to_have_title(re.compile(r"^Error: "))
        return [" ".join(text.split()) for text in summary.locator("li").all_inner_texts()]

    def success_banner(self) -> str:
        banner = self.page.locator(".govuk-notification-banner--success")
        expect(banner).to_be_visible()
        return " ".join(banner.inner_text().split())

    # Checks on every page

    def check_page(self) -> None:
        where = f"{self.page.url} ({self.page.title()})"
        check_page_structure(self.page.content(), self.page.url)
        if self.javascript:
            # axe-core waits on timers, which do not run where JavaScript is switched off.
            self._check_axe(where)
        self._check_reflow(where)

    def _check_axe(self, where: str) -> None:
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(_axe_source())
        violations = self.page.evaluate(RUN_AXE, WCAG_TAGS)
        assert not violations, format_violations(violations, where)

    def _check_reflow(self, where: str) -> None:
        size = self.page.viewport_size
        self._resize({"width": NARROW, "height": size["height"]})
        try:
            layout = self.page.evaluate(WIDER_THAN_SCREEN)
        finally:
            self._resize(size)
        assert layout["scrollWidth"] <= NARROW, (
            f"{where} scrolls sideways at {NARROW} px wide (content {layout['scrollWidth']} px); "
            f"too wide: {', '.join(layout['culprits'])}"
        )

    def _resize(self, size: dict) -> None:
        """Change the window's size and wait until the page's scripts have seen the change.

        Components such as the service navigation hide and show parts of the page when a media
        query changes; the browser tells them at its next rendering update. Going on before then
        lets a Tab press land on a part that is hidden a moment later, leaving focus nowhere.
        """
        self.page.set_viewport_size(size)
        if self.javascript:
            self.page.evaluate(AFTER_NEXT_RENDERING)

    def focus_is_visible(self) -> str:
        """What has focus; fails unless it shows a visible focus indicator (WCAG 2.4.7)."""
        focus = self.page.evaluate(FOCUS_VISIBLE)
        assert focus["visible"], f"no visible focus indicator on {focus['what']} at {self.page.url}"
        return focus["what"]

    def screenshot(self, name: str, of: Locator | None = None, *, whole_page=True) -> None:
        """Write docs/screenshots/NAME.png, only when SCREENSHOTS=1 (`make screenshots`)."""
        if os.environ.get("SCREENSHOTS") != "1":
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        if of is not None:
            of.screenshot(path=path, animations="disabled")
        else:
            self.page.screenshot(path=path, full_page=whole_page, animations="disabled")
