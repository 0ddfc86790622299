"""axe-core accessibility scan for browser tests.

axe_playwright_python bundles axe.min.js (axe-core 4.x) and injects it with
``page.evaluate``; nothing is downloaded. Injection goes through the DevTools
protocol, so the portal's CSP (no inline scripts) does not block it.
"""

from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
MAX_TARGETS_SHOWN = 3

_axe = Axe()  # reads the bundled script once


def accessibility_violations(page) -> list[dict]:
    """Violations of WCAG 2.1 A/AA rules with impact "serious" or "critical"."""
    options = {
        "runOnly": {"type": "tag", "values": WCAG_21_AA_TAGS},
        "resultTypes": ["violations"],
    }
    results = _axe.run(page, options=options)
    return [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        shown = ", ".join(targets[:MAX_TARGETS_SHOWN])
        more = (
            f" (+{len(targets) - MAX_TARGETS_SHOWN} more)"
            if len(targets) > MAX_TARGETS_SHOWN
            else ""
        )
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} — {shown}{more}"
        )
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail listing every serious or critical WCAG 2.1 A/AA violation on the current page."""
    violations = accessibility_violations(page)
    assert not violations, (
        f"axe found {len(violations)} serious/critical accessibility violation(s) on "
        f"{page.url}:\n{format_violations(violations)}"
    )
