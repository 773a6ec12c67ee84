"""Writes about logins: the audit of sign-ins, the second factor of staff, and what a password change ends."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Account
from accounts.throttling import Refusal
from audit.models import AuditAction
from audit.services import record_event


class SignInError(Exception):
    """A sign-in that did not succeed, with a message a person can read."""


class WrongCredentials(SignInError):
    pass


class SignInRefused(SignInError):
    """Throttled: too many failures; ``retry_after`` seconds to wait."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SecondFactorRequired(SignInError):
    pass


class SecondFactorNotSetUp(SignInError):
    """Staff who have not enrolled a second factor get no token: enrolment happens on the website only."""


def client_address(request: HttpRequest) -> str:
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


def refusal_message(refusal: Refusal) -> str:
    if refusal.reason == "login":
        return _("Too many failed attempts for this login: wait %(seconds)d s and try again.") % {
            "seconds": refusal.retry_after
        }
    minutes = max(1, round(refusal.retry_after / 60))
    if refusal.reason == "address":
        return _("Too many failed sign-ins from your network: try again in %(minutes)d min.") % {"minutes": minutes}
    return _("Too many failed attempts: this login is locked on this device for %(minutes)d min.") % {
        "minutes": minutes
    }


def record_sign_in_failure(*, request: HttpRequest | None, username: str) -> None:
    """Audit one failed or refused sign-in (called for every failure, after django-axes counted it)."""
    if request is None:
        return
    address = client_address(request)
    refusal: Refusal | None = getattr(request, "sign_in_refusal", None)
    with transaction.atomic():
        if refusal is not None:
            record_event(
                actor=None,
                actor_username=username,
                action=AuditAction.SIGN_IN_LOCKED,
                summary=f"refused ({refusal.reason}, {refusal.retry_after} s) from {address} at {request.path}",
            )
            return
        record_event(
            actor=None,
            actor_username=username,
            action=AuditAction.SIGN_IN_FAILED,
            summary=f"wrong login or password from {address} at {request.path}",
        )
        if getattr(request, "axes_locked_out", False):
            record_event(
                actor=None,
                actor_username=username,
                action=AuditAction.SIGN_IN_LOCKED,
                summary=f"locked for this address ({address}) after {settings.AXES_FAILURE_LIMIT} failures",
            )


def needs_second_factor(account: Account) -> bool:
    """Staff, i.e. every login that is not a customer's, sign in with a second factor."""
    return not account.is_customer


def has_second_factor(account: Account) -> bool:
    return user_has_device(account, confirmed=True)


def verify_second_factor(*, account: Account, code: str, request: HttpRequest | None = None) -> Device | None:
    """The device that accepts the code (TOTP, or a one-time recovery code, which is then used up), or None.
    A wrong code is audited; django-otp slows repeated failures per device."""
    code = "".join(code.split()).lower()
    verified = None
    if code:
        with transaction.atomic():
            for device in devices_for_user(account, confirmed=True, for_verify=True):
                if device.verify_is_allowed()[0] and device.verify_token(code):
                    verified = device
                    break
    if verified is None:
        where = f" from {client_address(request)} at {request.path}" if request is not None else ""
        record_event(actor=account, action=AuditAction.SECOND_FACTOR_FAILED, summary=f"wrong code{where}")
    return verified


def start_totp_enrolment(*, account: Account) -> TOTPDevice:
    """The device being set up (unconfirmed until a first code from it is entered): made once, reused on reload."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=account, confirmed=False).order_by("id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=account, name=_("Authenticator app"), confirmed=False)
    return device


def confirm_totp_enrolment(*, account: Account, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with its first code; returns the new one-time recovery codes (shown once), or None."""
    if device.user_id != account.pk or not device.verify_token("".join(code.split())):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=account).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=account).delete()
        recovery = StaticDevice.objects.create(user=account, name=_("Recovery codes"), confirmed=True)
        codes = [StaticToken.random_token() for _index in range(settings.RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
        record_event(actor=account, action=AuditAction.SECOND_FACTOR_ENROLLED, target=account, summary="TOTP")
    return codes


def reset_second_factor(*, account: Account, actor: Account) -> int:
    """An administrator removes a colleague's second factor (lost phone); they set it up again at next sign-in."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=account).count() + StaticDevice.objects.filter(user=account).count()
        TOTPDevice.objects.filter(user=account).delete()
        StaticDevice.objects.filter(user=account).delete()
        record_event(
            actor=actor,
            action=AuditAction.SECOND_FACTOR_RESET,
            target=account,
            summary=f"second factor of {account.get_username()} reset ({removed} devices)",
        )
    return removed


def sign_in_with_password_and_code(*, request: HttpRequest, username: str, password: str, code: str = "") -> Account:
    """The API token endpoint's sign-in: the website's throttling (django-axes), then the second factor of
    staff. Raises SignInRefused, WrongCredentials, SecondFactorRequired or SecondFactorNotSetUp."""
    account = authenticate(request=request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        # Answered by the caller; otherwise axes' middleware would replace its answer with the HTML page.
        request.axes_locked_out = False
        refusal = getattr(request, "sign_in_refusal", None) or Refusal("pair", settings.AXES_COOLOFF_TIME * 3600)
        raise SignInRefused(refusal_message(refusal), retry_after=int(refusal.retry_after))
    if account is None:
        raise WrongCredentials(_("Wrong username or password."))
    if settings.STAFF_TWO_FACTOR_REQUIRED and needs_second_factor(account) and not has_second_factor(account):
        raise SecondFactorNotSetUp(
            _("Set up the second factor: sign in on the website once, then use the code from your authenticator app.")
        )
    if needs_second_factor(account) and has_second_factor(account):
        if not code:
            raise SecondFactorRequired(_("Enter the confirmation code from your authenticator app."))
        if verify_second_factor(account=account, code=code, request=request) is None:
            raise WrongCredentials(_("Wrong confirmation code."))
    return account


def record_password_change(*, account: Account) -> None:
    """Every other session of the login already ends (Django checks the password's hash on each request);
    the API tokens and chat sockets end through their apps' receivers of the same signal."""
    record_event(
        actor=None,
        action=AuditAction.PASSWORD_CHANGED,
        target=account,
        summary=f"password of {account.get_username()} changed: other sessions, API tokens and chat sockets ended",
    )
