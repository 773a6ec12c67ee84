from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from telemarketing.health import database_problem

# Load balancers give up on a probe after a few seconds; answer well before.
HEALTHZ_DEADLINE_SECONDS = 1.0


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: is this process able to reach its database?"""
    problem = database_problem(deadline=HEALTHZ_DEADLINE_SECONDS)
    if problem:
        return JsonResponse({"status": "unavailable", "database": "unreachable", "error": problem}, status=503)
    return JsonResponse({"status": "ok", "database": "reachable", "vendor": connection.vendor})
