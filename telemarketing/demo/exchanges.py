"""What customers and leads receive and write: messages and their outbox, news, surveys, chats."""

from __future__ import annotations

import uuid
from datetime import timedelta

from faker import Faker

from accounts.models import Account
from campaigns.models import CampaignStatus, Lead, Product
from chat.models import AgentSettings, ChatMessage, Conversation, ConversationNote, ConversationStatus, SavedReply
from outreach.models import Delivery, DeliveryChannel, DeliveryStatus, Message, MessageStatus, News, OptOut, news_digest
from surveys.models import Survey, SurveyKind, SurveySource
from telemarketing.demo import texts
from telemarketing.demo.basics import BATCH, DEMO_REPLIES, SeederBase, bulk_create_rows


class OutreachSeeding(SeederBase):
    # --- what customers and leads receive and write -----------------------------------------------

    def _offers(self) -> dict[int, list[tuple[str, str]]]:
        offers: dict[int, list[tuple[str, str]]] = {}
        for campaign_id, name, description in Product.objects.filter(
            campaign__status__in=[CampaignStatus.ACTIVE, CampaignStatus.FINISHED, CampaignStatus.PAUSED]
        ).values_list("campaign_id", "name", "description"):
            offers.setdefault(campaign_id, []).append((name, description))
        return offers

    def _message(self, fake: Faker, offers: dict, *, name: str, **recipient) -> Message:
        campaign_id = fake.random.choice(sorted(offers))
        product, description = fake.random.choice(offers[campaign_id])
        subject, body = fake.random.choice(texts.MESSAGE_TEMPLATES)
        status = fake.random.choice(MessageStatus.values)
        created_at = self.ago(fake, days=(0, 60))
        sent = status != MessageStatus.AWAIT and status != MessageStatus.FAILED
        return Message(
            **recipient,
            campaign_id=campaign_id,
            subject=subject.format(product=product, name=name)[:200],
            body=body.format(product=product, name=name, description=description),
            status=status,
            created_at=created_at,
            sent_at=created_at + timedelta(minutes=fake.random.randint(1, 90)) if sent else None,
            read_at=created_at + timedelta(hours=fake.random.randint(2, 48)) if status == MessageStatus.READ else None,
        )

    def seed_messages(self, customers: list[Account], leads: list[Lead], *, per_customer: tuple[int, int]) -> None:
        offers = self._offers()
        rows = []
        for account in customers:
            fake = self.record("client-messages", account.username)
            client = account.client
            for _ in range(fake.random.randint(*per_customer)):
                rows.append(
                    self._message(fake, offers, name=f"{client.name} {client.patronymic}".strip(), client=client)
                )
        for lead in leads:
            fake = self.record("lead-messages", lead.phone)
            if fake.random.random() < 0.3:
                rows.append(self._message(fake, offers, name=f"{lead.name} {lead.patronymic}".strip(), lead=lead))
        messages = bulk_create_rows(Message, rows, backdate="created_at")
        self.seed_outbox(messages)
        if leads:
            OptOut.objects.get_or_create(lead=leads[-1], client=None, defaults={"source": "unsubscribe link"})

    def seed_outbox(self, messages: list[Message]) -> None:
        """Each demo message's outbox row, in step with its status; waiting ones are sent by the demo's worker."""
        outcome = {
            MessageStatus.AWAIT: DeliveryStatus.AWAIT,
            MessageStatus.FAILED: DeliveryStatus.FAILED,
        }
        rows = []
        for message in messages:
            recipient = message.client or message.lead
            channel = DeliveryChannel.EMAIL if recipient.email else DeliveryChannel.SMS
            status = outcome.get(message.status, DeliveryStatus.SENT)
            rows.append(
                Delivery(
                    message=message,
                    idempotency_key=uuid.UUID(int=self.fake.random.getrandbits(128)).hex,
                    channel=channel,
                    address=recipient.email or recipient.phone,
                    status=status,
                    attempts=0 if status == DeliveryStatus.AWAIT else 1,
                    last_error="The mail server refused the address: 550 mailbox unavailable"
                    if status == DeliveryStatus.FAILED
                    else "",
                    next_attempt_at=message.created_at,
                    sent_at=message.sent_at,
                    finished_at=message.sent_at,
                )
            )
        Delivery.objects.bulk_create(rows, batch_size=BATCH)

    def seed_news(self, customers: list[Account], *, per_customer: tuple[int, int]) -> None:
        rows = []
        for account in customers:
            fake = self.record("news", account.username)
            for title, body in fake.random.sample(texts.NEWS, k=fake.random.randint(*per_customer)):
                published_at = self.ago(fake, days=(0, 120))
                withdrawn = title.startswith("Плановые работы") and published_at < self.now - timedelta(days=3)
                rows.append(
                    News(
                        account=account,
                        title=title,
                        body=body,
                        digest=news_digest(title=title, body=body),
                        published_at=published_at,
                        withdrawn_at=published_at + timedelta(days=2) if withdrawn else None,
                    )
                )
        bulk_create_rows(News, rows, backdate="published_at")

    def seed_surveys(self, customers: list[Account], *, per_customer: tuple[int, int]) -> None:
        rows = []
        for account in customers:
            fake = self.record("surveys", account.username)
            for _ in range(fake.random.randint(*per_customer)):
                kind = fake.random.choices(SurveyKind.values, weights=[3, 2, 2, 3, 2, 3, 3])[0]
                (lowest, highest), sayings = texts.SURVEYS[kind]
                rows.append(
                    Survey(
                        client=account.client,
                        kind=kind,
                        text=fake.random.choice(sayings),
                        suggestions=fake.random.choice(texts.SURVEY_SUGGESTIONS),
                        rating=fake.random.randint(lowest, highest),
                        source=SurveySource.CHAT
                        if kind == SurveyKind.CHAT_RATING
                        else fake.random.choice([SurveySource.WEBSITE, SurveySource.PHONE, SurveySource.DESKTOP]),
                        created_at=self.ago(fake, days=(0, 365)),
                    )
                )
        bulk_create_rows(Survey, rows)

    def seed_chats(
        self, customers: list[Account], agents: list[Account], *, share: float, statuses: tuple[str, ...]
    ) -> None:
        """Conversations of a share of the customers, their statuses taken in turn from `statuses`."""
        conversations, lines = [], []
        for account in customers:
            fake = self.record("chat", account.username)
            if fake.random.random() >= share:
                continue
            topic, dialogue = fake.random.choice(texts.CHATS)
            status = statuses[len(conversations) % len(statuses)]
            if status == ConversationStatus.WAITING:
                agent, said = None, dialogue[:1]
                started = self.now - timedelta(minutes=fake.random.randint(1, 15))
            elif status == ConversationStatus.ACTIVE:
                agent, said = fake.random.choice(agents), dialogue[: fake.random.randint(2, len(dialogue))]
                started = self.now - timedelta(minutes=fake.random.randint(5, 30))
            else:
                agent, said = fake.random.choice(agents), dialogue
                started = self.ago(fake, days=(1, 90))
            claimed = started + timedelta(minutes=fake.random.randint(1, 3)) if agent else None
            conversation = Conversation(
                customer=account,
                agent=agent,
                topic=topic,
                status=status,
                created_at=started,
                claimed_at=claimed,
                closed_at=claimed + timedelta(minutes=len(said) * 2 + 1)
                if status == ConversationStatus.CLOSED
                else None,
                last_message_seq=len(said),
            )
            conversations.append(conversation)
            for position, text in enumerate(said):
                lines.append(
                    ChatMessage(
                        conversation=conversation,
                        sender=account if position % 2 == 0 else agent,
                        client_message_id=uuid.UUID(int=fake.random.getrandbits(128)).hex,
                        seq=position + 1,
                        text=text,
                        created_at=started + timedelta(minutes=position * 2, seconds=fake.random.randint(0, 59)),
                    )
                )
        bulk_create_rows(Conversation, conversations, backdate="created_at")
        bulk_create_rows(ChatMessage, lines, backdate="created_at")
        self._rate_chats([chat for chat in conversations if chat.status == ConversationStatus.CLOSED])

    def _rate_chats(self, conversations: list[Conversation]) -> None:
        """Most customers rate a chat once it is closed: a chat-rating survey that the conversation points to."""
        rated = []
        for conversation in conversations:
            fake = self.record("chat-rating", conversation.customer.username)
            if fake.random.random() < 0.7:
                (lowest, highest), sayings = texts.SURVEYS[SurveyKind.CHAT_RATING]
                conversation.rating = Survey(
                    client=conversation.customer.client,
                    kind=SurveyKind.CHAT_RATING,
                    text=fake.random.choice(sayings),
                    rating=fake.random.randint(lowest, highest),
                    source=SurveySource.CHAT,
                    created_at=conversation.closed_at + timedelta(minutes=1),
                )
                rated.append(conversation)
        bulk_create_rows(Survey, [conversation.rating for conversation in rated])
        Conversation.objects.bulk_update(rated, ["rating"], batch_size=BATCH)

    def seed_desk(self, chat_agents: list[Account]) -> None:
        """Each chat agent's settings (away until they go online on the desk) and the team's saved replies."""
        for agent in chat_agents:
            AgentSettings.objects.get_or_create(agent=agent)
        for shortcut, text in DEMO_REPLIES.items():
            SavedReply.objects.get_or_create(owner=None, shortcut=shortcut, defaults={"text": text})
        served = Conversation.objects.filter(agent__isnull=False).order_by("pk").first()
        if served is not None and not ConversationNote.objects.exists():
            ConversationNote.objects.create(
                conversation=served, author=served.agent, text="Клиент просил перезвонить после 18:00."
            )
