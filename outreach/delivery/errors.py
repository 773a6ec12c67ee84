"""How a channel says a message did not go: try again later, or never (this message alone)."""

from __future__ import annotations


class DeliveryFailure(Exception):
    """The reason, written for the back office."""


class TemporaryFailure(DeliveryFailure):
    """The server or the provider cannot take messages now (unreachable, out of money, refusing our login)."""


class PermanentFailure(DeliveryFailure):
    """This message can never go as it is (a malformed address or number, a recipient refused)."""
