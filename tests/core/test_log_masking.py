import logging

import pytest

from telemarketing.log_masking import MaskSecretsFilter, mask_secrets


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("POST /login/ username=ivanov&password=Secret-pass-123", "Secret-pass-123"),
        ('{"username": "demo_pm", "password": "hunter2!"}', "hunter2!"),
        ("Authorization: Bearer tm_9f8e7d6c5b4a39281706", "tm_9f8e7d6c5b4a39281706"),
        ("Cookie: sessionid=abc123def456ghi789; csrftoken=qwertyuiop", "abc123def456ghi789"),
        ("Cookie: sessionid=abc123def456ghi789; csrftoken=qwertyuiop", "qwertyuiop"),
        ("payment from 40817810000000001234 to 40817810999999995678", "4081781000000000"),
        ('{"username": "demo_pm", "password": "x", "otp_code": "493017"}', "493017"),
        ("Cookie: remembered_login=ivanov:1tQz:AbCdEf", "ivanov:1tQz"),
    ],
)
def test_secrets_are_masked(line, secret):
    assert secret not in mask_secrets(line)


def test_account_numbers_keep_their_last_four_digits():
    assert mask_secrets("to 40817810999999995678.") == "to …5678."


def test_ordinary_text_is_untouched():
    line = "GET /dashboard/ 200 in 12 ms, 3 accounts, amount 1500.50"
    assert mask_secrets(line) == line


def test_the_filter_masks_arguments_and_tracebacks(caplog):
    logger = logging.getLogger("tests.masking")
    logger.addFilter(MaskSecretsFilter())
    try:
        with caplog.at_level(logging.INFO, logger="tests.masking"):
            logger.info("signing in with password=%s", "Secret-pass-123")
            try:
                raise ValueError("bad token=abcdef1234567890")
            except ValueError:
                logger.exception("failed for account %s", "40817810000000001234")
    finally:
        logger.filters.clear()
    assert "Secret-pass-123" not in caplog.text
    assert "abcdef1234567890" not in caplog.text
    assert "40817810000000001234" not in caplog.text
    assert "…1234" in caplog.text
