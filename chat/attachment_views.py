"""Files in a conversation: sent by its customer (the widget, the conversation page) or its agent (the desk), and
served back only to them (404 for anyone else, so nobody learns that a file exists)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chat import attachments, events, selectors, services
from chat.models import MAX_ATTACHMENT_BYTES


@require_POST
@login_required
def upload(request, conversation_id: int):
    """Answers the stored message (201), or the reason the file was refused (400); 404 outside the conversation."""
    participation = _participation(request, conversation_id)
    upload = request.FILES.get("file")
    if upload is None:
        return _refused("attachment_refused", _("Choose a file to send."))
    if upload.size > MAX_ATTACHMENT_BYTES:  # refused before it is read
        return _refused("attachment_refused", _("The file is larger than 5 MB."))
    try:
        message = attachments.send_attachment(
            conversation_id=participation.conversation.pk,
            sender=request.user,
            name=upload.name or "",
            data=upload.read(),
            client_message_id=request.POST.get("client_id", ""),
        )
    except services.ChatError as error:
        return _refused(error.code, str(error))
    payload = events.message_payload(message, customer_id=participation.conversation.customer_id)
    return JsonResponse({"message": payload}, status=201)


def _participation(request, conversation_id: int) -> selectors.Participation:
    try:
        return selectors.participation(user=request.user, conversation_id=conversation_id)
    except selectors.NotParticipant:
        raise Http404(_("There is no such conversation.")) from None


def _refused(code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=400)


@require_GET
@login_required
def download(request, attachment_id: int):
    return _serve(request, attachment_id, thumbnail=False)


@require_GET
@login_required
def thumbnail(request, attachment_id: int):
    return _serve(request, attachment_id, thumbnail=True)


def _serve(request, attachment_id: int, *, thumbnail: bool) -> FileResponse:
    """Images are shown in the page (inline), PDFs are downloaded; the type is the one decided when the file was
    stored, and the browser must not guess another (nosniff)."""
    attachment = selectors.attachment_for(user=request.user, attachment_id=attachment_id)
    stored = None if attachment is None else attachment.thumbnail if thumbnail else attachment.stored_file
    if attachment is None or stored is None or not stored.name:
        raise Http404(_("There is no such file."))
    response = FileResponse(
        stored.storage.open(stored.name, "rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
