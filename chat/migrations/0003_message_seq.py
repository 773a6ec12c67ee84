"""Number the messages of each conversation 1, 2, 3… (``ChatMessage.seq``), so that a reconnecting
client can ask for exactly the messages it has not seen; existing messages are numbered in id order."""

from django.db import migrations, models


def number_messages(apps, schema_editor):
    Conversation = apps.get_model("chat", "Conversation")
    ChatMessage = apps.get_model("chat", "ChatMessage")
    for conversation_id in Conversation.objects.filter(messages__isnull=False).values_list("pk", flat=True).distinct():
        ids = list(ChatMessage.objects.filter(conversation_id=conversation_id).order_by("id").values_list("id", flat=True))
        for seq, message_id in enumerate(ids, start=1):
            ChatMessage.objects.filter(pk=message_id).update(seq=seq)
        Conversation.objects.filter(pk=conversation_id).update(last_message_seq=len(ids))


class Migration(migrations.Migration):

    dependencies = [
        ("chat", "0002_rating_and_agent_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="last_message_seq",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="The number of the conversation's latest message; the next one gets the number after it.",
                verbose_name="last message number",
            ),
        ),
        migrations.AddField(
            model_name="chatmessage",
            name="seq",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(number_messages, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="chatmessage",
            name="seq",
            field=models.PositiveIntegerField(
                editable=False,
                help_text="1, 2, 3… without gaps within a conversation, so a client can tell which messages it missed.",
                verbose_name="number in the conversation",
            ),
        ),
        migrations.AddConstraint(
            model_name="chatmessage",
            constraint=models.UniqueConstraint(fields=("conversation", "seq"), name="chat_message_seq_once"),
        ),
        migrations.AddConstraint(
            model_name="chatmessage",
            constraint=models.CheckConstraint(condition=models.Q(("seq__gte", 1)), name="chat_message_seq_positive"),
        ),
    ]
