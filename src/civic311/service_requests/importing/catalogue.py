"""Which catalogue service and department an imported row means, made up when none does.

A city's history holds kinds of request the resident site does not offer (information
calls, aircraft noise…). Rather than lose those rows, the import adds a service for each
such type, marked as imported and inactive, so it is kept and published but never offered
for new reports; a department the catalogue does not know is added the same way.
"""

from __future__ import annotations

from django.utils.text import slugify

from civic311.catalog.models import Department, Service

IMPORTED_GROUP = "Imported from the city's records"


class CatalogueIndex:
    """The catalogue's services and departments by every name an import may use; built once."""

    def __init__(self) -> None:
        self.services: dict[str, Service] = {}
        for service in Service.objects.select_related("department"):
            for key in (service.service_code, service.name, *service.open_data_types):
                self.services.setdefault(_key(key), service)
        # One open-data name may cover several departments (the portal files street lights
        # under CDOT); a department's own name comes first, then the others by code.
        self.departments: dict[str, list[Department]] = {}
        for department in Department.objects.order_by("code"):
            for key in {_key(department.name), _key(department.public_name)}:
                self.departments.setdefault(key, []).insert(0, department)
        for department in Department.objects.order_by("code"):
            for key in {_key(name) for name in department.open_data_names}:
                self.departments.setdefault(key, []).append(department)

    def service_for(self, code: str, name: str, department_name: str) -> Service:
        """The service a row's code or type name means; a new imported one when none does."""
        for key in (code, name):
            if key and _key(key) in self.services:
                return self.services[_key(key)]
        service = Service.objects.create(
            service_code=_imported_code(code, name),
            name=name[:200],
            group=IMPORTED_GROUP,
            department=self.department_for(department_name, fallback=None),
            active=False,
            imported=True,
            open_data_types=[value for value in (name, code) if value],
        )
        for key in (code, name, service.service_code):
            if key:
                self.services[_key(key)] = service
        return service

    def department_for(self, name: str, *, fallback: Department | None) -> Department:
        """The department a row names: the service's own when the name fits it or is empty."""
        named = self.departments.get(_key(name), []) if name else []
        if fallback is not None and (not name or fallback in named):
            return fallback
        if named:
            return named[0]
        department, _ = Department.objects.get_or_create(
            code=f"imported-{slugify(name)[:30] or 'unknown'}",
            defaults={"name": name or "Unknown department", "public_name": name or "Unknown"},
        )
        self.departments[_key(name)] = [department]
        return department


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _imported_code(code: str, name: str) -> str:
    """A service code for an imported type: the city's short code, else its name."""
    base = code or slugify(name)[:40] or "unknown"
    candidate = f"imported-{base}"[:64]
    suffix = 2
    while Service.objects.filter(service_code=candidate).exists():
        candidate = f"imported-{base}-{suffix}"[:64]
        suffix += 1
    return candidate
