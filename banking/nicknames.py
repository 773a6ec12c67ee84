"""A customer's own name for a bank account ("Зарплатный", "На отпуск"), shown instead of the bare currency."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Account
from banking.models import NICKNAME_MAX_LENGTH, BankAccount
from banking.services import PaymentError
from core.text import clean_text


class NicknameRefused(PaymentError):
    """The nickname cannot be kept; the message says why."""


def set_nickname(*, account: Account, bank_account_id: int, nickname: str) -> BankAccount:
    """Name one of the customer's own accounts (spaces collapsed; empty clears the name).

    Someone else's account raises ``BankAccount.DoesNotExist``, as a statement does.
    """
    text = " ".join(clean_text(nickname).split())
    if len(text) > NICKNAME_MAX_LENGTH:
        raise NicknameRefused(
            _("A nickname can be at most %(limit)d characters long.") % {"limit": NICKNAME_MAX_LENGTH}
        )
    with transaction.atomic():
        bank_account = BankAccount.objects.select_for_update().get(pk=bank_account_id, owner=account)
        bank_account.nickname = text
        bank_account.save(update_fields=["nickname"])
    return bank_account
