"""Currency exchange between the customer's own accounts: the form, the confirmation with both amounts, the result.

Thin, like the other pages: the form parses, ``banking.exchange`` quotes and exchanges, the selector reads.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banking import selectors as banking_selectors
from banking.exchange import StaleRate, exchange, quote_exchange
from banking.models import Exchange
from banking.services import PaymentError
from portal.exchange_forms import ExchangeConfirmForm, ExchangeForm
from portal.views import customer_required


def _confirmation(request, quote, key, *, notice: str = ""):
    confirm = ExchangeConfirmForm(
        initial={
            "sell_from": quote.sell_from.number,
            "buy_to": quote.buy_to.number,
            "amount": quote.sold,
            "rate_id": quote.rate.pk,
            "idempotency_key": key,
        }
    )
    return render(request, "portal/exchange_confirm.html", {"quote": quote, "form": confirm, "notice": notice})


@require_http_methods(["GET", "POST"])
@customer_required
def exchange_new(request):
    accounts = banking_selectors.payable_bank_accounts(account=request.user)
    form = ExchangeForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quote = quote_exchange(
                account=request.user, sell_from=data["sell_from"], buy_to=data["buy_to"], amount=data["amount"]
            )
        except PaymentError as refusal:
            form.add_error(None, str(refusal))
        else:
            return _confirmation(request, quote, data["idempotency_key"])
    can_exchange = len({account.currency for account in accounts}) > 1
    return render(request, "portal/exchange_form.html", {"form": form, "can_exchange": can_exchange})


@require_POST
@customer_required
def exchange_confirm(request):
    form = ExchangeConfirmForm(request.POST)
    if not form.is_valid():
        return redirect("portal:exchange_new")
    data = form.cleaned_data
    try:
        made = exchange(initiated_by=request.user, **data)
    except StaleRate as refusal:
        try:
            quote = quote_exchange(
                account=request.user, sell_from=data["sell_from"], buy_to=data["buy_to"], amount=data["amount"]
            )
        except PaymentError as still_refused:
            return _refused(request, str(still_refused))
        return _confirmation(request, quote, data["idempotency_key"], notice=str(refusal))
    except PaymentError as refusal:
        return _refused(request, str(refusal))
    return redirect("portal:exchange_done", exchange_id=made.pk)


def _refused(request, message: str):
    accounts = banking_selectors.payable_bank_accounts(account=request.user)
    context = {"form": ExchangeForm(accounts=accounts), "can_exchange": True, "refusal": message}
    return render(request, "portal/exchange_form.html", context)


@require_GET
@customer_required
def exchange_done(request, exchange_id: int):
    try:
        made = banking_selectors.customer_exchange(account=request.user, exchange_id=exchange_id)
    except Exchange.DoesNotExist:
        raise Http404 from None
    return render(request, "portal/exchange_done.html", {"made": made})
