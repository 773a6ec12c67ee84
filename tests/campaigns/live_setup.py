"""Make a telemarketing agent, a back-office worker and a campaign with leads in a live server's database.

Run by tests/campaigns/test_browser.py as ``python tests/campaigns/live_setup.py`` with the server's
settings; prints {"agent": "<session key>", "office": "<session key>", "campaign": 1} as the last line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telemarketing.settings")

import django

django.setup()


from campaigns.models import PauseReason  # noqa: E402
from campaigns.services import NewClientDetails, next_lead, record_outcome  # noqa: E402
from tests.factories import (  # noqa: E402
    CampaignFactory,
    CampaignLeadFactory,
    ProductFactory,
    StaffFactory,
    session_key_for,
)


def main() -> dict:
    campaign = CampaignFactory(name="Вклад «Надёжный»")
    campaign.script = (
        "Здравствуйте, {name} {patronymic}! Меня зовут Анна, я звоню из Банка телемаркетинга.\n"
        "Вам удобно говорить две минуты?\n"
        "Мы открыли вклад «Надёжный»: 12% годовых на год, пополнение в любой день.\n"
        "Если интересно, я оформлю заявку, и вам позвонит менеджер отделения."
    )
    campaign.save()
    PauseReason.objects.create(name="Обед")
    PauseReason.objects.create(name="Обучение", position=1)
    ProductFactory(
        campaign=campaign, name="Вклад «Надёжный» 12%", kind="deposit", cost=Decimal("5000"), description="На год."
    )
    ProductFactory(campaign=campaign, name="Кредитная карта", kind="card", cost=Decimal("1500"))
    CampaignLeadFactory.create_batch(12, campaign=campaign)
    outcomes = ["converted", "not_interested", "interested", "do_not_call", "not_interested", "interested"]
    colleagues = [StaffFactory(username=name, telemarketing_agent=True) for name in ("marina", "oleg")]
    for number, outcome in enumerate(outcomes):
        colleague = colleagues[number % 2]
        details = NewClientDetails(email=f"client{number}@example.com", sex="F", birth_date=dt.date(1980, 1, 1))
        record_outcome(
            agent=colleague,
            campaign_lead=next_lead(agent=colleague, campaign=campaign),
            outcome=outcome,
            client_details=details,
        )
    agent = StaffFactory(username="anna", telemarketing_agent=True)
    office = StaffFactory(username="office", back_office=True)
    return {"agent": session_key_for(agent), "office": session_key_for(office), "campaign": campaign.pk}


if __name__ == "__main__":
    print(json.dumps(main()))
