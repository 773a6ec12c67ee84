"""ASGI entry point for daphne: HTTP through Django, websockets through Channels."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telemarketing.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from chat.sockets import DatabaseUnavailableClose, SameOriginOnly  # noqa: E402
from telemarketing.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginOnly(DatabaseUnavailableClose(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
    }
)

# What start-up loaded (Django, the apps, their modules and settings) lives as long as the process. Frozen, the
# garbage collector's passes no longer walk it; and a young generation ten times Python's default (700 objects)
# makes the passes over what the sockets create rarer. Under load the full passes had stopped the event loop for
# 75-220 ms every few seconds with 250 chat sockets a process (logged through gc.callbacks); after, one pass of
# 15-23 ms in a minute (docs/benchmarks.md).
gc.freeze()
gc.set_threshold(7000, 10, 10)
