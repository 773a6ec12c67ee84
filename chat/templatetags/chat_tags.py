"""The chat's template helpers: the customer's chat widget on every page, and time spans for the figures."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from chat import selectors
from chat.models import MAX_MESSAGE_LENGTH

register = template.Library()


@register.inclusion_tag("chat/_widget.html", takes_context=True)
def chat_widget(context) -> dict:
    """The chat button and panel for a signed-in customer, on every page but the chat's own. The page makes no
    query for it: the widget asks for the conversation to continue (chat:current) once loaded."""
    request = context.get("request")
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if user is None or not selectors.is_customer(user) or (match is not None and match.app_name == "chat"):
        return {"show": False}
    return {
        "show": True,
        "user": user,
        "max_length": MAX_MESSAGE_LENGTH,
    }


@register.filter
def duration(value) -> str:
    """A time span for people: "45 s", "3 min 05 s", "2 h 10 min"; "—" when there is none."""
    if value is None:
        return "—"
    seconds = max(0, round(value.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)d s") % {"seconds": seconds}
