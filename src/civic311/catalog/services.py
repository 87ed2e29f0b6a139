"""Loading a city's catalogue file: departments, services, attributes, routing and wards.

Loading is idempotent: running it again updates what changed and removes
attributes and values the file no longer lists, so the file stays the truth.
Each department, service and attribute may carry `translations:` (e.g.
`es: {name: Bache en la calle}`), kept beside the English the API speaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from civic311.catalog.models import (
    AttributeValue,
    Department,
    RoutingRule,
    Service,
    ServiceAttribute,
)
from civic311.core.errors import ValidationFailed
from civic311.geo.services import load_community_areas, load_ward_offices, load_wards

BUILT_IN = {"chicago-2012": "chicago/chicago-2012.yaml"}
# What each kind of row may translate: the words residents read, never codes.
TRANSLATABLE = {
    "department": {"public_name"},
    "service": {"name", "description", "group", "keywords"},
    "attribute": {"description", "datatype_description", "values"},
}


@dataclass(frozen=True)
class CatalogSummary:
    """What a load did, for the command's report."""

    departments: int
    services: int
    routing_rules: int
    wards: int


def catalog_path(name_or_path: str) -> Path:
    """The YAML file for a built-in catalogue name or a path to a city's own file."""
    if name_or_path in BUILT_IN:
        return Path(str(resources.files("civic311.catalog") / "catalogs" / BUILT_IN[name_or_path]))
    path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join(sorted(BUILT_IN))
        raise ValidationFailed(
            f"no catalogue named {name_or_path!r}: give a built-in name ({known}) or a YAML file"
        )
    return path


def load_catalog(*, name_or_path: str) -> CatalogSummary:
    """Load (or refresh) a catalogue file into the database, in one transaction."""
    path = catalog_path(name_or_path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"{path} is not valid YAML: {exc}") from None
    with transaction.atomic():
        wards = _load_wards(document.get("wards"), path.parent)
        _load_community_areas(document.get("community_areas"), path.parent)
        departments = {d["code"]: _department(d) for d in document.get("departments", [])}
        services = [_service(s, departments) for s in document.get("services", [])]
        rules = [_routing_rule(r, departments) for r in document.get("routing", [])]
    return CatalogSummary(len(departments), len(services), len(rules), wards)


def _load_wards(spec: dict[str, Any] | None, folder: Path) -> int:
    if not spec:
        return 0
    count = load_wards(path=folder / spec["file"], number_property=spec["number_property"])
    if spec.get("offices"):
        load_ward_offices(path=folder / spec["offices"])
    return count


def _load_community_areas(spec: dict[str, Any] | None, folder: Path) -> int:
    if not spec:
        return 0
    return load_community_areas(
        path=folder / spec["file"],
        number_property=spec["number_property"],
        name_property=spec["name_property"],
    )


def _department(spec: dict[str, Any]) -> Department:
    department, _ = Department.objects.update_or_create(
        code=spec["code"],
        defaults={
            "name": spec["name"],
            "public_name": spec.get("public_name", spec["name"]),
            "email": spec.get("email", ""),
            "phone": str(spec.get("phone", "")),
            "open_data_names": [str(name) for name in spec.get("open_data", [])],
            "translations": _translations(spec, "department", spec["code"]),
        },
    )
    return department


def _service(spec: dict[str, Any], departments: dict[str, Department]) -> Service:
    service, _ = Service.objects.update_or_create(
        service_code=str(spec["service_code"]),
        defaults={
            "name": spec["name"],
            "description": spec.get("description", ""),
            "group": spec.get("group", ""),
            "keywords": spec.get("keywords", ""),
            "type": spec.get("type", Service.Type.BATCH),
            "department": _known(departments, spec["department"], spec["name"]),
            "target_days": spec.get("target_days"),
            "photo_required_to_close": spec.get("photo_required_to_close", False),
            "active": spec.get("active", True),
            "open_data_types": [str(name) for name in spec.get("open_data", [])],
            "translations": _translations(spec, "service", spec["name"]),
        },
    )
    attributes = spec.get("attributes", [])
    service.attributes.exclude(code__in=[a["code"] for a in attributes]).delete()
    # Orders must stay unique while they are rewritten, so clear them first.
    for attribute in service.attributes.all():
        attribute.order = 10_000 + attribute.pk
        attribute.save(update_fields=["order"])
    for order, attribute_spec in enumerate(attributes, start=1):
        _attribute(service, order, attribute_spec)
    return service


def _attribute(service: Service, order: int, spec: dict[str, Any]) -> None:
    translations = _translations(spec, "attribute", f"{service.name} {spec['code']}")
    # Value labels are translated on their attribute in the file but kept on each value.
    value_words = {
        language: {str(key): str(label) for key, label in words.pop("values", {}).items()}
        for language, words in translations.items()
    }
    attribute, _ = ServiceAttribute.objects.update_or_create(
        service=service,
        code=str(spec["code"]),
        defaults={
            "datatype": spec["datatype"],
            "order": order,
            "required": spec.get("required", False),
            "variable": spec.get("variable", True),
            "private": spec.get("private", False),
            "description": spec["description"],
            "datatype_description": spec.get("datatype_description", ""),
            "translations": translations,
        },
    )
    for key, name in spec.get("values", []):
        if isinstance(key, bool) or isinstance(name, bool):
            # YAML reads a bare YES/NO as a boolean: the key would become "True".
            raise ValidationFailed(
                f"attribute {spec['code']} has a value {key!r}: quote YES, NO, ON and OFF"
            )
    values = [(str(key), str(name)) for key, name in spec.get("values", [])]
    for language, labels in value_words.items():
        unknown = set(labels) - {key for key, _ in values}
        if unknown:
            raise ValidationFailed(
                f"attribute {spec['code']} translates values it lacks ({language}): "
                + ", ".join(sorted(unknown))
                + " (quote YES, NO, ON and OFF)"
            )
    attribute.values.exclude(key__in=[key for key, _ in values]).delete()
    for position, (key, name) in enumerate(values):
        words = {
            language: {"name": labels[key]}
            for language, labels in value_words.items()
            if key in labels
        }
        AttributeValue.objects.update_or_create(
            attribute=attribute,
            key=key,
            defaults={"name": name, "order": position, "translations": words},
        )


def _translations(spec: dict[str, Any], kind: str, where: str) -> dict[str, dict[str, Any]]:
    """A row's `translations:` block, checked so a misspelt field is refused, not ignored."""
    translations = spec.get("translations") or {}
    for language, words in translations.items():
        unknown = set(words or {}) - TRANSLATABLE[kind]
        if unknown:
            raise ValidationFailed(
                f"{where} translates {', '.join(sorted(unknown))} ({language}); "
                f"a {kind} translates only {', '.join(sorted(TRANSLATABLE[kind]))}"
            )
    return {
        str(language): {
            field: words if field == "values" else str(words)
            for field, words in (fields or {}).items()
        }
        for language, fields in translations.items()
    }


def _routing_rule(spec: dict[str, Any], departments: dict[str, Department]) -> RoutingRule:
    service = Service.objects.get(service_code=str(spec["service"]))
    # ward None is the rule for any ward.
    where: dict[str, Any] = {"service": service, "ward_id": spec.get("ward")}
    rule, _ = RoutingRule.objects.update_or_create(
        **where,
        defaults={"department": _known(departments, spec["department"], service.name)},
    )
    return rule


def _known(departments: dict[str, Department], code: str, where: str) -> Department:
    if code not in departments:
        raise ValidationFailed(f"{where} names department {code!r}, which the catalogue lacks")
    return departments[code]
