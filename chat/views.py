"""Chat pages: the customer's conversations and the agents' desk. The live part runs over websockets
(chat/consumers.py); these pages render what is already stored and load the scripts."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chat import hours, offline, selectors, services
from chat.forms import RatingForm, StartConversationForm
from chat.models import MAX_MESSAGE_LENGTH


def chat_labels() -> dict:
    """The words the chat scripts show, translated on the server (static scripts hold no text)."""
    return {
        "you": _("You"),
        "customer": _("Customer"),
        "agent": _("Agent"),
        "connecting": _("Connecting…"),
        "connected": _("Connected"),
        "reconnecting": _("Connection lost, reconnecting…"),
        "sending": _("sending…"),
        "typing_agent": _("The agent is typing…"),
        "typing_customer": _("The customer is typing…"),
        "agent_online": _("Your agent is online"),
        "agent_offline": _("Your agent is offline"),
        "customer_online": _("The customer is online"),
        "customer_offline": _("The customer is offline"),
        "agents_online": _("Agents online: %(count)s"),
        "no_agents_online": _("No agent is online right now; your conversation waits in the queue."),
        "waiting": _("Waiting for an agent…"),
        "active": _("An agent is with you"),
        "closed": _("This conversation is closed."),
        "claim": _("Take"),
        "open": _("Open"),
        "close": _("Close conversation"),
        "confirm_close": _("Close this conversation?"),
        "queue_empty": _("Nobody is waiting."),
        "mine_empty": _("You have no active conversations."),
        "no_topic": _("(no topic)"),
        "dismiss": _("Dismiss"),
        "too_long": _("A message may be at most %(limit)s characters long.") % {"limit": MAX_MESSAGE_LENGTH},
        "queue_place": _("Your place in the queue: %(position)s."),
        "queue_wait": _("Estimated wait: about %(minutes)s min."),
        "queue_next": _("You are next in the queue."),
        "waiting_for": _("waiting %(minutes)s min"),
        "waiting_now": _("just now"),
        "note": _("Private note"),
        "note_placeholder": _("A note for agents only: the customer never sees it"),
        "transfer": _("Transfer"),
        "to_queue": _("Back to the queue"),
        "transfer_note": _("Note for the next agent (optional)"),
        "availability_online": _("online"),
        "availability_busy": _("busy"),
        "availability_away": _("away"),
        "agent_label": _("Agent: %(name)s"),
        "customer_label": _("Customer: %(name)s"),
        "new_customer": _("A customer is waiting: %(name)s"),
        "no_replies": _("No saved reply starts like that."),
        "chat": _("Chat"),
        "start_hint": _("Write your question: an agent of the bank answers here."),
        "unread": _("Unread messages: %(count)s"),
        "file_too_large": _("The file is larger than 5 MB."),
        "upload_failed": _("The file could not be sent; please try again."),
        "megabytes": _("MB"),
        "kilobytes": _("KB"),
        "decimal_mark": formats.get_format("DECIMAL_SEPARATOR"),
    }


def _require_customer(request) -> None:
    if not selectors.is_customer(request.user):
        raise PermissionDenied(_("The chat is for the bank's customers."))


def _require_agent(request) -> None:
    if not selectors.is_chat_agent(request.user):
        raise PermissionDenied(_("These pages are for chat agents."))


@login_required
def conversations(request):
    """The customer's conversations and the form that starts a new one."""
    if not selectors.is_customer(request.user) and selectors.is_chat_agent(request.user):
        return redirect("chat:agent_desk")
    _require_customer(request)
    form = StartConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.start_conversation(customer=request.user, topic=form.cleaned_data["topic"])
        except services.ChatError as error:
            form.add_error(None, str(error))
        else:
            return redirect("chat:conversation", conversation_id=conversation.pk)
    return render(
        request,
        "chat/conversations.html",
        {
            "form": form,
            "conversations": selectors.customer_conversations(customer=request.user),
            "hours": hours.chat_hours(),
        },
    )


@login_required
def conversation(request, conversation_id: int):
    _require_customer(request)
    found = selectors.conversation_of_customer(customer=request.user, conversation_id=conversation_id)
    if found is None:
        raise Http404(_("There is no such conversation."))
    return render(
        request,
        "chat/conversation.html",
        {
            "conversation": found,
            "history": selectors.conversation_messages(conversation=found),
            "role": "customer",
            "rating_form": RatingForm() if found.status == found.Status.CLOSED and found.rating_id is None else None,
            "labels": chat_labels(),
            "max_length": MAX_MESSAGE_LENGTH,
        },
    )


