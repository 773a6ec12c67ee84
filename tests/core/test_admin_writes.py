"""No admin form of ours writes a row around the service that owns that write.

The registry below sorts every field the back office can type into an admin form (model admins and their
inlines, add and change forms, seen by a superuser, who may do the most):

- ``DIRECT``: per model, the fields the admin may write straight into the row, plain data that no service
  rule governs (a client's name, a campaign's description). A model whose every write has a service
  maps to nothing.
- ``SERVICE_FORMS``: the admin forms that a service saves instead of the form (a ``ServiceFormAdmin``,
  whose ``save_through_service`` calls that one service), with the fields they hand to it.
  ``tests/<app>/test_admin.py`` posts each of these forms and shows that the service's rule and its
  audit event apply.

An editable field found in neither fails the test, and so does a registered model of our apps that the
registry does not know: a new field, form or admin has to be sorted here on purpose, with its reason.
Admin actions are not checked here: each one calls a service and is tested with its app.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.models import Account, Client, Worker
from api.models import ApiToken
from audit.models import AuditEvent
from banking.admin import BankAccountAdmin, ExchangeRateAdmin, ReversalAdmin
from banking.models import (
    BankAccount,
    Exchange,
    ExchangeRate,
    PaymentChallenge,
    PaymentPolicy,
    PaymentTemplate,
    Receipt,
    Reversal,
    Transfer,
)
from banking.payment_admin import PaymentPolicyAdmin
from campaigns.admin import CampaignLeadAdmin
from campaigns.consent_admin import ConsentAdmin, DoNotCallAdmin
from campaigns.models import (
    AgentStateSpan,
    CallAttempt,
    CallingHoliday,
    Campaign,
    CampaignLead,
    Consent,
    Disposition,
    DoNotCall,
    Lead,
    PauseReason,
    Product,
)
from chat.admin import ConversationAdmin
from chat.models import (
    AgentSettings,
    BusinessHours,
    ChatAttachment,
    ChatHoliday,
    ChatMessage,
    Conversation,
    ConversationNote,
    SavedReply,
)
from core.admin import ServiceFormAdmin
from outreach.admin import MessageAdmin, NewsAdmin, OptOutAdmin
from outreach.models import (
    Delivery,
    Message,
    News,
    Notification,
    NotificationSettings,
    OptOut,
    PasswordResetRequest,
    ScheduledNews,
)
from surveys.admin import SurveyAdmin
from surveys.models import Survey

OUR_APPS = ("accounts", "api", "audit", "banking", "campaigns", "chat", "outreach", "surveys")

DIRECT: dict[type, set[str]] = {
    # People and logins: no services in accounts; the forms themselves refuse a login of two owners,
    # and only administrators give roles (AccountAdmin.get_readonly_fields).
    Account: {
        *("username", "password", "usable_password", "password1", "password2", "client", "worker"),
        *("first_name", "last_name", "email", "is_active", "is_staff", "is_superuser", "groups"),
        *("user_permissions", "last_login", "date_joined"),
    },
    Client: {"surname", "name", "patronymic", "sex", "birth_date", "email", "phone", "preferences"},
    # A worker's salary: administrators only (WorkerAdmin.get_fieldsets; tests/accounts/test_worker_salary.py).
    Worker: {"surname", "name", "patronymic", "sex", "birth_date", "salary", "position", "hired_on", "email", "phone"},
    # A campaign's description and money (its status moves by the transitions, its budget by itself).
    Campaign: {"name", "description", "responsible", "base_amount"}
    | {"script", "weekday_from", "weekday_until", "weekend_from", "weekend_until", "advertising"},
    # Call outcomes and holidays are plain data; the database holds their rules (disposition_recycle_rule).
    Disposition: {"campaign", "code", "name", "lead_state", "reached", "recycle_after", "max_attempts", "hotkey"}
    | {"position"},
    CallingHoliday: {"campaign", "day"},
    PauseReason: {"name", "position"},
    AgentStateSpan: set(),  # written by campaigns.services.set_agent_state from the agent's desk
    Product: {"campaign", "name", "kind", "interest_rate", "description", "cost"},
    Lead: {"surname", "name", "patronymic", "sex", "phone", "email", "time_zone", "source", "note", "client"},
    # A lead joins a campaign as new; its state and holder change through campaigns.services.lead_state.
    CampaignLead: {"campaign", "lead"},
    # Everything else is written by services only (or is history nobody writes by hand).
    BankAccount: set(),
    ExchangeRate: set(),
    Exchange: set(),
    Reversal: set(),
    PaymentPolicy: set(),
    PaymentTemplate: set(),  # banking.saved_payments, by the customer; read-only here
    PaymentChallenge: set(),  # banking.confirmation, by the customer; read-only here (its salt never shown)
    Transfer: set(),
    Receipt: set(),
    CallAttempt: set(),
    Message: set(),
    News: set(),
    OptOut: set(),
    Delivery: set(),  # the outbox moves it; back office retries or cancels by actions
    Notification: set(),  # outreach.notifications.notify; read-only here
    NotificationSettings: set(),  # the customer's own, outreach.notifications.change_notification_settings
    PasswordResetRequest: set(),  # outreach.password_reset.request_allowed; read-only here
    ScheduledNews: set(),  # outreach.scheduled_news: scheduled from the API, withdrawn by the action
    Survey: set(),
    Conversation: set(),
    # The back office sets an agent's capacity; availability is the agent's own, set on the desk (read-only here).
    AgentSettings: {"agent", "capacity"},
    # The team's saved replies are plain text; agents' own go through chat.replies.save_personal_reply.
    SavedReply: {"shortcut", "text", "owner"},
    ConversationNote: set(),
    ChatMessage: set(),
    # The chat's hours and holidays are plain settings that chat.hours reads; the database holds their rules
    # (a weekday once, opening before closing, a holiday once).
    BusinessHours: {"weekday", "opens", "closes"},
    ChatHoliday: {"day", "name"},
    ChatAttachment: set(),  # stored by chat.attachments.send_attachment after its checks; read-only here
    ApiToken: set(),
    AuditEvent: set(),
    Consent: set(),  # campaigns.services.grant_consent (add form below), withdraw_consent (action)
    DoNotCall: set(),  # campaigns.services.add_to_do_not_call (add form below)
}

# Admins whose form calls the service in clean(), so that the refusal is shown on the form; they save nothing.
SAVED_IN_FORM_CLEAN = {ExchangeRateAdmin, ReversalAdmin}

SERVICE_FORMS: dict[tuple[type, str], set[str]] = {
    (BankAccountAdmin, "add"): {"owner", "kind", "currency"},  # banking.services.open_bank_account
    (ExchangeRateAdmin, "add"): {"base", "quote", "buy", "sell", "valid_from"},  # banking.exchange.set_exchange_rate
    (ReversalAdmin, "add"): {"original", "reason"},  # banking.reversal.propose_reversal
    (PaymentPolicyAdmin, "add"): {"code_threshold"},  # banking.confirmation.set_code_threshold
    (PaymentPolicyAdmin, "change"): {"code_threshold"},  # banking.confirmation.set_code_threshold
    (CampaignLeadAdmin, "change"): {"state", "callback_at"},  # campaigns.services.change_lead_state
    (MessageAdmin, "add"): {"client", "lead", "campaign", "subject", "body"},  # outreach.services.compose_message
    (NewsAdmin, "add"): {"account", "title", "body"},  # outreach.services.publish_news_to_account
    (NewsAdmin, "change"): {"title", "body"},  # outreach.services.edit_news
    (OptOutAdmin, "add"): {"client", "lead", "source"},  # outreach.delivery_services.record_opt_out
    (ConsentAdmin, "add"): {"channel", "address", "client", "source", "evidence"},  # campaigns.services.grant_consent
    (DoNotCallAdmin, "add"): {"phone", "source", "reason"},  # campaigns.services.add_to_do_not_call
    (ConversationAdmin, "add"): {"customer", "topic"},  # chat.services.start_conversation
    (ConversationAdmin, "change"): {"agent"},  # chat.assignment.transfer_conversation
    (SurveyAdmin, "add"): {"client", "kind", "rating", "source", "text", "suggestions"},  # record_survey_on_behalf
}

OUR_ADMINS = sorted(
    ((model, model_admin) for model, model_admin in admin.site._registry.items() if model._meta.app_label in OUR_APPS),
    key=lambda pair: pair[0]._meta.label,
)


@pytest.fixture
def request_of_superuser():
    request = RequestFactory().get("/admin/")
    request.user = Account(username="root", is_active=True, is_staff=True, is_superuser=True)
    return request


def editable_fields(model_admin, request, obj) -> set[str]:
    """What the add form (``obj`` None) or the change form lets a person type in: its fields, read-only ones not."""
    change = obj is not None
    allowed = model_admin.has_change_permission(request, obj) if change else model_admin.has_add_permission(request)
    if not allowed:
        return set()
    form = model_admin.get_form(request, obj, change=change)
    return set(getattr(form, "func", form).base_fields)  # a form bound to its actor is a functools.partial


def editable_inline_fields(inline, request, obj) -> set[str]:
    """What the rows of an inline let a person type in, on rows they add or rows already saved."""
    if not (inline.has_add_permission(request, obj) or inline.has_change_permission(request, obj)):
        return set()
    formset = inline.get_formset(request, obj)
    return set(formset.form.base_fields) - {formset.fk.name}


def test_the_registry_knows_every_model_of_our_apps_in_the_admin():
    assert {model for model, _admin in OUR_ADMINS} == set(DIRECT)


@pytest.mark.parametrize(("model", "model_admin"), OUR_ADMINS, ids=lambda each: getattr(each, "__name__", ""))
def test_no_admin_form_writes_a_field_a_service_owns(model, model_admin, request_of_superuser):
    for kind, obj in (("add", None), ("change", model())):
        by_service = SERVICE_FORMS.get((type(model_admin), kind), set())
        if by_service:
            assert isinstance(model_admin, ServiceFormAdmin) or type(model_admin) in SAVED_IN_FORM_CLEAN, (
                f"{type(model_admin).__name__} is saved by a service"
            )
        around_services = editable_fields(model_admin, request_of_superuser, obj) - DIRECT[model] - by_service
        assert not around_services, f"the {kind} form of {model._meta.label} writes {sorted(around_services)}"
    for inline in model_admin.get_inline_instances(request_of_superuser, model()):
        written = editable_inline_fields(inline, request_of_superuser, model())
        around_services = written - DIRECT[inline.model]
        assert not around_services, f"{type(inline).__name__} writes {sorted(around_services)} of its rows"


def test_the_service_forms_named_are_registered_and_still_offer_their_fields(request_of_superuser):
    """A registry entry that no longer matches a form would let a later direct field slip through unnoticed."""
    registered = {type(model_admin): (model, model_admin) for model, model_admin in OUR_ADMINS}
    for (admin_class, kind), fields in SERVICE_FORMS.items():
        model, model_admin = registered[admin_class]
        obj = None if kind == "add" else model()
        assert editable_fields(model_admin, request_of_superuser, obj) >= fields, (admin_class.__name__, kind)
