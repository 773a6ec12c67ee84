from django.urls import path

from outreach import views

app_name = "outreach"
urlpatterns = [
    path("<int:campaign_id>/call/<int:campaign_lead_id>/message/", views.write_to_lead, name="write_to_lead"),
]