@require_POST
@login_required
def rate(request, conversation_id: int):
    _require_customer(request)
    form = RatingForm(request.POST)
    if not form.is_valid():
        problem = _("Choose a rating from 1 to 5.") if "rating" in form.errors else form.errors["comment"][0]
        messages.error(request, problem)
        return redirect("chat:conversation", conversation_id=conversation_id)
    try:
        services.rate_conversation(
            conversation_id=conversation_id,
            customer=request.user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except services.ConversationNotFound as error:
        raise Http404(str(error)) from None
    except services.ChatError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("chat:conversation", conversation_id=conversation_id)


@require_POST
@login_required
def start(request):
    """The widget's first message starts a conversation without a form: answers its id, or the reason why not."""
    _require_customer(request)
    try:
        conversation = services.start_conversation(customer=request.user, topic=request.POST.get("topic", ""))
    except services.ChatError as error:
        return JsonResponse({"error": {"code": error.code, "message": str(error)}}, status=400)
    return JsonResponse({"conversation": conversation.pk}, status=201)


@login_required
def current(request):
    """The widget asks which conversation to continue (the customer's latest open one, or none), and whether
    agents answer now; outside business hours it offers the offline form, prefilled with the customer's name
    and e-mail."""
    _require_customer(request)
    found = selectors.open_conversation_of(customer=request.user)
    state = hours.chat_hours()
    client = request.user.client
    return JsonResponse(
        {
            "conversation": found.pk if found else None,
            "labels": chat_labels() | offline_labels(),
            "hours": {
                "open": state.open_now,
                "next_opening": formats.date_format(timezone.localtime(state.next_opening), "l, j E, H:i")
                if state.next_opening
                else None,
            },
            "prefill": {"name": request.user.get_full_name(), "email": client.email if client else ""},
        }
    )


def offline_labels() -> dict:
    return {
        "offline_title": _("Our agents are not at work now"),
        "offline_intro": _("Leave a message: we will answer here and by e-mail."),
        "offline_next": _("Agents are back on %(when)s."),
        "offline_name": _("Your name"),
        "offline_email": _("E-mail for the answer"),
        "offline_text": _("Your message"),
        "offline_send": _("Leave a message"),
        "offline_sent": _("Thank you! We will answer by e-mail at %(email)s."),
    }


@require_POST
@login_required
def leave_offline_message(request):
    """The widget's offline form: a conversation in the queue whose answers are also e-mailed (chat/offline.py)."""
    _require_customer(request)
    try:
        conversation = offline.leave_message(
            customer=request.user,
            name=request.POST.get("name", ""),
            email=request.POST.get("email", ""),
            text=request.POST.get("text", ""),
        )
    except services.ChatError as error:
        return JsonResponse({"error": {"code": error.code, "message": str(error)}}, status=400)
    return JsonResponse({"conversation": conversation.pk, "email": conversation.reply_email}, status=201)


@login_required
def agent_context(request, conversation_id: int):
    """The customer's context beside a conversation: for the agent it is assigned to now, 404 for anyone else."""
    _require_agent(request)
    context = selectors.customer_context(agent=request.user, conversation_id=conversation_id)
    if context is None:
        raise Http404(_("There is no such conversation among yours."))
    return render(request, "chat/_customer_context.html", {"context": context})


@login_required
def agent_search(request):
    """The agent's conversations found by text, customer's name and day."""
    _require_agent(request)
    query = request.GET.get("q", "").strip()[:200]
    try:
        day = dt.date.fromisoformat(request.GET["day"]) if request.GET.get("day") else None
    except ValueError:
        day = None
        messages.error(request, _("Enter the day as YYYY-MM-DD."))
    found = (
        selectors.search_conversations(agent=request.user, query=query, day=day) if query or day is not None else None
    )
    return render(request, "chat/agent_search.html", {"query": query, "day": day, "found": found})


@login_required
def agent_desk(request):
    """The live queue and the agent's own conversations; the desk script fills it over the websocket."""
    _require_agent(request)
    return render(
        request, "chat/agent_desk.html", {"labels": chat_labels(), "max_length": MAX_MESSAGE_LENGTH, "role": "agent"}
    )


@login_required
def agent_conversation(request, conversation_id: int):
    """One conversation the agent claimed, active or closed, with its whole history."""
    _require_agent(request)
    found = selectors.conversation_of_agent(agent=request.user, conversation_id=conversation_id)
    if found is None:
        raise Http404(_("There is no such conversation among yours."))
    return render(
        request,
        "chat/agent_conversation.html",
        {
            "conversation": found,
            "history": selectors.conversation_messages(conversation=found),
            "role": "agent",
            "labels": chat_labels(),
            "max_length": MAX_MESSAGE_LENGTH,
        },
    )
