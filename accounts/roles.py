"""The role groups that staff and customers are put in (created by a data migration)."""

from django.utils.translation import gettext_lazy as _

CUSTOMERS = "customers"
CHAT_AGENTS = "chat agents"
CHAT_SUPERVISORS = "chat supervisors"
TELEMARKETING_AGENTS = "telemarketing agents"
PRODUCT_MANAGERS = "product managers"
BACK_OFFICE = "back office"
ADMINISTRATORS = "administrators"

ALL_ROLES = (
    CUSTOMERS,
    CHAT_AGENTS,
    CHAT_SUPERVISORS,
    TELEMARKETING_AGENTS,
    PRODUCT_MANAGERS,
    BACK_OFFICE,
    ADMINISTRATORS,
)
ROLE_LABELS = {
    CUSTOMERS: _("Customers"),
    CHAT_AGENTS: _("Chat agents"),
    CHAT_SUPERVISORS: _("Chat supervisors"),
    TELEMARKETING_AGENTS: _("Telemarketing agents"),
    PRODUCT_MANAGERS: _("Product managers"),
    BACK_OFFICE: _("Back office"),
    ADMINISTRATORS: _("Administrators"),
}
STAFF_ROLES = (CHAT_AGENTS, CHAT_SUPERVISORS, TELEMARKETING_AGENTS, PRODUCT_MANAGERS, BACK_OFFICE, ADMINISTRATORS)

_EVERY_ACTION = ("view", "add", "change", "delete")
_BACK_OFFICE_MODELS = {
    "accounts": ("client", "worker", "account"),
    "banking": ("bankaccount",),
    "campaigns": ("campaign", "product", "lead", "campaignlead", "disposition", "callingholiday", "pausereason"),
    "outreach": ("message", "news", "delivery", "optout"),
    "surveys": ("survey",),
    "chat": (
        "conversation",
        "chatmessage",
        "conversationnote",
        "agentsettings",
        "savedreply",
        "businesshours",
        "chatholiday",
        "offlinerequest",
        "chatattachment",
    ),
}

# What each role may do, as "app_label.codename". The ledger (transfers, receipts) is only ever
# viewed: money moves through the payment service, never by editing rows.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    CUSTOMERS: set(),
    CHAT_AGENTS: {
        "chat.view_conversation",
        "chat.change_conversation",
        "chat.view_chatmessage",
        "chat.add_chatmessage",
    },
    # Supervisors watch the chat's figures (response and resolution times, ratings, the queue); to answer
    # customers they are chat agents too. Plain chat agents do not see their colleagues' figures.
    CHAT_SUPERVISORS: {"chat.view_chat_figures"},
    TELEMARKETING_AGENTS: {
        "campaigns.view_campaign",
        "campaigns.view_product",
        "campaigns.view_lead",
        "campaigns.view_campaignlead",
        "campaigns.change_campaignlead",
        "outreach.view_message",
        "outreach.add_message",
        "campaigns.use_call_queue",
        "campaigns.view_campaign_results",
        "campaigns.view_callattempt",
        "accounts.add_client",
    },
    PRODUCT_MANAGERS: {
        "surveys.view_survey",
        "surveys.add_survey",
        "surveys.change_survey",
        "outreach.view_news",
        "outreach.add_news",
        "outreach.change_news",
        "outreach.delete_news",
        "campaigns.view_campaign",
        "accounts.view_client",
    },
    BACK_OFFICE: {
        f"{app}.{action}_{model}"
        for app, models in _BACK_OFFICE_MODELS.items()
        for model in models
        for action in _EVERY_ACTION
    }
    | {"banking.view_transfer", "banking.view_receipt"}
    # Exchange rates are set (a new row from a moment on), never edited; exchanges are only looked at. A
    # reversal is proposed by one member of the back office and approved by another (the service checks that).
    | {"banking.view_exchangerate", "banking.add_exchangerate", "banking.view_exchange"}
    | {"banking.view_reversal", "banking.propose_reversal", "banking.approve_reversal"}
    # The amount above which a payment needs a one-time code (one row, saved through its service).
    | {"banking.view_paymentpolicy", "banking.add_paymentpolicy", "banking.change_paymentpolicy"}
    # Customers' payment templates and payments waiting for a code, their e-mails and settings, password-reset
    # requests: only looked at. Scheduled news that waits is withdrawn (through its service), never edited.
    | {"banking.view_paymenttemplate", "banking.view_paymentchallenge"}
    | {"outreach.view_notification", "outreach.view_notificationsettings", "outreach.view_passwordresetrequest"}
    | {"outreach.view_schedulednews", "outreach.change_schedulednews"}
    # The call log is history: the back office reads it, and only agents' calls write it.
    | {"campaigns.view_callattempt", "campaigns.view_campaign_results", "campaigns.view_agentstatespan"}
    | {"chat.view_chat_figures"}
    # Consent is recorded and withdrawn (through the consent services), never deleted; so is the do-not-call list.
    | {"campaigns.view_consent", "campaigns.add_consent", "campaigns.change_consent"}
    | {"campaigns.view_donotcall", "campaigns.add_donotcall"},
}
# Administrators do what the back office does, and also manage who may do what (role groups), read
# the audit trail, revoke the desktop program's API tokens, and see and set workers' salaries.
ROLE_PERMISSIONS[ADMINISTRATORS] = ROLE_PERMISSIONS[BACK_OFFICE] | {
    "auth.view_group",
    "auth.change_group",
    "auth.view_permission",
    "audit.view_auditevent",
    "api.view_apitoken",
    "api.change_apitoken",
    "accounts.view_worker_salary",
}
