"""Files sent in a conversation: JPEG and PNG images and PDF documents up to 5 MB.

The type is decided by the content, never by the name or the browser's content type: a PDF starts with
``%PDF-`` and ends with ``%%EOF``; anything else must open in Pillow as a JPEG or a PNG. Images are decoded and
encoded again, so that what is stored carries no EXIF or other metadata and nothing hidden after the image's end
(a re-encoded image is only its pixels). Files go through Django's storage API (STORAGES["chat_attachments"])
under random names; they are served only to the conversation's customer and agent (views_files.py).
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from accounts.models import Account
from chat.models import MAX_ATTACHMENT_BYTES, AttachmentKind, ChatAttachment, ChatMessage, Conversation
from chat.services import ChatError, ConversationClosed, ConversationNotFound, check_participant, post_message

MAX_NAME_LENGTH = 150
# Larger images are refused before they are decoded (a small file can unpack into gigabytes of pixels).
MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = (320, 320)
# A conversation holds at most this many files (a bound on what one participant can make the bank store).
MAX_FILES_PER_CONVERSATION = 30
PDF_TAIL = 2048  # "%%EOF" must be within the last bytes of a PDF (trailing whitespace allowed)


class AttachmentRefused(ChatError):
    code = "attachment_refused"
    default_message = _("This file cannot be sent.")


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str
    thumbnail: bytes | None


def _clean_image(data: bytes) -> CleanFile:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in ("JPEG", "PNG"):
                    raise AttachmentRefused(_("Only JPEG and PNG images and PDF documents can be sent."))
                if probe.width * probe.height > MAX_PIXELS:
                    raise AttachmentRefused(_("The image is too large: at most 40 megapixels."))
                probe.load()
                image = ImageOps.exif_transpose(probe)  # keep the photo upright once its EXIF is gone
    except AttachmentRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise AttachmentRefused(_("The image is too large: at most 40 megapixels.")) from None
    except Exception:  # Pillow raises many kinds of errors on a damaged or disguised file
        raise AttachmentRefused(_("The file is damaged or is not an image or a PDF.")) from None
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if kind == "PNG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    # No exif, icc_profile or text chunks are passed on: the new file holds the pixels only.
    if kind == "JPEG":
        image.save(out, format="JPEG", quality=88, optimize=True)
    else:
        image.save(out, format="PNG", optimize=True)
    thumb = image.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, format=kind, **({"quality": 80} if kind == "JPEG" else {}))
    content_type = AttachmentKind.JPEG if kind == "JPEG" else AttachmentKind.PNG
    return CleanFile(out.getvalue(), content_type, ".jpg" if kind == "JPEG" else ".png", thumb_out.getvalue())


def clean_file(data: bytes) -> CleanFile:
    """What may be stored of the uploaded bytes, or AttachmentRefused with the reason for a person."""
    if not data:
        raise AttachmentRefused(_("The file is empty."))
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentRefused(_("The file is larger than 5 MB."))
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-PDF_TAIL:]:
            raise AttachmentRefused(_("The file is damaged or is not an image or a PDF."))
        return CleanFile(data, AttachmentKind.PDF, ".pdf", None)
    return _clean_image(data)


def _display_name(name: str, extension: str) -> str:
    """The name shown in the chat: the uploaded name without any path, its extension the real type's."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    stem = base.rsplit(".", 1)[0].strip() if "." in base else base
    stem = stem[: MAX_NAME_LENGTH - len(extension)] or "file"
    return stem + extension


def send_attachment(
    *, conversation_id: int, sender: Account, name: str, data: bytes, client_message_id: str
) -> ChatMessage:
    """Store a file sent by the conversation's customer or agent and post it as a message (its text the file's
    name), published like any message. Refused: not a participant, a closed conversation, a file of a wrong type,
    damaged or over 5 MB; nothing is stored then."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        raise ConversationNotFound()
    check_participant(conversation, sender)
    if conversation.status == Conversation.Status.CLOSED:
        raise ConversationClosed()
    if ChatAttachment.objects.filter(conversation=conversation).count() >= MAX_FILES_PER_CONVERSATION:
        raise AttachmentRefused(
            _("This conversation already has %(limit)s files; start a new one to send more.")
            % {"limit": MAX_FILES_PER_CONVERSATION}
        )
    clean = clean_file(data)
    display = _display_name(name, clean.extension)
    key = uuid.uuid4().hex
    attachment = ChatAttachment(
        conversation=conversation,
        uploaded_by=sender,
        content_type=clean.content_type,
        name=display,
        size=len(clean.content),
    )
    attachment.stored_file.save(
        f"chat/{conversation.pk}/{key}{clean.extension}", ContentFile(clean.content), save=False
    )
    if clean.thumbnail is not None:
        attachment.thumbnail.save(
            f"chat/{conversation.pk}/{key}-thumb{clean.extension}", ContentFile(clean.thumbnail), save=False
        )
    try:
        with transaction.atomic():
            attachment.save()
            message, created = post_message(
                conversation_id=conversation.pk,
                sender=sender,
                client_message_id=client_message_id,
                text=display,
                attachment=attachment,
            )
            if not created:  # a resend of a file already stored: keep the first copy only
                attachment.delete()
    except Exception:
        _remove_files(attachment)  # the rows were rolled back: leave no file behind
        raise
    if not created:
        _remove_files(attachment)
    return message


def _remove_files(attachment: ChatAttachment) -> None:
    for field in (attachment.stored_file, attachment.thumbnail):
        if field.name:
            field.storage.delete(field.name)
