"""URLs under /open311/: discovery, the GeoReport v2 API, its sandbox, and a GeoReport 404.

The format is the suffix (`.json` or `.xml`). The sandbox serves the same
views with `sandbox=True`, plus self-service sandbox keys.
"""

from django.urls import re_path

from civic311.open311 import views

app_name = "open311"

_FMT = r"\.(?P<fmt>json|xml)$"


def _api(prefix: str, name: str, sandbox: bool) -> list:
    kwargs = {"sandbox": sandbox}
    return [
        re_path(rf"^{prefix}services{_FMT}", views.service_list, kwargs, name=f"{name}services"),
        re_path(
            rf"^{prefix}services/(?P<service_code>[^/]+?){_FMT}",
            views.service_definition,
            kwargs,
            name=f"{name}service",
        ),
        re_path(rf"^{prefix}requests{_FMT}", views.requests, kwargs, name=f"{name}requests"),
        re_path(
            rf"^{prefix}requests/(?P<service_request_id>[^/]+?){_FMT}",
            views.request_detail,
            kwargs,
            name=f"{name}request",
        ),
        re_path(
            rf"^{prefix}tokens/(?P<token>[^/]+?){_FMT}", views.token, kwargs, name=f"{name}token"
        ),
        re_path(
            rf"^{prefix}servicerequestupdates{_FMT}",
            views.service_request_updates,
            kwargs,
            name=f"{name}updates",
        ),
    ]


urlpatterns = [
    re_path(rf"^discovery{_FMT}", views.discovery, name="discovery"),
    *_api("v2/", "", sandbox=False),
    *_api("sandbox/v2/", "sandbox-", sandbox=True),
    re_path(rf"^sandbox/v2/keys{_FMT}", views.sandbox_keys, {"sandbox": True}, name="sandbox-keys"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
]
