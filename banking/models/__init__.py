"""The models of banking: the ledger (``ledger``), and what a payment needs before it is made (``payments``)."""

from banking.models.ledger import (
    ACCOUNT_NUMBER_LENGTH,
    NICKNAME_MAX_LENGTH,
    RATE,
    BankAccount,
    BankAccountKind,
    Exchange,
    ExchangeRate,
    Receipt,
    ReceiptKind,
    Reversal,
    ReversalStatus,
    Transfer,
)
from banking.models.payments import (
    CODE_SENDS,
    CODE_TRIES,
    PaymentChallenge,
    PaymentPolicy,
    PaymentTemplate,
)

__all__ = [
    "ACCOUNT_NUMBER_LENGTH",
    "CODE_SENDS",
    "CODE_TRIES",
    "NICKNAME_MAX_LENGTH",
    "RATE",
    "BankAccount",
    "BankAccountKind",
    "Exchange",
    "ExchangeRate",
    "PaymentChallenge",
    "PaymentPolicy",
    "PaymentTemplate",
    "Receipt",
    "ReceiptKind",
    "Reversal",
    "ReversalStatus",
    "Transfer",
]
