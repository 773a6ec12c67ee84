from django.urls import path

from chat import views

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
]
