"""Reads of the catalogue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from civic311.catalog.models import (
    AttributeValue,
    Department,
    RoutingRule,
    Service,
    ServiceAttribute,
)
from civic311.catalog.translation import localized
from civic311.catalog.validation import AttributeRule


def active_services() -> QuerySet[Service]:
    """Services residents can file, alphabetically, with their definitions prefetched."""
    return (
        Service.objects.filter(active=True)
        .select_related("department")
        .prefetch_related(
            Prefetch(
                "attributes",
                queryset=ServiceAttribute.objects.order_by("order").prefetch_related(
                    Prefetch("values", queryset=AttributeValue.objects.order_by("order", "id"))
                ),
            )
        )
        .order_by("name")
    )


def service_ids(codes: Iterable[str]) -> list[int]:
    """The ids of the services with these codes (one small indexed query)."""
    return list(Service.objects.filter(service_code__in=list(codes)).values_list("pk", flat=True))


def attribute_rules(service: Service) -> list[AttributeRule]:
    """The validation rules of a service's attributes (two queries)."""
    keys: dict[int, set[str]] = defaultdict(set)
    for attribute_id, key in AttributeValue.objects.filter(attribute__service=service).values_list(
        "attribute_id", "key"
    ):
        keys[attribute_id].add(key)
    return [
        AttributeRule(
            code=attribute.code,
            datatype=attribute.datatype,
            required=attribute.required,
            variable=attribute.variable,
            description=attribute.description,
            allowed_keys=frozenset(keys[attribute.pk]),
        )
        for attribute in ServiceAttribute.objects.filter(service=service)
    ]


def department_names() -> dict[str, str]:
    """Each department's public name, as timeline events store it, in the active language."""
    departments = Department.objects.only("public_name", "translations")
    return {d.public_name: localized(d, "public_name") for d in departments}


def routing_rules(service: Service) -> list[tuple[int | None, int]]:
    """(ward number or None, department id) pairs for a service."""
    return list(RoutingRule.objects.filter(service=service).values_list("ward_id", "department_id"))
