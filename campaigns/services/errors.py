"""The domain errors of campaigns: one hierarchy, so that interfaces translate every refusal the same way."""


class CampaignError(Exception):
    """A campaign rule refused the request; the message is meant for a person."""


class CampaignTransitionError(CampaignError):
    pass


class LeadImportError(CampaignError):
    """The file as a whole cannot be read (not CSV, no phone column, too big)."""


class CallQueueError(CampaignError):
    pass


class CallbackTimeRefused(CallQueueError):
    """A call-back asked for outside the lead's calling hours; ``suggested`` is the nearest allowed time."""

    def __init__(self, message: str, *, suggested):
        super().__init__(message)
        self.suggested = suggested
