"""Password reset for customers by e-mail, on Django's own views: a one-time link that expires
(``PASSWORD_RESET_TIMEOUT``), the same answer whether or not the address is a customer's, requests limited per
address and per IP address, and the e-mail sent through the outbox. Setting the new password ends every session,
API token and chat socket of the login (``accounts.signals.password_changed``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.template import loader
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import client_address
from core.forms import BootstrapFormMixin
from outreach.password_reset import customers_with_address, queue_reset_email, request_allowed


class CustomerPasswordResetForm(BootstrapFormMixin, auth_forms.PasswordResetForm):
    """Django's form, for customers' logins (found by the client's e-mail), mailing through the outbox."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = gettext_lazy("The e-mail address you gave the bank")
        self.fields["email"].widget.attrs.update({"autofocus": True})

    def get_users(self, email):
        return (account for account in customers_with_address(email) if account.has_usable_password())

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        queue_reset_email(account=context["user"], subject=subject, body=body)


class CustomerSetPasswordForm(BootstrapFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "portal/password_reset_form.html"
    form_class = CustomerPasswordResetForm
    email_template_name = "portal/password_reset_email.txt"
    subject_template_name = "portal/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def get_context_data(self, **kwargs):
        # The link points at the bank's own address, never at whatever Host the request named.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        if not request_allowed(address=form.cleaned_data["email"], ip_address=client_address(self.request)):
            form.add_error(None, _("Too many requests for a password reset. Try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    form_class = CustomerSetPasswordForm
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"
