"""The working day as numbers: change them here, not in the people's code.

Every human wait (thinking, typing, talking on the phone) is drawn from the ranges below and multiplied by
``PACE`` (environment ``CAPACITY_PACE``, default 0.25): people act 1 / PACE times faster than at human pace,
so that a caller's call of 30–120 s ends within a one-minute step. The load of one simulated person is
then that of 1 / PACE real ones; the report gives both counts ("simulated" and "at human pace").
"""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass

PACE = float(os.environ.get("CAPACITY_PACE", "0.25"))

# Per 1,000 customers online (a bank's contact centre): chat agents, callers, product managers; one supervisor.
PER_THOUSAND = {"chat_agents": 20, "callers": 30, "product_managers": 2}
SUPERVISORS = 1

# Shares (the smoke test raises them to 1 through the environment, so that every path runs in seconds).
CHAT_SHARE = float(os.environ.get("CAPACITY_CHAT_SHARE", "0.05"))  # of customers' visits include a chat
TRANSFER_SHARE = float(os.environ.get("CAPACITY_TRANSFER_SHARE", "0.1"))  # of conversations handed on
MESSAGE_SHARE = float(os.environ.get("CAPACITY_MESSAGE_SHARE", "0.2"))  # of calls followed by a written message

# Human waits in seconds, before PACE.
THINK = (10.0, 40.0)  # a customer between two pages
TYPE = (5.0, 20.0)  # a customer writing a chat message
ANSWER = (2.0, 8.0)  # a chat agent answering ("within seconds")
CALL = (30.0, 120.0)  # a caller on the phone with a lead, before the outcome
WRAP_UP = (5.0, 15.0)  # a caller between two calls
PM_THINK = (20.0, 90.0)  # a product manager between two screens of the desktop program
WALLBOARD = (15.0, 30.0)  # the supervisor's refresh of the campaign results
CHAT_TURNS = (2, 4)  # messages a chatting customer writes before closing
VISIT = (4, 10)  # pages of one visit; then the customer signs out, and a new visit signs in again

# What a step must hold (the capacity figure is the last step that held, in both of its runs).
PAGE_P95_LIMIT_MS = 500.0
CHAT_MESSAGE_LIMIT_MS = 1000.0


def wait(span: tuple[float, float]) -> float:
    """A human wait drawn from ``span``, compressed by ``PACE``."""
    return random.uniform(*span) * PACE


@dataclass(frozen=True)
class Crowd:
    """Who is online in one step."""

    customers: int
    chat_agents: int
    callers: int
    product_managers: int
    supervisors: int = SUPERVISORS

    @classmethod
    def for_customers(cls, customers: int) -> Crowd:
        """The staff for ``customers`` in the proportions above, at least one of each role."""
        staff = {role: max(1, math.ceil(customers * share / 1000)) for role, share in PER_THOUSAND.items()}
        return cls(customers=customers, **staff)

    @property
    def total(self) -> int:
        return self.customers + self.chat_agents + self.callers + self.product_managers + self.supervisors

    def as_dict(self) -> dict[str, int]:
        return {
            "customers": self.customers,
            "chat_agents": self.chat_agents,
            "callers": self.callers,
            "product_managers": self.product_managers,
            "supervisors": self.supervisors,
        }
