from django.contrib import admin
from django.urls import include, path

from outreach.views import unsubscribe
from telemarketing import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("chat/", include("chat.urls")),
    path("staff/campaigns/", include("campaigns.urls")),
    path("staff/campaigns/", include("outreach.urls")),
    path("unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
    path("", include("portal.urls")),
]
