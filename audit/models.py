"""Who did what and when: an append-only trail of the actions a bank's security review asks about."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    ADMIN_ADD = "admin.add", _("added in admin")
    ADMIN_CHANGE = "admin.change", _("changed in admin")
    ADMIN_DELETE = "admin.delete", _("deleted in admin")
    PAYMENT = "payment", _("payment")
    CAMPAIGN_TRANSITION = "campaign.transition", _("campaign status changed")
    LEAD_OUTCOME = "lead.outcome", _("call outcome recorded")
    NEWS_PUBLISH = "news.publish", _("news published")
    NEWS_CHANGE = "news.change", _("news edited or withdrawn")
    LEAD_STATE = "lead.state", _("lead state changed")
    LEAD_RELEASE = "lead.release", _("lead released to the queue")
    MESSAGE_COMPOSE = "message.compose", _("message written")
    MESSAGE_STATUS = "message.status", _("message status changed")
    CHAT_CLOSE = "chat.close", _("conversation closed by the back office")
    CHAT_REASSIGN = "chat.reassign", _("conversation reassigned")
    BANK_ACCOUNT_CLOSE = "bank_account.close", _("bank account closed")
    OPT_OUT = "outreach.opt_out", _("asked for no more messages")
    SIGN_IN_FAILED = "sign_in.failed", _("sign-in failed")
    SIGN_IN_LOCKED = "sign_in.locked", _("sign-in locked or refused")
    SECOND_FACTOR_FAILED = "otp.failed", _("wrong second-factor code")
    SECOND_FACTOR_ENROLLED = "otp.enrolled", _("second factor set up")
    SECOND_FACTOR_RESET = "otp.reset", _("second factor reset")
    PASSWORD_CHANGED = "password.changed", _("password changed, other sessions ended")
    EXCHANGE_RATE = "exchange.rate", _("exchange rate set")
    EXCHANGE = "exchange", _("currency exchange")
    REVERSAL_PROPOSE = "reversal.propose", _("reversal proposed")
    REVERSAL_DECIDE = "reversal.decide", _("reversal approved")
    CONSENT_GIVEN = "consent.given", _("consent to advertising given")
    CONSENT_WITHDRAWN = "consent.withdrawn", _("consent to advertising withdrawn")
    DO_NOT_CALL = "do_not_call.add", _("number put on the do-not-call list")


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("login"), max_length=150, help_text=_("Kept even if the login is deleted."))
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100)
    target_id = models.CharField(_("object id"), max_length=64)
    summary = models.CharField(_("what"), max_length=500)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_event_target")]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=AuditAction.values), name="audit_event_action_valid")
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username}: {self.summary}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are never deleted")
