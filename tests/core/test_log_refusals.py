"""A refusal the site meant to give (403, 404) is one line in the log; a real fault keeps its traceback."""

from __future__ import annotations

import io
import logging

import pytest


@pytest.fixture
def console():
    handler = next(handler for handler in logging.getLogger().handlers if getattr(handler, "filters", None))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.django_db
def test_a_forbidden_page_is_one_line_without_traceback(client, console, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="anna", password=None))
    response = client.get("/staff/campaigns/")
    assert response.status_code == 403
    logged = console.getvalue()
    assert "Forbidden" in logged and "/staff/campaigns/" in logged
    assert "Traceback" not in logged
    assert logged.strip().count("\n") == 0


@pytest.mark.django_db
def test_a_missing_page_is_one_line(client, console):
    assert client.get("/no-such-page/").status_code == 404
    logged = console.getvalue()
    assert "Not Found" in logged and "Traceback" not in logged


def test_a_fault_keeps_its_traceback(console):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("the database fell over")
    except RuntimeError:
        logger.error("Internal Server Error: /", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in console.getvalue()
