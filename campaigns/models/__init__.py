"""The models of campaigns, by concern: the campaigns and their leads, and the calls made to them."""

from campaigns.models.calls import (
    AgentState,
    AgentStateSpan,
    CallAttempt,
    CallingHoliday,
    CallOutcome,
    Disposition,
    PauseReason,
)
from campaigns.models.campaigns import (
    BLOCKING_STATES,
    OPEN_STATES,
    Campaign,
    CampaignLead,
    CampaignStatus,
    Lead,
    LeadState,
    Product,
    ProductKind,
)

__all__ = [
    "BLOCKING_STATES",
    "OPEN_STATES",
    "AgentState",
    "AgentStateSpan",
    "CallAttempt",
    "CallOutcome",
    "CallingHoliday",
    "Campaign",
    "CampaignLead",
    "CampaignStatus",
    "Disposition",
    "Lead",
    "LeadState",
    "PauseReason",
    "Product",
    "ProductKind",
]
