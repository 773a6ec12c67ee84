import pytest

from accounts import roles
from api.models import ApiToken
from api.services import issue_token
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_administrators_revoke_tokens_and_never_see_secrets(client):
    manager = StaffFactory(username="pm", roles=[roles.PRODUCT_MANAGERS], is_staff=True)
    token, secret = issue_token(account=manager)
    client.force_login(StaffFactory(username="admin", administrator=True))
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200
    assert secret not in listing.text and token.key_hash not in listing.text
    client.post("/admin/api/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]})
    assert ApiToken.objects.get().revoked_at is not None


def test_the_back_office_cannot_reach_tokens(client):
    issue_token(account=StaffFactory(username="pm", roles=[roles.PRODUCT_MANAGERS], is_staff=True))
    client.force_login(StaffFactory(username="clerk", back_office=True))
    assert client.get("/admin/api/apitoken/").status_code == 403
    assert ApiToken.objects.get().revoked_at is None
