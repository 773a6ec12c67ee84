"""Files in a conversation: the type decided by the content, images re-encoded without metadata or hidden payload,
5 MB at most, stored through the storage API and served to the conversation's customer and agent only."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from chat import attachments, services
from chat.models import MAX_ATTACHMENT_BYTES, ChatAttachment, ChatMessage
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

PAYLOAD = b"<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def active():
    conversation = services.start_conversation(customer=CustomerFactory())
    return services.claim_conversation(conversation_id=conversation.pk, agent=StaffFactory(chat_agent=True))


def jpeg_with_exif_and_payload() -> bytes:
    image = Image.new("RGB", (640, 480), "navy")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {2: (55.0, 45.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue() + PAYLOAD  # bytes after the image's end


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (255, 0, 0, 128)).save(out, format="PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def send(conversation, sender, data: bytes, name: str = "photo.jpg", client_id: str = "f1"):
    return attachments.send_attachment(
        conversation_id=conversation.pk, sender=sender, name=name, data=data, client_message_id=client_id
    )


class TestWhatIsStored:
    def test_a_photo_loses_its_exif_and_the_payload_after_its_end(self, active):
        message = send(active, active.customer, jpeg_with_exif_and_payload(), name="C:\\Users\\me\\IMG_1.JPG")
        stored = message.attachment
        data = stored.stored_file.read()
        assert stored.content_type == "image/jpeg" and message.text == stored.name == "IMG_1.jpg"
        assert PAYLOAD not in data and b"SpyCam" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (640, 480) and not image.getexif()
        with Image.open(stored.thumbnail) as thumbnail:
            assert max(thumbnail.size) <= 320

    def test_the_type_comes_from_the_content_not_the_name(self, active):
        assert send(active, active.customer, png(), name="report.pdf").attachment.content_type == "image/png"
        pdf = send(active, active.agent, PDF, name="выписка.png", client_id="f2").attachment
        assert (pdf.content_type, pdf.name, pdf.thumbnail.name) == ("application/pdf", "выписка.pdf", "")

    @pytest.mark.parametrize(
        ("data", "reason"),
        [
            (b"", "The file is empty."),
            (b"MZ\x90\x00 an executable", "The file is damaged or is not an image or a PDF."),
            (b"GIF89a" + b"\x00" * 40, "The file is damaged or is not an image or a PDF."),
            (b"%PDF-1.4 cut short", "The file is damaged or is not an image or a PDF."),
            (b"\x89PNG\r\n\x1a\n broken", "The file is damaged or is not an image or a PDF."),
            (b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES + b"%%EOF", "The file is larger than 5 MB."),
        ],
    )
    def test_refused_files_say_why_and_leave_nothing(self, active, media, data, reason):
        with pytest.raises(attachments.AttachmentRefused, match=reason):
            send(active, active.customer, data)
        assert not ChatAttachment.objects.exists() and not ChatMessage.objects.exists()
        assert not list(media.rglob("*.*"))

    def test_a_gif_is_refused_with_the_allowed_types(self, active):
        out = io.BytesIO()
        Image.new("RGB", (4, 4)).save(out, format="GIF")
        with pytest.raises(attachments.AttachmentRefused, match="Only JPEG and PNG images and PDF documents"):
            send(active, active.customer, out.getvalue())

    def test_only_participants_of_an_open_conversation_send(self, active):
        with pytest.raises(services.NotAllowed):
            send(active, StaffFactory(chat_agent=True), png())
        services.close_conversation(conversation_id=active.pk, by=active.customer)
        with pytest.raises(services.ConversationClosed):
            send(active, active.customer, png())

    def test_a_conversation_holds_a_bounded_number_of_files(self, active, monkeypatch):
        monkeypatch.setattr(attachments, "MAX_FILES_PER_CONVERSATION", 2)
        send(active, active.customer, png(), client_id="1")
        send(active, active.agent, PDF, client_id="2")
        with pytest.raises(attachments.AttachmentRefused, match="already has 2 files"):
            send(active, active.customer, png(), client_id="3")
        assert ChatAttachment.objects.count() == 2

    def test_a_resent_upload_is_stored_once(self, active, media):
        first = send(active, active.customer, png())
        again = send(active, active.customer, png())
        assert first.pk == again.pk and ChatAttachment.objects.count() == 1
        assert len(list(media.rglob("*.png"))) == 2  # the file and its thumbnail, once


class TestPages:
    def test_upload_from_the_widget_and_the_desk_and_see_it_served(self, client, active):
        client.force_login(active.customer)
        upload = reverse("chat:upload", args=[active.pk])
        answer = client.post(upload, {"file": io.BytesIO(png()), "client_id": "u1"})
        assert answer.status_code == 201
        file = answer.json()["message"]["attachment"]
        assert file["type"] == "image/png" and file["thumbnail_url"]
        served = client.get(file["url"])
        assert served.status_code == 200 and served["Content-Type"] == "image/png"
        assert served["X-Content-Type-Options"] == "nosniff" and served["Content-Disposition"].startswith("inline")
        assert "sandbox" in served["Content-Security-Policy"] and "no-store" in served["Cache-Control"]
        client.force_login(active.agent)
        pdf = client.post(upload, {"file": _named(PDF, "Договор.pdf"), "client_id": "u2"}).json()["message"]
        served = client.get(pdf["attachment"]["url"])
        assert served["Content-Type"] == "application/pdf" and served["Content-Disposition"].startswith("attachment")
        assert client.get(file["thumbnail_url"]).status_code == 200

    def test_nobody_else_gets_the_file(self, client, active):
        message = send(active, active.customer, png())
        urls = [
            reverse("chat:attachment", args=[message.attachment_id]),
            reverse("chat:attachment_thumbnail", args=[message.attachment_id]),
        ]
        for stranger in (CustomerFactory(), StaffFactory(chat_agent=True), StaffFactory(back_office=True)):
            client.force_login(stranger)
            assert [client.get(url).status_code for url in urls] == [404, 404]

    def test_a_refused_file_is_explained_in_russian_too(self, client, active):
        client.force_login(active.customer)
        upload = reverse("chat:upload", args=[active.pk])
        answer = client.post(upload, {"file": _named(b"MZ executable", "photo.jpg"), "client_id": "u1"})
        assert answer.status_code == 400
        assert answer.json()["error"]["message"] == "The file is damaged or is not an image or a PDF."
        russian = client.post(
            upload, {"file": _named(b"MZ", "a.jpg"), "client_id": "u2"}, headers={"accept-language": "ru"}
        )
        assert russian.json()["error"]["message"] == "Файл повреждён или это не изображение и не PDF."
        assert client.post(upload, {"client_id": "u3"}).status_code == 400  # no file at all


def _named(data: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file
