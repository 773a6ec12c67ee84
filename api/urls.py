import typing

from django.urls import URLPattern, re_path, reverse
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from pydantic import BaseModel

from api import http, scheduled_news, views
from api.auth import ProductManagerToken
from api.errors import answer_errors_in_json


class ManagementApi(NinjaAPI):
    def get_content_type(self) -> str:
        return "application/json"  # JSON is UTF-8 by definition (RFC 8259): no charset parameter

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        """Paths relative to the API's root, which is the document's server (as the desktop program sees it)."""
        schema = super().get_openapi_schema(path_prefix="", path_params=path_params)
        openapi_url = reverse(f"{self.urls_namespace}:openapi-json", kwargs=path_params)
        schema["servers"] = [{"url": openapi_url.removesuffix(self.openapi_url or "").rstrip("/")}]
        return schema

    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext]) -> ValidationError:
        """Each unknown field is refused with the fields its place (query string or body) expects."""
        error = super().validation_error_from_error_contexts(error_contexts)
        expected: dict[str, set[str]] = {}
        for context in error_contexts:
            for field in context.model.model_fields.values():
                for model in (field.annotation, *typing.get_args(field.annotation)):
                    if isinstance(model, type) and issubclass(model, BaseModel):
                        names = {inner.alias or name for name, inner in model.model_fields.items()}
                        expected.setdefault(context.model.__ninja_param_source__, set()).update(names)
        for problem in error.errors:
            if problem["type"] == "extra_forbidden":
                problem["ctx"] = {"expected": sorted(expected.get(problem["loc"][0], ()))}
        return error


management_api = ManagementApi(
    title="Telemarketing centre: management API",
    version="1.0.0",
    description="For the product managers' desktop program: surveys, their statistics, bank news. Every answer is "
    'JSON; an error is {"error": "…", "details": {field: message}}. Send `Accept-Language: en` or `ru` for the '
    "messages' language.",
    auth=ProductManagerToken(),
    parser=http.JsonObjectParser(),
    docs_url=None,
    urls_namespace="api",
)
answer_errors_in_json(management_api)
management_api.add_router("/auth", views.auth)
management_api.add_router("/surveys", views.surveys)
management_api.add_router("/news/scheduled", scheduled_news.router)
management_api.add_router("/news", views.news)
management_api.add_router("", views.pickers)

app_name = "api"
urlpatterns = [
    *(
        URLPattern(pattern.pattern, http.answered_in_json(pattern.callback), pattern.default_args, pattern.name)
        for pattern in management_api.urls[0]
        if isinstance(pattern, URLPattern) and pattern.callback is not None
        if pattern.name != "api-root"  # ninja's root view answers HTML; the root is a JSON 404 below
    ),
    re_path(r"^(?P<unmatched>.*)$", http.not_found, name="not-found"),
]
