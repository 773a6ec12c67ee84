"""Sign-in, remember-me, sign-out, password change, lock-out, and where each kind of person lands."""

from __future__ import annotations

import pytest

from accounts import roles
from tests.factories import PASSWORD, CustomerFactory, StaffFactory

WRONG_LOGIN = "Wrong login or password"


def sign_in(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


@pytest.mark.django_db
def test_the_login_page_has_a_form_with_csrf_and_remember_me(client):
    response = client.get("/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="remember_me"' in page


@pytest.mark.django_db
def test_a_wrong_password_and_an_unknown_login_get_the_same_message(client, customer):
    wrong_password = sign_in(client, customer.username, "not-the-password")
    unknown_login = sign_in(client, "nobody-has-this-login", "not-the-password")
    for response in (wrong_password, unknown_login):
        assert response.status_code == 200
        assert WRONG_LOGIN in response.content.decode()
        assert "_auth_user_id" not in client.session
    assert wrong_password.context["form"].non_field_errors() == unknown_login.context["form"].non_field_errors()


@pytest.mark.django_db
def test_a_customer_lands_on_the_dashboard(client, customer):
    response = sign_in(client, customer.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert "Your accounts" in dashboard.content.decode()


@pytest.mark.django_db
def test_staff_land_on_the_staff_home_with_the_tools_of_their_roles(client):
    StaffFactory(username="agent", password=PASSWORD, roles=[roles.CHAT_AGENTS])
    response = sign_in(client, "agent", PASSWORD)
    assert client.get(response["Location"])["Location"] == "/staff/"
    page = client.get("/staff/").content.decode()
    assert 'href="/chat/agent/"' in page
    assert 'href="/staff/campaigns/"' not in page
    assert 'href="/admin/"' not in page


@pytest.mark.django_db
def test_the_staff_home_links_the_admin_for_staff_and_the_call_queue_for_callers(client):
    caller = StaffFactory(username="caller", is_staff=True, roles=[roles.TELEMARKETING_AGENTS])
    client.force_login(caller)
    page = client.get("/staff/").content.decode()
    assert 'href="/staff/campaigns/"' in page
    assert 'href="/admin/"' in page
    assert 'href="/chat/agent/"' not in page


@pytest.mark.django_db
def test_a_worker_without_a_role_is_told_so(client):
    client.force_login(StaffFactory())
    assert "no staff role" in client.get("/staff/").content.decode()


@pytest.mark.django_db
def test_customers_cannot_open_the_staff_home_and_staff_cannot_open_customer_pages(client, customer):
    client.force_login(customer)
    assert client.get("/staff/").status_code == 403
    client.force_login(StaffFactory())
    assert client.get("/payments/new/").status_code == 403
    assert client.get("/reviews/").status_code == 403


@pytest.mark.django_db
def test_without_remember_me_the_session_ends_with_the_browser(client, customer):
    sign_in(client, customer.username, PASSWORD)
    assert client.session.get_expire_at_browser_close()
    cookie = client.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]


@pytest.mark.django_db
def test_remember_me_remembers_the_login_name_and_language_not_the_session(client, customer):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    sign_in(client, customer.username, PASSWORD, remember_me="on")
    assert client.session.get_expire_at_browser_close()
    assert not client.cookies["sessionid"]["max-age"]
    assert int(client.cookies["remembered_login"]["max-age"]) == 30 * 24 * 60 * 60
    assert int(client.cookies["django_language"]["max-age"]) == 30 * 24 * 60 * 60
    client.post("/logout/")
    form = client.get("/login/").context["form"]
    assert form.initial == {"username": customer.username, "remember_me": True}


@pytest.mark.django_db
def test_sign_out_needs_a_post(customer_client):
    assert customer_client.get("/logout/").status_code == 405
    assert customer_client.get("/").status_code == 200
    response = customer_client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert customer_client.get("/")["Location"] == "/login/?next=/"


@pytest.mark.django_db
def test_password_change_refuses_a_wrong_old_password_and_keeps_it(customer_client, customer):
    response = customer_client.post(
        "/password/", {"old_password": "wrong", "new_password1": "Tr1cky-new-pass", "new_password2": "Tr1cky-new-pass"}
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_change_works_and_keeps_the_customer_signed_in(customer_client, customer):
    response = customer_client.post(
        "/password/", {"old_password": PASSWORD, "new_password1": "Tr1cky-new-pass", "new_password2": "Tr1cky-new-pass"}
    )
    assert response["Location"] == "/password/done/"
    customer.refresh_from_db()
    assert customer.check_password("Tr1cky-new-pass")
    assert customer_client.get("/").status_code == 200


@pytest.mark.django_db
def test_five_failures_lock_the_login_with_a_message_even_for_the_right_password(client, customer):
    for _attempt in range(4):
        assert WRONG_LOGIN in sign_in(client, customer.username, "wrong").content.decode()
    fifth = sign_in(client, customer.username, "wrong")
    assert fifth.status_code == 429
    assert "this login is locked on this device for 15 min" in fifth.content.decode()
    assert fifth["Retry-After"] == "900"
    right_password = sign_in(client, customer.username, PASSWORD)
    assert right_password.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lock_is_per_login(client, customer):
    for _attempt in range(5):
        sign_in(client, customer.username, "wrong")
    someone_else = CustomerFactory(username="someone", password=PASSWORD)
    assert sign_in(client, someone_else.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(client, customer):
    for _attempt in range(4):
        sign_in(client, customer.username, "wrong")
    assert sign_in(client, customer.username, PASSWORD).status_code == 302
    client.post("/logout/")
    for _attempt in range(4):
        assert sign_in(client, customer.username, "wrong").status_code == 200


@pytest.mark.django_db
def test_an_open_redirect_after_sign_in_is_refused(client, customer):
    response = sign_in(client, customer.username, PASSWORD, next="https://evil.example.com/")
    assert response["Location"] == "/"
