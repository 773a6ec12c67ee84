from django.urls import path

from campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.index, name="index"),
    path("wallboard/", views.wallboard, name="wallboard"),
    path("<int:campaign_id>/call/", views.call, name="call"),
    path("<int:campaign_id>/call/next/", views.take_next_lead, name="next_lead"),
    path("<int:campaign_id>/call/state/", views.change_agent_state, name="agent_state"),
    path("<int:campaign_id>/call/<int:campaign_lead_id>/outcome/", views.record_outcome, name="record_outcome"),
    path(
        "<int:campaign_id>/call/<int:campaign_lead_id>/withdraw-consent/",
        views.withdraw_consent,
        name="withdraw_consent",
    ),
    path("<int:campaign_id>/results/", views.results, name="results"),
    path("<int:campaign_id>/results.xlsx", views.results_xlsx, name="results_xlsx"),
]
