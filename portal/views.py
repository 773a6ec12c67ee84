"""Pages of the customer website and the staff home. Thin: parse, check, call a selector or a service, render."""

from __future__ import annotations

import base64
import io
from functools import wraps
from urllib.parse import quote

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.qr import write_qrcode_image

from accounts.services import (
    confirm_totp_enrolment,
    has_second_factor,
    needs_second_factor,
    refusal_message,
    start_totp_enrolment,
    verify_second_factor,
)
from accounts.throttling import Refusal
from outreach.models import Message
from outreach.services import mark_message_read
from portal import selectors
from portal.forms import (
    BankPasswordChangeForm,
    ReviewForm,
    SecondFactorForm,
    SignInForm,
)
from portal.middleware import seconds_left
from surveys import selectors as survey_selectors
from surveys.services import SurveyError, submit_review

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


REMEMBERED_LOGIN_COOKIE = "remembered_login"
REMEMBERED_LOGIN_SALT = "portal.remembered_login"


class SignInView(auth_views.LoginView):
    template_name = "portal/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_initial(self):
        remembered = self.request.get_signed_cookie(REMEMBERED_LOGIN_COOKIE, default="", salt=REMEMBERED_LOGIN_SALT)
        return {"username": remembered, "remember_me": True} if remembered else {}

    def get_context_data(self, **kwargs):
        cool_off = get_cool_off(self.request)
        return super().get_context_data(
            failure_limit=settings.AXES_FAILURE_LIMIT,
            lockout_minutes=round(cool_off.total_seconds() / 60) if cool_off else 0,
            **kwargs,
        )

    def form_valid(self, form):
        response = super().form_valid(form)  # django.contrib.auth.login: a new session id
        # The session always ends with the browser (and after the idle and absolute timeouts, portal.middleware).
        self.request.session.set_expiry(0)
        # "Remember me" remembers the login name and the language on this device, never the session.
        if form.cleaned_data.get("remember_me"):
            age = settings.REMEMBERED_LOGIN_DAYS * 24 * 3600
            for name, value, signed in (
                (REMEMBERED_LOGIN_COOKIE, form.get_user().get_username(), True),
                (settings.LANGUAGE_COOKIE_NAME, get_language(), False),
            ):
                options = {"max_age": age, "secure": settings.SESSION_COOKIE_SECURE, "samesite": "Lax"}
                if signed:
                    response.set_signed_cookie(name, value, salt=REMEMBERED_LOGIN_SALT, httponly=True, **options)
                else:
                    response.set_cookie(name, value, **options)
        else:
            response.delete_cookie(REMEMBERED_LOGIN_COOKIE)
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes answers with this when sign-in is throttled: a page that says why and for how long, with
    429 Too Many Requests and Retry-After."""
    refusal = getattr(request, "sign_in_refusal", None)
    if refusal is None:
        cool_off = get_cool_off(request)
        refusal = Refusal("pair", round(cool_off.total_seconds()) if cool_off else 900)
    message = refusal_message(refusal)
    status = settings.AXES_HTTP_RESPONSE_CODE
    if not request.accepts("text/html") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        response = JsonResponse({"detail": message, "retry_after": refusal.retry_after}, status=status)
    else:
        response = render(request, "portal/locked_out.html", {"message": message}, status=status)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def _next_page(request) -> str:
    following = request.POST.get("next") or request.GET.get("next") or ""
    allowed = {request.get_host()}
    if url_has_allowed_host_and_scheme(following, allowed_hosts=allowed, require_https=request.is_secure()):
        return following
    return "/"


def _second_factor_passed(request, device) -> None:
    otp_login(request, device)
    request.session.cycle_key()  # a new session id with the new privilege


@require_http_methods(["GET", "POST"])
@login_required
def two_factor(request):
    """Staff enter the code of their authenticator app, or one of their recovery codes."""
    if not needs_second_factor(request.user) or request.user.is_verified():
        return redirect(_next_page(request))
    if not has_second_factor(request.user):
        return redirect(f"{reverse('portal:two_factor_setup')}?next={quote(_next_page(request))}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_second_factor(account=request.user, code=form.cleaned_data["code"], request=request)
        if device is not None:
            _second_factor_passed(request, device)
            return redirect(_next_page(request))
        form.add_error("code", _("Wrong or expired code. Enter the current code from the app, or a recovery code."))
    return render(request, "portal/two_factor.html", {"form": form, "next": _next_page(request)})


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request):
    """Staff set up their authenticator app: scan the QR code, enter the first code, keep the recovery codes."""
    if not needs_second_factor(request.user) or has_second_factor(request.user):
        return redirect(_next_page(request))
    device = start_totp_enrolment(account=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = confirm_totp_enrolment(account=request.user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            _second_factor_passed(request, device)
            return render(request, "portal/two_factor_codes.html", {"codes": codes, "next": _next_page(request)})
        form.add_error("code", _("Wrong or expired code. Enter the code the app shows now."))
    image = io.BytesIO()
    write_qrcode_image(device.config_url, image)
    context = {
        "form": form,
        "next": _next_page(request),
        "qr_code": "data:image/svg+xml;base64," + base64.b64encode(image.getvalue()).decode(),
        "secret": base64.b32encode(device.bin_key).decode(),
    }
    return render(request, "portal/two_factor_setup.html", context)


@require_GET
def session_status(request):
    """Seconds before this session ends; asking does not count as activity (the page's timeout warning)."""
    remaining = max(0, int(seconds_left(request))) if request.user.is_authenticated else 0
    return JsonResponse({"remaining": remaining})


@require_http_methods(["POST"])
@login_required
def session_keep_alive(request):
    """Answers "stay signed in": any request counts as activity, this one does nothing else."""
    return JsonResponse({"remaining": max(0, int(seconds_left(request)))})


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


@require_GET
@customer_required
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
