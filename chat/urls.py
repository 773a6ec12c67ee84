from django.urls import path

from chat import attachment_views, figures_views, views

app_name = "chat"
urlpatterns = [
    path("", views.conversations, name="conversations"),
    path("<int:conversation_id>/", views.conversation, name="conversation"),
    path("<int:conversation_id>/rate/", views.rate, name="rate"),
    path("start/", views.start, name="start"),
    path("current/", views.current, name="current"),
    path("agent/", views.agent_desk, name="agent_desk"),
    path("agent/<int:conversation_id>/", views.agent_conversation, name="agent_conversation"),
    path("agent/<int:conversation_id>/context/", views.agent_context, name="agent_context"),
    path("agent/search/", views.agent_search, name="agent_search"),
    path("offline/", views.leave_offline_message, name="offline"),
    path("<int:conversation_id>/attachments/", attachment_views.upload, name="upload"),
    path("attachments/<int:attachment_id>/", attachment_views.download, name="attachment"),
    path("attachments/<int:attachment_id>/thumbnail/", attachment_views.thumbnail, name="attachment_thumbnail"),
    path("figures/", figures_views.chat_figures, name="figures"),
]
