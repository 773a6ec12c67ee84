"""Pages of the customer website and the staff home. Thin: parse, check, call a selector or a service, render."""

from __future__ import annotations

import csv
from functools import wraps

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from banking import selectors as banking_selectors
from banking.models import BankAccount, Receipt
from banking.services import PaymentError, transfer
from outreach.models import Message
from outreach.services import mark_message_read
from portal import selectors
from portal.forms import BankPasswordChangeForm, PaymentForm, ReviewForm, SignInForm, StatementFilterForm
from surveys import selectors as survey_selectors
from surveys.services import SurveyError, submit_review

STATEMENT_PAGE_SIZE = 25
REVIEWS_PAGE_SIZE = 10


def customer_required(view):
    """Sign-in first; then only a customer's login (one that belongs to a client) gets in."""

    @wraps(view)
    @login_required
    def checked(request, *args, **kwargs):
        if not request.user.is_customer:
            raise PermissionDenied(_("This page is for the bank's customers."))
        return view(request, *args, **kwargs)

    return checked


class SignInView(auth_views.LoginView):
    template_name = "portal/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        cool_off = get_cool_off(self.request)
        return super().get_context_data(
            failure_limit=settings.AXES_FAILURE_LIMIT,
            lockout_minutes=round(cool_off.total_seconds() / 60) if cool_off else 0,
            **kwargs,
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        # 0 ends the session when the browser closes; otherwise it lasts SESSION_COOKIE_AGE (two weeks).
        self.request.session.set_expiry(None if form.cleaned_data.get("remember_me") else 0)
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes answers with this once a login is locked: a page that says so, with 429 Too Many Requests."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    status = settings.AXES_HTTP_RESPONSE_CODE
    if not request.accepts("text/html") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        return JsonResponse(
            {"detail": _("Too many failed sign-in attempts; try again later."), "cooloff_minutes": minutes},
            status=status,
        )
    return render(request, "portal/locked_out.html", {"minutes": minutes}, status=status)


class SignOutView(auth_views.LogoutView):
    """POST only (Django refuses GET), so a link on another site cannot sign a customer out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portal/password_change.html"
    form_class = BankPasswordChangeForm
    success_url = reverse_lazy("portal:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "portal/password_change_done.html"


@require_GET
@login_required
def home(request):
    """Customers see their dashboard here; everyone else works from the staff home."""
    if not request.user.is_customer:
        return redirect("portal:staff_home")
    dashboard = selectors.customer_dashboard(account=request.user)
    return render(request, "portal/dashboard.html", {"dashboard": dashboard})


@require_GET
@login_required
def staff_home(request):
    if request.user.is_customer:
        raise PermissionDenied(_("This page is for the bank's staff."))
    return render(request, "portal/staff_home.html", {"tools": selectors.staff_tools(account=request.user)})


def _statement(request, bank_account_id: int) -> tuple[StatementFilterForm, banking_selectors.Statement]:
    form = StatementFilterForm(request.GET or None)
    dates = form.cleaned_data if form.is_valid() else {}
    try:
        statement = banking_selectors.account_statement(
            account=request.user,
            bank_account_id=bank_account_id,
            date_from=dates.get("date_from"),
            date_to=dates.get("date_to"),
        )
    except BankAccount.DoesNotExist:
        raise Http404 from None
    return form, statement


@require_GET
@customer_required
def statement(request, bank_account_id: int):
    form, found = _statement(request, bank_account_id)
    page = Paginator(found.receipts, STATEMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/statement.html",
        {
            "form": form,
            "bank_account": found.bank_account,
            "page": page,
            "filter_query": query.urlencode(),
        },
    )


@require_GET
@customer_required
def statement_csv(request, bank_account_id: int):
    _filter_form, found = _statement(request, bank_account_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"statement-{found.bank_account.number}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # a byte-order mark, so that spreadsheet programs read the Cyrillic text right
    writer = csv.writer(response)
    writer.writerow([_("Date"), _("Operation"), _("Amount"), _("Currency"), _("Balance after"), _("Description")])
    currency = found.bank_account.currency
    for receipt in found.receipts.iterator():
        writer.writerow(
            [
                timezone.localtime(receipt.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                receipt.get_kind_display(),
                receipt.signed_amount,
                currency,
                receipt.balance_after,
                receipt.description,
            ]
        )
    return response


@require_http_methods(["GET", "POST"])
@customer_required
def payment_new(request):
    payer_accounts = banking_selectors.payable_bank_accounts(account=request.user)
    if request.method == "POST":
        form = PaymentForm(request.POST, payer_accounts=payer_accounts)
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = transfer(
                    initiated_by=request.user,
                    payer_number=data["payer"],
                    payee_number=data["payee_number"],
                    amount=data["amount"],
                    idempotency_key=data["idempotency_key"],
                    comment=data["comment"],
                )
            except PaymentError as refusal:
                form.add_error(None, str(refusal))
            else:
                return redirect("portal:payment_receipt", transfer_id=made.pk)
    else:
        form = PaymentForm(payer_accounts=payer_accounts, initial={"payer": request.GET.get("from")})
    return render(request, "portal/payment_form.html", {"form": form, "has_accounts": bool(payer_accounts)})


@require_GET
@customer_required
def payment_receipt(request, transfer_id: int):
    try:
        receipt = banking_selectors.payment_receipt(account=request.user, transfer_id=transfer_id)
    except Receipt.DoesNotExist:
        raise Http404 from None
    return render(request, "portal/payment_receipt.html", {"receipt": receipt, "transfer": receipt.transfer})


@require_GET
@customer_required
def message_detail(request, message_id: int):
    """Opening a personal message marks it read."""
    try:
        message = mark_message_read(client_id=request.user.client_id, message_id=message_id)
    except Message.DoesNotExist:
        raise Http404 from None
    return render(request, "portal/message_detail.html", {"message": message})


@require_http_methods(["GET", "POST"])
@customer_required
def reviews(request):
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                submit_review(client=request.user.client, **form.cleaned_data)
            except SurveyError as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Thank you! We have received your review."))
                return redirect("portal:reviews")
    else:
        form = ReviewForm()
    page = Paginator(survey_selectors.customer_reviews(account=request.user), REVIEWS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/reviews.html", {"form": form, "page": page})
