"""Campaigns with their products, leads in them and the calls made to them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from accounts import roles
from accounts.models import Account, Sex, Worker
from campaigns.models import (
    AgentStateSpan,
    CallAttempt,
    CallingHoliday,
    CallOutcome,
    Campaign,
    CampaignLead,
    CampaignStatus,
    Consent,
    ConsentSource,
    ContactChannel,
    DoNotCall,
    DoNotCallSource,
    Lead,
    LeadState,
    PauseReason,
    Product,
)
from campaigns.services import recalculate_budget
from telemarketing.demo import texts
from telemarketing.demo.basics import SeederBase, bulk_create_rows


class CampaignSeeding(SeederBase):
    # --- campaigns and leads ----------------------------------------------------------------------

    def seed_campaigns(self) -> None:
        responsible = list(
            Worker.objects.filter(
                position__in=[texts.POSITIONS[roles.PRODUCT_MANAGERS], texts.POSITIONS[roles.BACK_OFFICE]]
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        statuses = [
            CampaignStatus.ACTIVE,
            CampaignStatus.ACTIVE,
            CampaignStatus.DRAFT,
            CampaignStatus.PAUSED,
            CampaignStatus.FINISHED,
            CampaignStatus.ACTIVE,
            CampaignStatus.FINISHED,
            CampaignStatus.PAUSED,
        ]
        themes, periods = texts.CAMPAIGN_THEMES, texts.CAMPAIGN_PERIODS
        rows, kinds = [], {}
        for index in range(self.plan.campaigns):
            fake = self.record("campaign", index)
            theme, product_kinds, description = themes[index % len(themes)]
            name = f"{theme} — {periods[(index // len(themes)) % len(periods)]}"
            if index >= len(themes) * len(periods):
                name += f" ({index // (len(themes) * len(periods)) + 1})"
            status = statuses[index % len(statuses)]
            created_at = self.ago(fake, days=(60, 400))
            started_at = (
                None if status == CampaignStatus.DRAFT else created_at + timedelta(days=fake.random.randint(1, 20))
            )
            base_amount = Decimal(fake.random.randint(100, 2000) * 1000)
            rows.append(
                Campaign(
                    name=name,
                    description=description,
                    responsible_id=fake.random.choice(responsible),
                    status=status,
                    started_at=started_at,
                    ended_at=started_at + timedelta(days=fake.random.randint(10, 40))
                    if status == CampaignStatus.FINISHED
                    else None,
                    base_amount=base_amount,
                    budget=base_amount,  # recalculated below, once its products exist
                    created_at=created_at,
                )
            )
            kinds[name] = (index, product_kinds)
        existing = set(Campaign.objects.filter(name__in=kinds).values_list("name", flat=True))
        created = bulk_create_rows(Campaign, [row for row in rows if row.name not in existing], backdate="created_at")
        products = []
        for campaign in created:
            index, product_kinds = kinds[campaign.name]
            fake = self.record("campaign-products", index)
            for kind in product_kinds:
                lowest, highest = texts.PRODUCT_COST_RANGE[kind]
                for name, description in fake.random.sample(texts.PRODUCTS[kind], k=fake.random.randint(1, 2)):
                    cost = Decimal(fake.random.randint(lowest, highest) // 1000 * 1000)
                    products.append(
                        Product(
                            campaign=campaign,
                            name=name,
                            kind=kind,
                            description=description,
                            cost=cost,
                            interest_rate=texts.PRODUCT_RATES.get(name),
                        )
                    )
        bulk_create_rows(Product, products)
        for campaign in created:
            recalculate_budget(campaign_id=campaign.pk)

    def seed_leads(self, callers: list[Account]) -> list[Lead]:
        rows = []
        for index in range(self.plan.leads):
            fake = self.record("lead", index)
            sex = fake.random.choice(Sex.values)
            # 7919 is prime to 10**9, so every index gets its own number: phones never repeat.
            phone = f"+79{(index * 7919 + 31_415_926) % 10**9:09d}"
            rows.append(
                Lead(
                    **self._person(fake, sex),
                    phone=phone,
                    email=f"{fake.user_name()}.{index}@{fake.free_email_domain()}"
                    if fake.random.random() < 0.6
                    else "",
                    source=fake.random.choice(texts.LEAD_SOURCES),
                    created_at=self.ago(fake, days=(1, 500)),
                    sex=sex,
                    note=fake.random.choice(texts.LEAD_PROFILE_NOTES) if fake.random.random() < 0.3 else "",
                )
            )
        existing = set(Lead.objects.filter(phone__in=[lead.phone for lead in rows]).values_list("phone", flat=True))
        created = bulk_create_rows(Lead, [lead for lead in rows if lead.phone not in existing], backdate="created_at")
        campaigns = list(Campaign.objects.order_by("pk").values_list("pk", "status"))
        weights = {
            CampaignStatus.DRAFT: {LeadState.NEW: 1},
            CampaignStatus.ACTIVE: {
                LeadState.NEW: 35,
                LeadState.IN_PROGRESS: 6,
                LeadState.CALLBACK: 12,
                LeadState.INTERESTED: 12,
                LeadState.NOT_INTERESTED: 15,
                LeadState.CONVERTED: 12,
                LeadState.DO_NOT_CALL: 8,
            },
            CampaignStatus.PAUSED: {
                LeadState.NEW: 40,
                LeadState.CALLBACK: 15,
                LeadState.INTERESTED: 15,
                LeadState.NOT_INTERESTED: 20,
                LeadState.CONVERTED: 10,
            },
            CampaignStatus.FINISHED: {
                LeadState.INTERESTED: 15,
                LeadState.NOT_INTERESTED: 45,
                LeadState.CONVERTED: 30,
                LeadState.DO_NOT_CALL: 10,
            },
        }
        links = []
        for lead in created:
            fake = self.record("lead-campaigns", lead.phone)
            for campaign_id, status in fake.random.sample(
                campaigns, k=min(len(campaigns), fake.random.choice([1, 1, 2, 3]))
            ):
                states = weights[status]
                state = fake.random.choices(list(states), weights=list(states.values()))[0]
                held = state == LeadState.IN_PROGRESS
                links.append(
                    CampaignLead.for_lead(
                        campaign=Campaign(pk=campaign_id),
                        lead=lead,
                        state=state,
                        callback_at=self.now + timedelta(hours=fake.random.randint(1, 96))
                        if state == LeadState.CALLBACK
                        else None,
                        held_by=fake.random.choice(callers) if held else None,
                        held_since=self.now - timedelta(minutes=fake.random.randint(1, 40)) if held else None,
                        note=fake.random.choice(texts.LEAD_NOTES[state]) if state in texts.LEAD_NOTES else "",
                    )
                )
        links = bulk_create_rows(CampaignLead, links)
        calls = []
        for link in links:
            if link.state not in CallOutcome.values:
                continue
            fake = self.record("call", f"{link.campaign_id}:{link.lead.phone}")
            calls.append(
                CallAttempt(
                    campaign_lead=link,
                    agent=fake.random.choice(callers),
                    outcome=link.state,
                    note=link.note,
                    callback_at=link.callback_at,
                    called_at=self.ago(fake, days=(0, 30)),
                )
            )
        bulk_create_rows(CallAttempt, calls, backdate="called_at")
        return created

    def seed_call_centre(self, callers: list[Account]) -> None:
        """The New Year holidays in every campaign, the pause reasons, and each caller ready since this morning."""
        new_year = date(self.now.year + 1, 1, 1)
        for campaign in Campaign.objects.exclude(status=CampaignStatus.FINISHED):
            for day in range(8):
                CallingHoliday.objects.get_or_create(campaign=campaign, day=new_year + timedelta(days=day))
        for position, name in enumerate(("Обед", "Обучение", "Собрание", "Технический перерыв")):
            PauseReason.objects.get_or_create(name=name, defaults={"position": position})
        morning = self.now.replace(hour=6, minute=0, second=0, microsecond=0)
        for caller in callers:
            if not AgentStateSpan.objects.filter(agent=caller).exists():
                AgentStateSpan.objects.create(agent=caller, state="ready", started_at=min(morning, self.now))
        self.seed_consent()

    def seed_consent(self) -> None:
        """Consent to advertising calls for most leads (a signed form or the website), since campaigns advertise;
        the do-not-call list from the leads who asked a campaign not to call them."""
        given = set(Consent.objects.filter(channel=ContactChannel.CALLS).values_list("address", flat=True))
        rows = []
        for index, phone in enumerate(Lead.objects.order_by("pk").values_list("phone", flat=True)):
            fake = self.record("consent", phone)
            if phone in given or fake.random.random() >= 0.85:
                continue
            paper = fake.random.random() < 0.6
            rows.append(
                Consent(
                    channel=ContactChannel.CALLS,
                    address=phone,
                    granted_at=self.ago(fake, days=(30, 700)),
                    source=ConsentSource.PAPER if paper else ConsentSource.WEBSITE,
                    evidence=f"Анкета № {10_000 + index}" if paper else "Форма согласия на сайте банка",
                )
            )
        Consent.objects.bulk_create(rows, batch_size=500)
        listed = set(DoNotCall.objects.values_list("phone", flat=True))
        refused = CampaignLead.objects.filter(state=LeadState.DO_NOT_CALL).values_list("lead__phone", flat=True)
        DoNotCall.objects.bulk_create(
            [DoNotCall(phone=phone, source=DoNotCallSource.CALL) for phone in sorted(set(refused) - listed)],
            batch_size=500,
        )
