"""The customer website in headless Chromium against a real daphne: sign-in, a payment, a review, languages.

Screenshots go to test-artifacts/website/ (desktop and phone sizes) for a person to look at.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from tests.migrated import copy_migrated_database

ROOT = Path(settings.BASE_DIR)
ARTIFACTS = ROOT / "test-artifacts" / "website"
DEMO_PASSWORD = "demo-browser-test-2026"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"daphne exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310  (our own loopback server)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"daphne did not answer at {url}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A migrated SQLite file with the demo data, served by daphne on a free port."""
    database = tmp_path_factory.mktemp("website") / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "true",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    copy_migrated_database(database)
    subprocess.run(
        [*manage, "seed_demo", "--password", DEMO_PASSWORD, "--size", "small"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    port = free_port()
    daphne = Path(sys.executable).with_name("daphne")
    server = subprocess.Popen(
        [str(daphne), "-b", "127.0.0.1", "-p", str(port), "telemarketing.asgi:application"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/healthz", server)
        yield {"url": base, "database": database}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def query(database: Path, sql: str, *parameters):
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, parameters).fetchall()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def code_of_the_last_challenge(database: Path) -> str:
    """The one-time code as the outbox would render it (the server shares this process's SECRET_KEY)."""
    from banking.confirmation import one_time_code
    from banking.models import BankAccount, PaymentChallenge

    salt, customer_id, payer, currency, payee, amount = query(
        database,
        "SELECT c.salt, c.initiated_by_id, p.number, p.currency, q.number, c.amount FROM banking_paymentchallenge c "
        "JOIN banking_bankaccount p ON p.id = c.payer_id JOIN banking_bankaccount q ON q.id = c.payee_id "
        "ORDER BY c.id DESC LIMIT 1",
    )[0]
    challenge = PaymentChallenge(
        salt=salt,
        initiated_by_id=customer_id,
        payer=BankAccount(number=payer, currency=currency),
        payee=BankAccount(number=payee),
        amount=Decimal(str(amount)),
    )
    return one_time_code(challenge)


def sign_in(page, base: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", "demo_customer")
    page.fill("#id_password", password)
    with page.expect_navigation():  # the page the form leads to, loaded (checked at once, a half-loaded one fails)
        page.click("form[action='/login/'] button[type=submit]")


def test_a_customer_signs_in_pays_writes_a_review_and_switches_language(site, chromium):
    base, database = site["url"], site["database"]
    payer_number, opening = query(
        database,
        "SELECT b.number, b.balance FROM banking_bankaccount b JOIN accounts_account a ON a.id = b.owner_id "
        "WHERE a.username = 'demo_customer' AND b.currency = 'RUB' AND NOT b.is_closed ORDER BY b.balance DESC",
    )[0]
    (payee_number,) = query(
        database,
        "SELECT b.number FROM banking_bankaccount b JOIN accounts_account a ON a.id = b.owner_id "
        "WHERE a.username <> 'demo_customer' AND b.currency = 'RUB' AND NOT b.is_closed LIMIT 1",
    )[0]
    context = chromium.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base}/login/")
        assert page.locator("html").get_attribute("lang") == "ru"
        shot(page, "01-login-ru")

        sign_in(page, base, "not-the-password")
        assert "Неверный логин или пароль" in page.locator(".alert-danger").inner_text()
        shot(page, "02-login-failed-ru")

        sign_in(page, base, DEMO_PASSWORD)
        page.wait_for_url(f"{base}/")
        assert page.get_by_role("heading", name="Ваши счета").is_visible()
        shot(page, "03-dashboard-ru")

        page.get_by_role("link", name="Сделать платёж").click()
        page.select_option("#id_payer", payer_number)
        page.fill("#id_recipient", payee_number)
        page.fill("#id_amount", "1 500,50")
        page.fill("#id_comment", "Тест из браузера")
        shot(page, "04-payment-form-ru")
        page.click("#payment-form button[type=submit]")
        # The confirmation: the recipient as a bank names them, the amount, the balance after; nothing paid yet.
        assert page.get_by_role("heading", name="Подтверждение платежа").is_visible()
        assert page.inner_text("#payment-amount").replace("\xa0", " ") == "1 500,50 ₽"
        assert "остаток после платежа" in page.inner_text("#payment-balance-after")
        assert query(database, "SELECT COUNT(*) FROM banking_transfer WHERE comment = 'Тест из браузера'") == [(0,)]
        for size, name in (((1366, 768), "04b-payment-confirm-ru"), ((390, 844), "04c-payment-confirm-phone-ru")):
            page.set_viewport_size({"width": size[0], "height": size[1]})
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            shot(page, name)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.click("#payment-confirm-form button[type=submit]")
        page.wait_for_load_state()
        if "/payments/code/" in page.url:  # a first payment to this recipient: the code sent by SMS or e-mail
            shot(page, "04d-payment-code-ru")
            page.fill("#id_code", code_of_the_last_challenge(database))
            page.click("#payment-code-form button[type=submit]")
        page.wait_for_url(f"{base}/payments/*/")
        assert "Платёж выполнен" in page.inner_text("main")
        assert page.inner_text("#receipt-amount").replace("\xa0", " ") == "1 500,50 ₽"
        shot(page, "05-receipt-ru")
        (balance,) = query(database, "SELECT balance FROM banking_bankaccount WHERE number = ?", payer_number)[0]
        assert Decimal(str(balance)) == Decimal(str(opening)) - Decimal("1500.50")

        page.get_by_role("link", name="Отзывы").first.click()
        page.select_option("#id_kind", "suggestion")
        page.check("#id_rating_1")  # the radio buttons run 5..1: the second is 4
        page.fill("#id_text", "Удобный сайт, но хочется тёмную тему.")
        page.click("#review-form button[type=submit]")
        assert "Спасибо! Мы получили ваш отзыв." in page.inner_text("main")
        assert "Удобный сайт, но хочется тёмную тему." in page.inner_text("main")
        shot(page, "06-reviews-ru")
        assert query(database, "SELECT kind, rating, source FROM surveys_survey ORDER BY id DESC LIMIT 1") == [
            ("suggestion", 4, "website")
        ]

        page.click("#language-form button[value=en]")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name="Write a review").is_visible()
        page.goto(f"{base}/")
        assert page.get_by_role("heading", name="Your accounts").is_visible()
        shot(page, "07-dashboard-en")
    finally:
        context.close()


def test_the_site_works_on_a_phone(site, chromium):
    base = site["url"]
    context = chromium.new_context(
        locale="ru-RU", viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        sign_in(page, base, DEMO_PASSWORD)
        page.wait_for_url(f"{base}/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing sticks out
        shot(page, "08-phone-dashboard-ru")
        page.click(".navbar-toggler")
        page.wait_for_selector("#main-nav.collapse.show")  # the menu has finished opening
        shot(page, "09-phone-menu-ru")
        page.goto(f"{base}/payments/new/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "10-phone-payment-ru")
        page.goto(f"{base}/reviews/")
        shot(page, "11-phone-reviews-ru")
        bank_account = page.goto(f"{base}/")
        assert bank_account.ok
        page.locator("a", has_text="Выписка").first.click()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "12-phone-statement-ru")
    finally:
        context.close()


# Accessibility (WCAG 2.1 AA): axe-core, vendored under tests/vendor/axe-core, run inside each customer page.

AXE = (ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => {
      const where = violation.nodes.map((node) => node.target.join(" ")).join(", ");
      return `${violation.id} (${violation.impact}): ${where}`;
    });
}"""
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}}


def customer_pages(database: Path) -> dict[str, str]:
    """Every page of the signed-in customer, by name: their own accounts, payments, messages and exchange."""
    ((bank_account,),) = query(
        database,
        "SELECT b.id FROM banking_bankaccount b JOIN accounts_account a ON a.id = b.owner_id "
        "WHERE a.username = 'demo_customer' ORDER BY b.id LIMIT 1",
    )
    ((payment,),) = query(
        database,
        "SELECT t.id FROM banking_transfer t JOIN accounts_account a ON a.id = t.initiated_by_id "
        "WHERE a.username = 'demo_customer' ORDER BY t.id LIMIT 1",
    )
    ((message,),) = query(
        database,
        "SELECT m.id FROM outreach_message m JOIN accounts_account a ON a.client_id = m.client_id "
        "WHERE a.username = 'demo_customer' AND m.status IN ('sent', 'delivered', 'read') LIMIT 1",
    )
    exchanges = query(
        database,
        "SELECT e.id FROM banking_exchange e JOIN accounts_account a ON a.id = e.initiated_by_id "
        "WHERE a.username = 'demo_customer' LIMIT 1",
    )
    pages = {
        "dashboard": "/",
        "statement": f"/bank-accounts/{bank_account}/",
        "statement-refused-dates": f"/bank-accounts/{bank_account}/?date_to=9999-12-31",
        "payment": "/payments/new/",
        "receipt": f"/payments/{payment}/",
        "message": f"/messages/{message}/",
        "reviews": "/reviews/",
        "password": "/password/",
        "exchange": "/exchange/",
        "chat": "/chat/",
    }
    if exchanges:
        pages["exchange-done"] = f"/exchange/{exchanges[0][0]}/"
    return pages


def test_every_customer_page_signed_in_and_out_has_no_serious_accessibility_violation(site, chromium):
    """Each page is loaded once and checked at desktop size, then at phone size (the same page, resized)."""
    base, database = site["url"], site["database"]
    context = chromium.new_context(locale="ru-RU", bypass_csp=True, **DESKTOP)
    context.add_init_script(AXE)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        for size, viewport in (("desktop", DESKTOP["viewport"]), ("phone", PHONE["viewport"])):
            page.set_viewport_size(viewport)
            found[f"{name} ({size})"] = page.evaluate(AXE_RUN)
            if name in ("dashboard", "statement"):
                shot(page, f"a11y-{name}-{size}-ru")
        page.set_viewport_size(DESKTOP["viewport"])

    try:
        page.goto(f"{base}/login/")
        check("login")
        sign_in(page, base, "not-the-password")
        check("login-refused")
        page.goto(f"{base}/unsubscribe/not-a-token/")
        check("unsubscribe-refused")

        sign_in(page, base, DEMO_PASSWORD)
        page.wait_for_url(f"{base}/")
        for name, path in customer_pages(database).items():
            page.goto(f"{base}{path}")
            check(name)
        page.goto(f"{base}/payments/new/")
        page.click("#payment-form button[type=submit]")  # empty: every field refused
        page.wait_for_load_state()
        check("payment-refused")
        page.goto(f"{base}/")
        page.click(".chat-widget-toggle")
        page.wait_for_selector("#chat-widget-panel:not([hidden])")
        check("chat-widget-open")
    finally:
        context.close()
    problems = {name: problems for name, problems in found.items() if problems}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-violations.json").write_text(json.dumps(problems, indent=1, ensure_ascii=False))
    assert problems == {}


def test_a_refused_form_is_announced_and_points_to_each_field(site, chromium):
    """A screen reader hears the errors at once (role=alert) and, on each failed field, why it failed."""
    base = site["url"]
    context = chromium.new_context(locale="ru-RU", **DESKTOP)
    page = context.new_page()
    try:
        sign_in(page, base, DEMO_PASSWORD)
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/payments/new/")
        page.fill("#id_amount", "много")
        page.click("#payment-form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("[role=alert]").first.is_visible()
        amount = page.locator("#id_amount")
        assert amount.get_attribute("aria-invalid") == "true"
        described_by = amount.get_attribute("aria-describedby").split()
        assert "id_amount_error" in described_by
        assert page.locator("#id_amount_error").inner_text().strip()
        shot(page, "13-payment-refused-ru")
    finally:
        context.close()


def test_a_customer_signs_in_and_reaches_a_statement_by_keyboard_alone(site, chromium):
    base = site["url"]
    context = chromium.new_context(locale="ru-RU", **DESKTOP)
    page = context.new_page()
    try:
        page.goto(f"{base}/login/")
        # autofocus: type straight away (the browser applies it at its next rendering, which may follow "load")
        page.wait_for_function("document.activeElement && document.activeElement.id === 'id_username'", timeout=5000)
        page.keyboard.type("demo_customer")
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/")
        for _step in range(60):  # Tab through the overview to the first statement link
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('href') || ''").startswith("/bank-accounts/"):
                break
        else:
            pytest.fail("no statement link is reachable with Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/bank-accounts/*/")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Выписка")
    finally:
        context.close()


def test_a_customer_who_forgot_the_password_sets_a_new_one_from_the_e_mail(site, chromium):
    """The link comes in a real e-mail, sent by the outbox to a real SMTP server; it works once."""
    from tests.outreach.servers import SmtpServer

    base, database = site["url"], site["database"]
    username, address = query(
        database,
        "SELECT a.username, c.email FROM accounts_account a JOIN accounts_client c ON c.id = a.client_id "
        "WHERE a.username <> 'demo_customer' AND a.is_active ORDER BY a.id LIMIT 1",
    )[0]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_DEBUG": "true"}

    def django_code(code: str, **extra) -> None:
        setup = "import django; django.setup(); "
        subprocess.run([sys.executable, "-c", setup + code], env=env | extra, cwd=ROOT, check=True, capture_output=True)

    # the demo's other customers have no password yet (a login without one cannot be reset: Django's rule)
    django_code(
        f"from accounts.models import Account; a = Account.objects.get(username='{username}'); "
        "a.set_password('Старый-пароль-2026'); a.save()"
    )
    context = chromium.new_context(locale="ru-RU", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(f"{base}/login/")
        page.get_by_role("link", name="Забыли пароль?").click()
        page.fill("#id_email", address.upper())
        shot(page, "08-password-reset-form-ru")
        page.get_by_role("button", name="Отправить ссылку").click()
        page.wait_for_url(f"{base}/password/reset/sent/")
        assert page.get_by_role("heading", name="Проверьте почту").is_visible()
        shot(page, "09-password-reset-sent-ru")

        with SmtpServer() as smtp:
            django_code(
                "from outreach.delivery import outbox; from outreach.models import Delivery; "
                "resets = Delivery.objects.filter(notification__kind='password'); "
                "outbox.deliver(delivery_ids=list(resets.values_list('pk', flat=True)))",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(smtp.port),
                EMAIL_USE_TLS="false",
            )
            [mail] = smtp.received
        assert mail["To"] == address
        link = next(line for line in mail.get_content().splitlines() if "/password/reset/" in line)
        path = "/" + link.split("://", 1)[1].split("/", 1)[1]

        page.goto(base + path)
        page.fill("#id_new_password1", "Новый-пароль-2026")
        page.fill("#id_new_password2", "Новый-пароль-2026")
        shot(page, "10-password-reset-new-ru")
        page.get_by_role("button", name="Сохранить пароль").click()
        page.wait_for_url(f"{base}/password/reset/complete/")
        shot(page, "11-password-reset-done-ru")

        page.goto(base + path)  # the same link again
        assert page.get_by_role("heading", name="Эта ссылка больше не действует").is_visible()
        page.goto(f"{base}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "Новый-пароль-2026")
        page.click("form[action='/login/'] button[type=submit]")
        page.wait_for_url(f"{base}/")
        assert page.get_by_role("heading", name="Ваши счета").is_visible()
    finally:
        context.close()
