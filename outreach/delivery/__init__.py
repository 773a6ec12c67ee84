"""Outbound delivery of personal messages: the outbox (``outbox``), consent (``consent``), and the channels'
backends (``email``, ``sms``), each raising ``TemporaryFailure`` or ``PermanentFailure`` (``errors``)."""
