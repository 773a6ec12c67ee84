import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Account
from api.models import ApiToken
from api.services import issue_token

pytestmark = pytest.mark.django_db


def staff(username: str, role: str) -> Account:
    account = Account.objects.create_user(username=username, password=None, is_staff=True)
    account.groups.add(Group.objects.get(name=role))
    return account


def test_administrators_revoke_tokens_and_never_see_secrets(client):
    manager = staff("pm", roles.PRODUCT_MANAGERS)
    token, secret = issue_token(account=manager)
    client.force_login(staff("admin", roles.ADMINISTRATORS))
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200
    assert secret not in listing.text and token.key_hash not in listing.text
    client.post("/admin/api/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]})
    assert ApiToken.objects.get().revoked_at is not None


def test_the_back_office_cannot_reach_tokens(client):
    issue_token(account=staff("pm", roles.PRODUCT_MANAGERS))
    client.force_login(staff("clerk", roles.BACK_OFFICE))
    assert client.get("/admin/api/apitoken/").status_code == 403
    assert ApiToken.objects.get().revoked_at is None
