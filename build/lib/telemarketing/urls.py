from django.contrib import admin
from django.urls import include, path

from telemarketing import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("chat/", include("chat.urls")),
    path("staff/campaigns/", include("campaigns.urls")),
    path("staff/campaigns/", include("outreach.urls")),
    path("", include("portal.urls")),
]
