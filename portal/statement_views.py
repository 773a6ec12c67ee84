"""A bank account's statement: the page, the CSV and PDF files, and the account's nickname.

Thin: the form reads the period, ``banking.selectors.account_statement`` reads the account (someone else's
is 404), ``banking.statements`` writes the files. A period that cannot be read or lies outside the dates a
statement may ask for is refused with 400 and the reason, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from banking import selectors as banking_selectors
from banking import statements
from banking.models import BankAccount
from banking.nicknames import NicknameRefused, set_nickname
from banking.operations import describe_all
from portal.statement_forms import NicknameForm, StatementFilterForm
from portal.views import customer_required

STATEMENT_PAGE_SIZE = 25


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


def _refused_dates(form: StatementFilterForm) -> HttpResponse | None:
    """Dates that cannot be read or are out of range: a file is not made; the reasons, with 400."""
    if not form.is_bound or form.is_valid():
        return None
    reasons = " ".join(str(message) for messages in form.errors.values() for message in messages)
    return HttpResponse(reasons, status=400, content_type="text/plain; charset=utf-8")


def _filename(statement: banking_selectors.Statement, extension: str) -> str:
    return f"statement-{statement.bank_account.number}-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_GET
@customer_required
def statement(request, bank_account_id: int):
    return _statement_page(request, bank_account_id)


def _statement_page(request, bank_account_id: int, nickname_form: NicknameForm | None = None, status: int = 200):
    form, found = _statement(request, bank_account_id)
    page = Paginator(found.receipts, STATEMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = describe_all(page.object_list, owner_id=request.user.pk)
    query = request.GET.copy()
    query.pop("page", None)
    refused = form.is_bound and not form.is_valid()
    return render(
        request,
        "portal/statement.html",
        {
            "form": form,
            "statement": found,
            "bank_account": found.bank_account,
            "page": page,
            "filter_query": query.urlencode(),
            "nickname_form": nickname_form or NicknameForm(initial={"nickname": found.bank_account.nickname}),
        },
        status=400 if refused else status,
    )


@require_GET
@customer_required
def statement_csv(request, bank_account_id: int):
    form, found = _statement(request, bank_account_id)
    if (refusal := _refused_dates(form)) is not None:
        return refusal
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(found, "csv")}"'
    statements.write_csv(found, response)
    return response


@require_GET
@customer_required
def statement_pdf(request, bank_account_id: int):
    form, found = _statement(request, bank_account_id)
    if (refusal := _refused_dates(form)) is not None:
        return refusal
    if (count := found.receipts.count()) > statements.PDF_MAX_OPERATIONS:
        message = _(
            "The period has %(count)d operations; a PDF statement holds up to %(limit)d. "
            "Choose a shorter period, or download the CSV."
        ) % {"count": count, "limit": statements.PDF_MAX_OPERATIONS}
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(statements.build_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(found, "pdf")}"'
    return response


@require_POST
@customer_required
def rename(request, bank_account_id: int):
    """Keeps the account's nickname; a refused one shows the statement again with the reason."""
    form = NicknameForm(request.POST)
    if form.is_valid():
        try:
            set_nickname(account=request.user, bank_account_id=bank_account_id, nickname=form.cleaned_data["nickname"])
        except BankAccount.DoesNotExist:
            raise Http404 from None
        except NicknameRefused as refusal:
            form.add_error("nickname", str(refusal))
        else:
            messages.success(request, _("The account's name is saved."))
            return redirect("portal:statement", bank_account_id=bank_account_id)
    return _statement_page(request, bank_account_id, nickname_form=form, status=400)
