"""The agent's desk, the results page and the admin's lead import, in Chromium against a real daphne."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from tests.chat.live import REPO, Daphne, migrate, server_environment

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "campaigns"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def server(tmp_path):
    database = tmp_path / "live.sqlite3"
    migrate(database)
    env = server_environment(database)
    done = subprocess.run(
        [sys.executable, str(REPO / "tests" / "campaigns" / "live_setup.py")],
        cwd=REPO,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    people = json.loads(done.stdout.strip().splitlines()[-1])
    daphne = Daphne(env, tmp_path, "campaigns").start()
    try:
        yield daphne, people
    finally:
        daphne.stop()


def test_an_agent_calls_a_lead_and_the_back_office_reads_results_and_imports(server, tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    daphne, people = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
            context.add_cookies([{"name": "sessionid", "value": people["agent"], "url": daphne.http}])
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))

            page.goto(f"{daphne.http}/staff/campaigns/")
            page.screenshot(path=ARTIFACTS / "1-campaigns.png", full_page=True)
            page.get_by_role("link", name="Start calling").or_(page.get_by_role("link", name="Начать звонки")).click()
            page.locator("#next-lead").click()
            page.wait_for_selector("#lead-card")
            assert page.locator("#lead-phone").inner_text().startswith("+7")
            assert page.locator("#products li").count() == 2
            page.screenshot(path=ARTIFACTS / "2-lead.png", full_page=True)

            # The whole call fits a 1366×768 screen: lead, local time, script, outcome buttons, note, call-back time.
            page.set_viewport_size({"width": 1366, "height": 768})
            for part in ("#lead-card", "#lead-local-time", "#call-script", "#outcome-form .outcome-buttons",
                         "textarea[name=note]", "input[name=callback_at]"):  # fmt: skip
                box = page.locator(part).bounding_box()
                assert box is not None and box["y"] + box["height"] <= 768, f"{part} is below the fold: {box}"
            assert page.evaluate("document.documentElement.scrollWidth") <= 1366
            page.screenshot(path=ARTIFACTS / "2-lead-1366x768.png")
            page.set_viewport_size({"width": 390, "height": 844})
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, "wider than a phone"
            page.screenshot(path=ARTIFACTS / "2-lead-phone.png", full_page=True)
            page.set_viewport_size({"width": 1366, "height": 768})
            playwright_api.expect(page.locator("#call-timer")).not_to_have_text("0:00", timeout=5000)

            tomorrow_noon = (dt.datetime.now() + dt.timedelta(days=1)).replace(hour=12, minute=0)
            page.locator("input[name=callback_at]").fill(tomorrow_noon.strftime("%Y-%m-%dT%H:%M"))
            page.locator("textarea[name=note]").fill("Просил перезвонить завтра")
            page.locator("body").click(position={"x": 5, "y": 5})
            page.keyboard.press("5")  # the hotkey of "call back"
            page.wait_for_selector("#next-lead")
            assert page.locator(".alert-success").count() == 1
            page.screenshot(path=ARTIFACTS / "3-recorded.png", full_page=True)

            page.goto(f"{daphne.http}/staff/campaigns/{people['campaign']}/results/")
            assert page.locator("#states-chart rect").count() == 10  # one bar per lead state
            assert page.locator("#agents-table tbody tr").count() == 3
            page.screenshot(path=ARTIFACTS / "4-results.png", full_page=True)
            # No chart label runs off the chart's left edge, and nothing is wider than the screen.
            clipped = "[...document.querySelectorAll('.chart-label')].filter(label => label.getBBox().x < 0).length"
            for width, height in ((1366, 768), (390, 844)):
                page.set_viewport_size({"width": width, "height": height})
                assert page.evaluate("document.documentElement.scrollWidth") <= width, f"results wider than {width}"
                assert page.evaluate(clipped) == 0, "a chart label is clipped"
                page.screenshot(path=ARTIFACTS / f"4-results-{width}x{height}.png", full_page=True)

            # The supervisor's wallboard goes live over its websocket, at a desk's size and a phone's.
            page.goto(f"{daphne.http}/staff/campaigns/wallboard/")
            playwright_api.expect(page.locator("#wallboard-status")).to_have_class("badge text-bg-success")
            assert page.locator("#wallboard-agents tbody tr").count() >= 1
            for width, height in ((1366, 768), (390, 844)):
                page.set_viewport_size({"width": width, "height": height})
                assert page.evaluate("document.documentElement.scrollWidth") <= width, f"wallboard wider than {width}"
                page.screenshot(path=ARTIFACTS / f"6-wallboard-{width}x{height}.png", full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
            assert not errors, errors

            context.clear_cookies()
            context.add_cookies([{"name": "sessionid", "value": people["office"], "url": daphne.http}])
            page.goto(f"{daphne.http}/admin/campaigns/campaign/import-leads/?campaign={people['campaign']}")
            leads_file = tmp_path / "leads.csv"
            leads_file.write_text(
                "фамилия;имя;телефон;email\nНовиков;Никита;8 (999) 111-22-33;nik@example.com\n"
                "Плохов;Пётр;123;\nДублев;Дмитрий;+7 999 111 22 33;\n",
                encoding="utf-8",
            )
            page.locator("input[name=file]").set_input_files(leads_file)
            page.locator("#lead-import-form input[type=submit]").click()
            page.wait_for_selector("#rejected-rows")
            assert page.locator("#rejected-rows tbody tr").count() == 2
            page.screenshot(path=ARTIFACTS / "5-admin-import.png", full_page=True)
        finally:
            browser.close()
