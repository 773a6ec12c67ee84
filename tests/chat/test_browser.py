"""A customer and an agent chat in headless Chromium through a real daphne; screenshots go to
test-artifacts/chat/."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.chat.live import REPO, Daphne, server_environment, set_up

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "chat"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def server(live_database, tmp_path):
    environment = server_environment(live_database) | {"DJANGO_MEDIA_ROOT": str(tmp_path / "media")}
    daphne = Daphne(environment, tmp_path, "browser")
    try:
        yield daphne.start()
    finally:
        daphne.stop()


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def signed_in_page(browser, server: Daphne, session: str, viewport=(1366, 768)):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="en-GB")
    context.add_cookies(
        [
            {"name": "sessionid", "value": session, "url": server.http},
            {"name": "django_language", "value": "en", "url": server.http},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_customer_and_agent_chat_in_the_browser(server, browser, live_database):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    people = set_up(live_database, customers=["anna"], agents=["oleg"])["people"]
    customer = signed_in_page(browser, server, people["anna"]["session"])
    agent = signed_in_page(browser, server, people["oleg"]["session"])
    errors: list[str] = []
    for page in (customer, agent):
        page.on("pageerror", lambda error: errors.append(str(error)))

    agent.goto(server.http + "/chat/agent/")
    expect(agent.locator("#chat-desk")).to_have_attribute("data-connection", "connected")

    customer.goto(server.http + "/chat/")
    customer.get_by_label("Topic (optional)").fill("Card blocked abroad")
    customer.get_by_role("button", name="Start chat").click()
    expect(customer).to_have_url(re.compile(r"/chat/\d+/$"))
    panel = customer.locator("[data-chat-panel]")
    expect(panel).to_have_attribute("data-connection", "connected")
    expect(panel.locator(".chat-status")).to_have_text("Waiting for an agent…")
    expect(panel.locator(".chat-presence")).to_contain_text("Agents online: 1")
    panel.locator(".chat-input").fill("Hello, my card was blocked in Turkey")
    panel.locator(".chat-input").press("Enter")
    expect(panel.locator(".chat-message.mine[data-id]")).to_have_count(1)

    # The waiting customer appears in the agent's queue without a reload; the agent takes it.
    queued = agent.locator(".desk-queue li", has_text="Hello, my card was blocked in Turkey")
    expect(queued).to_be_visible()
    agent.screenshot(path=ARTIFACTS / "1-agent-queue.png", full_page=True)
    queued.get_by_role("button", name="Take").click()
    expect(agent.locator(".desk-queue li")).to_have_count(0)
    agent_panel = agent.locator(".desk-panels [data-chat-panel]")
    expect(agent_panel).to_have_count(1)
    expect(agent_panel.locator(".chat-text")).to_have_text(["Hello, my card was blocked in Turkey"])
    expect(panel.locator(".chat-status")).to_have_text(re.compile("Agent: Oleg"))
    expect(panel.locator(".chat-presence")).to_have_text("Your agent is online")

    panel.locator(".chat-input").press_sequentially("It is urgent")
    expect(agent_panel.locator(".chat-typing")).to_have_text("The customer is typing…")
    panel.locator(".chat-input").press("Enter")

    hostile = "<script>window.pwned = 1</script><b>bold?</b>"
    agent_panel.locator(".chat-input").fill(hostile)
    agent_panel.get_by_role("button", name="Send", exact=True).click()
    expect(panel.locator(".chat-message:not(.mine) .chat-text")).to_have_text([hostile])
    assert customer.evaluate("window.pwned") is None
    assert panel.locator(".chat-messages b, .chat-messages script").count() == 0
    agent_panel.locator(".chat-input").fill("Unblocked. Anything else?")
    agent_panel.locator(".chat-input").press("Enter")
    expect(panel.locator(".chat-message:not(.mine) .chat-text")).to_have_count(2)
    customer.screenshot(path=ARTIFACTS / "2-customer-chatting.png", full_page=True)
    agent.screenshot(path=ARTIFACTS / "3-agent-desk-chatting.png", full_page=True)

    # The customer closes the conversation and is asked for a rating.
    customer.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Close conversation").click()
    expect(customer.get_by_text("Please rate this conversation")).to_be_visible()
    expect(agent_panel.locator(".chat-status")).to_have_text("This conversation is closed.")
    customer.get_by_role("radio", name="5").check()
    customer.get_by_label("Comment (optional)").fill("Quick and kind")
    customer.screenshot(path=ARTIFACTS / "4-customer-rating.png", full_page=True)
    customer.get_by_role("button", name="Send rating").click()
    expect(customer.get_by_text("Thank you for your rating.")).to_be_visible()
    expect(customer.locator(".chat-text")).to_have_count(4)
    agent.screenshot(path=ARTIFACTS / "5-agent-after-close.png", full_page=True)
    customer.screenshot(path=ARTIFACTS / "6-customer-rated.png", full_page=True)
    assert errors == []


def test_the_widget_on_a_phone_starts_a_chat_without_a_form(server, browser, live_database):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    people = set_up(live_database, customers=["vera"], agents=[])["people"]
    phone = signed_in_page(browser, server, people["vera"]["session"], viewport=(390, 844))
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.goto(server.http + "/")
    phone.get_by_role("button", name="Chat").click()
    widget = phone.locator("#chat-widget [data-chat-panel]")
    widget.locator(".chat-input").fill("How do I raise my card limit?")
    widget.locator(".chat-input").press("Enter")
    expect(widget).to_have_attribute("data-connection", "connected")
    expect(widget.locator(".chat-message.mine[data-id]")).to_have_count(1)
    expect(widget.locator(".chat-presence")).to_contain_text("You are next in the queue.")
    box = widget.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone.screenshot(path=ARTIFACTS / "7-widget-phone.png")
    assert errors == []


def test_offline_form_and_files_on_the_desk_and_in_the_widget(server, browser, live_database, tmp_path):
    """Outside business hours the widget offers the offline form; the agent takes the message from the queue and
    the two exchange an image and a PDF, shown inline on both sides. Screenshots at 1366×768 and 390×844."""
    from PIL import Image
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    people = set_up(live_database, customers=["zoya"], agents=["gleb"], supervisors=["maria"], closed_now=True)[
        "people"
    ]
    customer = signed_in_page(browser, server, people["zoya"]["session"], viewport=(390, 844))
    agent = signed_in_page(browser, server, people["gleb"]["session"])
    errors: list[str] = []
    for page in (customer, agent):
        page.on("pageerror", lambda error: errors.append(str(error)))

    customer.goto(server.http + "/")
    customer.get_by_role("button", name="Chat").click()
    offline = customer.locator("#chat-widget .chat-offline")
    expect(offline.get_by_label("Your name")).to_have_value(re.compile("Zoya"))
    expect(offline).to_contain_text("Agents are back on")
    offline.get_by_label("E-mail for the answer").fill("zoya@example.org")
    offline.get_by_label("Your message").fill("Please call me about a mortgage")
    customer.screenshot(path=ARTIFACTS / "8-widget-offline-form-390.png")
    customer.set_viewport_size({"width": 1366, "height": 768})
    customer.screenshot(path=ARTIFACTS / "8-widget-offline-form-1366.png")
    offline.get_by_role("button", name="Leave a message").click()
    widget = customer.locator("#chat-widget [data-chat-panel]")
    expect(customer.locator(".chat-offline-sent")).to_contain_text("zoya@example.org")
    expect(widget.locator(".chat-message.mine .chat-text")).to_have_text(["Please call me about a mortgage"])

    agent.goto(server.http + "/chat/agent/")
    agent.locator(".desk-queue li", has_text="Please call me about a mortgage").get_by_role(
        "button", name="Take"
    ).click()
    agent_panel = agent.locator(".desk-panels [data-chat-panel]")
    expect(agent_panel).to_have_attribute("data-connection", "connected")
    picture = tmp_path / "branch.png"
    Image.radial_gradient("L").resize((600, 400)).convert("RGB").save(picture)
    agent_panel.locator(".chat-file").set_input_files(picture)
    expect(agent_panel.locator(".chat-thumb")).to_have_count(1)
    expect(widget.locator(".chat-thumb")).to_have_count(1)
    assert widget.locator(".chat-thumb").evaluate("image => image.naturalWidth") == 320
    statement = tmp_path / "statement.pdf"
    statement.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    widget.locator(".chat-file").set_input_files(statement)
    expect(agent_panel.locator(".chat-file-link")).to_contain_text("statement.pdf")
    expect(widget.locator(".chat-file-link")).to_contain_text("statement.pdf")
    refused = tmp_path / "virus.jpg"
    refused.write_bytes(b"MZ not a picture")
    widget.locator(".chat-file").set_input_files(refused)
    expect(widget.locator(".chat-error")).to_have_text("The file is damaged or is not an image or a PDF.")
    for page, name in ((customer, "9-widget-attachments"), (agent, "10-desk-attachments")):
        for width, height in ((1366, 768), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=ARTIFACTS / f"{name}-{width}.png")

    # The live queue: the conversation taken no longer waits (a customer of this module's other tests may).
    with sqlite3.connect(live_database) as connection:
        (waiting,) = connection.execute("SELECT COUNT(*) FROM chat_conversation WHERE status = 'waiting'").fetchone()
    supervisor = signed_in_page(browser, server, people["maria"]["session"])
    supervisor.goto(server.http + "/chat/figures/")
    expect(supervisor.locator("[data-figure=waiting]")).to_have_text(str(waiting))
    supervisor.screenshot(path=ARTIFACTS / "11-figures-1366.png", full_page=True)
    supervisor.set_viewport_size({"width": 390, "height": 844})
    supervisor.screenshot(path=ARTIFACTS / "11-figures-390.png", full_page=True)
    assert errors == []
