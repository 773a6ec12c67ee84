"""Payment templates: a payment the customer saved (from its receipt) to repeat it later in two clicks.

A template fills the payment form; the payment itself is made and confirmed like any other, so a template
never pays by itself and every rule (and the one-time code) applies when it is used.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Account
from banking.models import PaymentTemplate, Transfer
from banking.services import PaymentError

TEMPLATE_NAME_MAX_LENGTH = 60
TEMPLATES_PER_CUSTOMER = 50


def save_template(*, owner: Account, transfer_id: int, name: str) -> PaymentTemplate:
    """Save one of the customer's own payments as a template named ``name`` (unique among their templates)."""
    name = " ".join(name.split())
    if not name:
        raise PaymentError(_("Name the template."))
    if len(name) > TEMPLATE_NAME_MAX_LENGTH:
        raise PaymentError(
            _("A template's name can be at most %(limit)d characters long.") % {"limit": TEMPLATE_NAME_MAX_LENGTH}
        )
    made = (
        Transfer.objects.select_related("payer", "payee")
        .filter(pk=transfer_id, payer__owner=owner, exchange_sold__isnull=True)
        .first()
    )
    if made is None:
        raise PaymentError(_("There is no such payment of yours."))
    with transaction.atomic():
        if PaymentTemplate.objects.filter(owner=owner).count() >= TEMPLATES_PER_CUSTOMER:
            raise PaymentError(
                _("Templates kept: %(limit)d, the most there can be; delete one you no longer need.")
                % {"limit": TEMPLATES_PER_CUSTOMER}
            )
        try:
            with transaction.atomic():
                return PaymentTemplate.objects.create(
                    owner=owner,
                    name=name,
                    payer=made.payer,
                    payee=made.payee.number,
                    amount=made.amount,
                    comment=made.comment,
                )
        except IntegrityError:
            raise PaymentError(_("You already have a template named “%(name)s”.") % {"name": name}) from None


def delete_template(*, owner: Account, template_id: int) -> None:
    """Delete one of the customer's templates; someone else's raises ``PaymentTemplate.DoesNotExist``."""
    with transaction.atomic():
        PaymentTemplate.objects.get(pk=template_id, owner=owner).delete()
