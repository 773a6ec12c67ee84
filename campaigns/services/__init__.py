"""Every write and business rule of campaigns, by concern: lifecycle and budget, lead import, the call queue,
and the back office's changes to a lead's state."""

from campaigns.services.agent_state import set_agent_state
from campaigns.services.call_queue import (
    MAX_CALLBACK_AHEAD,
    MAX_NOTE_LENGTH,
    call_queue,
    hold_timeout,
    next_lead,
    record_outcome,
)
from campaigns.services.consent import (
    ConsentError,
    add_to_do_not_call,
    grant_consent,
    set_customer_consents,
    withdraw_consent,
    withdraw_during_call,
)
from campaigns.services.conversion import MIN_CLIENT_AGE_YEARS, NewClientDetails
from campaigns.services.errors import (
    CallbackTimeRefused,
    CallQueueError,
    CampaignError,
    CampaignTransitionError,
    LeadImportError,
)
from campaigns.services.lead_import import (
    LEAD_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    ImportMode,
    LeadImportReport,
    RejectedRow,
    import_leads_csv,
    import_template_csv,
    rejected_rows_csv,
)
from campaigns.services.lead_state import change_lead_state, release_lead
from campaigns.services.lifecycle import (
    CampaignAction,
    change_campaign_status,
    finish_campaign,
    pause_campaign,
    recalculate_budget,
    resume_campaign,
    start_campaign,
)

__all__ = [
    "LEAD_COLUMNS",
    "MAX_CALLBACK_AHEAD",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "MAX_NOTE_LENGTH",
    "MIN_CLIENT_AGE_YEARS",
    "CallQueueError",
    "CallbackTimeRefused",
    "CampaignAction",
    "CampaignError",
    "CampaignTransitionError",
    "ConsentError",
    "ImportMode",
    "LeadImportError",
    "LeadImportReport",
    "NewClientDetails",
    "RejectedRow",
    "add_to_do_not_call",
    "call_queue",
    "change_campaign_status",
    "change_lead_state",
    "finish_campaign",
    "grant_consent",
    "hold_timeout",
    "import_leads_csv",
    "import_template_csv",
    "next_lead",
    "pause_campaign",
    "recalculate_budget",
    "record_outcome",
    "rejected_rows_csv",
    "release_lead",
    "resume_campaign",
    "set_agent_state",
    "set_customer_consents",
    "start_campaign",
    "withdraw_consent",
    "withdraw_during_call",
]
