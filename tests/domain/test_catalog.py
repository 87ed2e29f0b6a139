"""The Chicago 2012 catalogue as loaded into the database."""

import pytest

from civic311.catalog.models import (
    AttributeValue,
    Department,
    RoutingRule,
    Service,
    ServiceAttribute,
)
from civic311.catalog.services import catalog_path, load_catalog
from civic311.core.errors import ValidationFailed
from civic311.geo import lookup
from civic311.geo.models import Ward
from tests.conftest import CITY_HALL, LAKE_MICHIGAN, WRIGLEY_FIELD

pytestmark = pytest.mark.django_db


def test_fourteen_launch_services_alphabetically(chicago):
    names = list(Service.objects.order_by("name").values_list("name", flat=True))
    assert len(names) == 14
    assert names[0] == "Abandoned Vehicle"
    assert "Pothole in Street" in names and "Street Light 1 / Out" in names


def test_chicagos_real_codes_and_attributes(chicago):
    vehicle = Service.objects.get(service_code="4ffa4c69601827691b000018")
    codes = set(vehicle.attributes.values_list("code", flat=True))
    assert {"HOWMANYD", "FQSKA1", "FQSKA3", "FQSKA4", "FQSKA11"} <= codes
    howmany = vehicle.attributes.get(code="HOWMANYD")
    assert howmany.required and howmany.datatype == "number"
    whereist = ServiceAttribute.objects.get(
        service__service_code="4fd3b656e750846c53000004", code="WHEREIST"
    )
    assert whereist.required and whereist.datatype == "singlevaluelist"
    assert set(whereist.values.values_list("key", flat=True)) == {
        "BIKE",
        "CROSS",
        "CURB",
        "INTERSEC",
        "TRAFFIC",
    }


def test_all_six_datatypes_appear_in_the_catalogue(chicago):
    assert set(ServiceAttribute.objects.values_list("datatype", flat=True)) == {
        "string",
        "number",
        "datetime",
        "text",
        "singlevaluelist",
        "multivaluelist",
    }


def test_every_service_has_a_routing_rule_and_departments_exist(chicago):
    assert RoutingRule.objects.count() == 14
    assert not Service.objects.filter(routing_rules=None).exists()
    assert set(Department.objects.values_list("code", flat=True)) >= {
        "cdot",
        "streets-sanitation",
        "water-management",
        "buildings",
        "public-health",
    }


def test_loading_twice_changes_nothing(chicago):
    before = (
        Service.objects.count(),
        ServiceAttribute.objects.count(),
        RoutingRule.objects.count(),
    )
    load_catalog(name_or_path="chicago-2012")
    after = (Service.objects.count(), ServiceAttribute.objects.count(), RoutingRule.objects.count())
    assert before == after


def test_fifty_wards_with_offices_and_point_lookup(chicago):
    assert Ward.objects.count() == 50
    assert Ward.objects.get(number=42).alderman
    assert lookup.ward_at(*CITY_HALL) == 42
    assert lookup.ward_at(*WRIGLEY_FIELD) == 44
    assert lookup.ward_at(*LAKE_MICHIGAN) is None


def test_another_city_ships_its_own_file(tmp_path, db):
    city = tmp_path / "springfield.yaml"
    city.write_text(
        "departments: [{code: roads, name: Roads Department}]\n"
        "services:\n"
        "  - {service_code: '001', name: Pothole, department: roads, type: realtime}\n"
        "routing: [{service: '001', department: roads}]\n"
    )
    summary = load_catalog(name_or_path=str(city))
    assert (summary.services, summary.departments, summary.wards) == (1, 1, 0)
    assert Service.objects.get(service_code="001").type == "realtime"


# --- Spanish -------------------------------------------------------------------------


def test_the_catalogue_carries_spanish_for_what_residents_read(chicago):
    pothole = Service.objects.get(service_code="4fd3b656e750846c53000004")
    assert pothole.name == "Pothole in Street"
    assert pothole.translations["es"]["name"] == "Bache en la calle"
    assert pothole.translations["es"]["group"] == "Calles"
    whereist = pothole.attributes.get(code="WHEREIST")
    assert whereist.translations["es"]["description"] == "¿Dónde está el bache?"
    assert whereist.values.get(key="BIKE").translations == {"es": {"name": "Carril de bicicletas"}}
    assert Department.objects.get(code="water-management").translations == {
        "es": {"public_name": "Gestión del Agua"}
    }


def test_every_service_attribute_and_department_is_translated(chicago):
    assert not Department.objects.filter(translations={}).exists()
    for service in Service.objects.all():
        assert set(service.translations["es"]) == {"name", "description", "group", "keywords"}
    for attribute in ServiceAttribute.objects.all():
        assert attribute.translations["es"]["description"], attribute
        if attribute.datatype_description:
            assert attribute.translations["es"]["datatype_description"], attribute


def test_loading_twice_keeps_the_translations_as_they_were(chicago):
    def snapshot():
        return (
            list(Department.objects.order_by("code").values_list("code", "translations")),
            list(Service.objects.order_by("service_code").values_list("pk", "translations")),
            list(ServiceAttribute.objects.order_by("pk").values_list("pk", "translations")),
            list(AttributeValue.objects.order_by("pk").values_list("pk", "translations")),
        )

    before = snapshot()
    load_catalog(name_or_path="chicago-2012")
    assert snapshot() == before


def test_a_misspelt_translation_is_refused_with_its_place(chicago, tmp_path):
    shipped = catalog_path("chicago-2012")
    for ward_file in ("wards-2015.geojson", "ward-offices-2013.csv", "community-areas.geojson"):
        (tmp_path / ward_file).symlink_to(shipped.parent / ward_file)
    broken = tmp_path / "chicago.yaml"
    source = shipped.read_text(encoding="utf-8")
    broken.write_text(source.replace("name: Bache en", "nmae: Bache en"), encoding="utf-8")
    with pytest.raises(ValidationFailed, match="Pothole in Street translates nmae"):
        load_catalog(name_or_path=str(broken))
    assert Service.objects.get(name="Pothole in Street").translations["es"]["name"] == (
        "Bache en la calle"
    )
