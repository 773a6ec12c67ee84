"""An operation as the customer reads it: with whom it was made (a name, not an account number) and why.

A receipt of a transfer names the other side as a bank shows a person ("Иван Петрович С."), the customer's
own account by its nickname or currency, and the masked number only where no name is known (an account of
a login that is not a client's). An exchange names itself (its description says what was sold and bought),
and a deposit keeps its description. The receipts must come with ``banking.selectors.COUNTERPARTIES``
selected, so that describing a page of them makes no query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from banking.exchange import DESK_USERNAME
from banking.models import BankAccount, Receipt, ReceiptKind
from core.text import name_shown_to_others


@dataclass(frozen=True)
class Operation:
    receipt: Receipt
    counterparty: str  # with whom ("" for a deposit or an exchange)
    detail: str  # the payment's comment, if any

    @property
    def title(self) -> str:
        """The operation's first line: with whom, else what it was."""
        return self.counterparty or self.receipt.description or str(self.receipt.get_kind_display())


def counterparty_name(other: BankAccount, *, owner_id: int) -> str:
    """The other side of a transfer as the customer ``owner_id`` may see it."""
    if other.owner_id == owner_id:
        return _("Own account: %(title)s %(number)s") % {"title": other.title, "number": other.masked_number}
    client = other.owner.client
    if client is None:
        return other.masked_number
    return name_shown_to_others(name=client.name, patronymic=client.patronymic, surname=client.surname)


def describe(receipt: Receipt, *, owner_id: int) -> Operation:
    """``receipt`` of the customer whose login is ``owner_id``, as their statement and overview show it."""
    transfer = receipt.transfer
    if transfer is None:
        return Operation(receipt, "", "")
    other = transfer.payee if receipt.kind == ReceiptKind.DEBIT else transfer.payer
    if other.owner.username == DESK_USERNAME:
        return Operation(receipt, "", "")
    return Operation(receipt, counterparty_name(other, owner_id=owner_id), transfer.comment)


def describe_all(receipts, *, owner_id: int) -> list[Operation]:
    return [describe(receipt, owner_id=owner_id) for receipt in receipts]
