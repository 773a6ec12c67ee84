"""When a session was signed in and last used: set at every sign-in (website, admin, tests' force_login)."""

import time

from portal.middleware import LAST_SEEN, SIGNED_IN_AT


def on_signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = time.time()
