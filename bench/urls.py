"""The product's URLs plus ``/bench/trivial``: the baseline view of the pages benchmark (never in the product)."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """As little as a Django view can do: the cost of the server, middleware and routing alone."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial", trivial, name="bench-trivial"),
    path("", include("telemarketing.urls")),
]
