"""Payments in two steps: the form, the confirmation (recipient's name, balance after), the one-time code when
one is needed, the receipt; and templates to repeat a payment.

Thin, like the other pages: the forms parse, ``banking.confirmation`` checks and pays, ``outreach.payment_codes``
sends the codes, the selectors read.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banking import selectors as banking_selectors
from banking.confirmation import (
    CodeError,
    CodeRequired,
    TooManyTries,
    confirm_with_code,
    pay,
    preview_payment,
)
from banking.models import PaymentChallenge, PaymentTemplate, Receipt
from banking.saved_payments import delete_template, save_template
from banking.services import PaymentError
from outreach.payment_codes import request_payment_code, resend_payment_code
from portal.payment_forms import PaymentCodeForm, PaymentConfirmForm, PaymentForm, TemplateNameForm
from portal.views import customer_required


def _form_page(request, form: PaymentForm, accounts, *, status: int = 200, refusal: str = ""):
    context = {
        "form": form,
        "refusal": refusal,
        "has_accounts": bool(accounts),
        "templates": banking_selectors.payment_templates(account=request.user),
    }
    return render(request, "portal/payment_form.html", context, status=status)


def _initial(request, accounts) -> dict:
    """What the form starts with: a template's payment, or the account chosen on the overview."""
    template_id = request.GET.get("template", "")
    if template_id.isdigit():
        try:
            template = banking_selectors.payment_template(account=request.user, template_id=int(template_id))
        except PaymentTemplate.DoesNotExist:
            raise Http404 from None
        return {
            "payer": template.payer.number,
            "recipient": template.payee,
            "amount": str(template.amount),
            "comment": template.comment,
        }
    # The account is named by its key, not its number: account numbers stay out of addresses and logs.
    chosen = request.GET.get("from", "")
    return {"payer": next((account.number for account in accounts if str(account.pk) == chosen), None)}


@require_http_methods(["GET", "POST"])
@customer_required
def payment_new(request):
    accounts = banking_selectors.payable_bank_accounts(account=request.user)
    if request.method != "POST":
        return _form_page(request, PaymentForm(payer_accounts=accounts, initial=_initial(request, accounts)), accounts)
    form = PaymentForm(request.POST, payer_accounts=accounts)
    if form.is_valid():
        data = form.cleaned_data
        try:
            preview = preview_payment(
                initiated_by=request.user,
                payer_number=data["payer"],
                recipient=data["recipient"],
                amount=data["amount"],
                comment=data["comment"],
            )
        except PaymentError as refusal:
            form.add_error(None, str(refusal))
        else:
            confirm = PaymentConfirmForm(
                initial={
                    "payer": preview.payer.number,
                    "recipient": preview.recipient,
                    "amount": preview.amount,
                    "comment": preview.comment,
                    "idempotency_key": data["idempotency_key"],
                }
            )
            return render(request, "portal/payment_confirm.html", {"preview": preview, "form": confirm})
    return _form_page(request, form, accounts)


@require_POST
@customer_required
def payment_confirm(request):
    """Only this moves money: at once, or after the one-time code when the payment needs one."""
    form = PaymentConfirmForm(request.POST)
    if not form.is_valid():
        return redirect("portal:payment_new")
    data = form.cleaned_data
    payment = {
        "initiated_by": request.user,
        "payer_number": data["payer"],
        "recipient": data["recipient"],
        "amount": data["amount"],
        "idempotency_key": data["idempotency_key"],
        "comment": data["comment"],
    }
    try:
        try:
            made = pay(**payment)
        except CodeRequired:
            challenge = request_payment_code(**payment)
            return redirect("portal:payment_code", challenge_id=challenge.pk)
    except PaymentError as refusal:
        accounts = banking_selectors.payable_bank_accounts(account=request.user)
        initial = {name: value for name, value in data.items() if name != "idempotency_key"}  # a new form, a new key
        refused = PaymentForm(payer_accounts=accounts, initial=initial)
        return _form_page(request, refused, accounts, status=400, refusal=str(refusal))
    return redirect("portal:payment_receipt", transfer_id=made.pk)


def _challenge(request, challenge_id: int) -> PaymentChallenge:
    try:
        return banking_selectors.payment_challenge(account=request.user, challenge_id=challenge_id)
    except PaymentChallenge.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@customer_required
def payment_code(request, challenge_id: int):
    challenge = _challenge(request, challenge_id)
    form = PaymentCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            made = confirm_with_code(
                initiated_by=request.user, challenge_id=challenge.pk, code=form.cleaned_data["code"]
            )
        except TooManyTries as refusal:
            messages.error(request, str(refusal))
            return redirect("portal:payment_new")
        except PaymentError as refusal:
            form.add_error("code" if isinstance(refusal, CodeError) else None, str(refusal))
            challenge, status = _challenge(request, challenge_id), 400
        else:
            return redirect("portal:payment_receipt", transfer_id=made.pk)
    return render(request, "portal/payment_code.html", {"form": form, "challenge": challenge}, status=status)


@require_POST
@customer_required
def payment_code_resend(request, challenge_id: int):
    challenge = _challenge(request, challenge_id)
    try:
        resend_payment_code(initiated_by=request.user, challenge_id=challenge.pk)
    except TooManyTries as refusal:
        messages.error(request, str(refusal))
        return redirect("portal:payment_new")
    except PaymentError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("We have sent a new code. The one sent before no longer works."))
    return redirect("portal:payment_code", challenge_id=challenge.pk)


@require_GET
@customer_required
def payment_receipt(request, transfer_id: int):
    try:
        receipt = banking_selectors.payment_receipt(account=request.user, transfer_id=transfer_id)
    except Receipt.DoesNotExist:
        raise Http404 from None
    context = {"receipt": receipt, "transfer": receipt.transfer, "template_form": TemplateNameForm()}
    return render(request, "portal/payment_receipt.html", context)


@require_POST
@customer_required
def payment_template_save(request, transfer_id: int):
    try:
        banking_selectors.payment_receipt(account=request.user, transfer_id=transfer_id)
    except Receipt.DoesNotExist:
        raise Http404 from None
    form = TemplateNameForm(request.POST)
    if form.is_valid():
        try:
            save_template(owner=request.user, transfer_id=transfer_id, name=form.cleaned_data["name"])
        except PaymentError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Template saved: repeat this payment from the overview."))
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect("portal:payment_receipt", transfer_id=transfer_id)


@require_POST
@customer_required
def payment_template_delete(request, template_id: int):
    try:
        delete_template(owner=request.user, template_id=template_id)
    except PaymentTemplate.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Template deleted."))
    return redirect("portal:payment_new")
