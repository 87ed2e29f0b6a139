import pytest

from civic311 import config
from civic311.config import ConfigError, load


def test_defaults_work_for_local_use():
    settings = load({})
    assert settings.env == "development"
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.alert_window_minutes == 10


def test_values_are_typed():
    settings = load({"CIVIC311_DEBUG": "yes", "CIVIC311_ALERT_WINDOW_MINUTES": "3"})
    assert settings.debug is True
    assert settings.alert_window_minutes == 3


def test_a_bad_value_names_the_variable():
    with pytest.raises(ConfigError, match="CIVIC311_ALERT_WINDOW_MINUTES"):
        load({"CIVIC311_ALERT_WINDOW_MINUTES": "soon"})


def test_production_refuses_the_default_secret_key():
    with pytest.raises(ConfigError, match="CIVIC311_SECRET_KEY"):
        load({"CIVIC311_ENV": "production", "CIVIC311_BASE_URL": "https://311.example.org"})


def test_production_needs_a_base_url():
    with pytest.raises(ConfigError, match="CIVIC311_BASE_URL"):
        load({"CIVIC311_ENV": "production", "CIVIC311_SECRET_KEY": "x" * 40})


def test_production_with_both_is_fine():
    settings = load(
        {
            "CIVIC311_ENV": "production",
            "CIVIC311_SECRET_KEY": "x" * 40,
            "CIVIC311_BASE_URL": "https://311.example.org/",
        }
    )
    assert settings.effective_base_url == "https://311.example.org"


def test_an_unsupported_database_is_refused_in_one_sentence():
    with pytest.raises(ConfigError, match="CIVIC311_DATABASE_URL") as caught:
        load({"CIVIC311_DATABASE_URL": "mysql://root@localhost/civic311"})
    assert str(caught.value).count(".") >= 1 and "\n" not in str(caught.value)


def test_every_setting_is_documented_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    for name, _default, doc in config.setting_docs():
        assert doc
        assert f"`{name}`" in readme, f"{name} is missing from the README's settings table"


def test_the_external_geocoder_is_off_by_default_with_a_short_timeout():
    settings = load({})
    assert settings.geocoder_url == "" and settings.geocoder_timeout_seconds == 2
    chosen = load(
        {
            "CIVIC311_GEOCODER_URL": "https://nominatim.example.org/",
            "CIVIC311_GEOCODER_TIMEOUT_SECONDS": "0.5",
        }
    )
    assert chosen.geocoder_url == "https://nominatim.example.org"
    assert chosen.geocoder_timeout_seconds == 0.5


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CIVIC311_GEOCODER_URL", "nominatim.example.org"),
        ("CIVIC311_GEOCODER_URL", "ftp://nominatim.example.org"),
        ("CIVIC311_GEOCODER_TIMEOUT_SECONDS", "0"),
        ("CIVIC311_GEOCODER_TIMEOUT_SECONDS", "soon"),
        ("CIVIC311_GEOCODER_TIMEOUT_SECONDS", "nan"),
    ],
)
def test_a_wrong_geocoder_setting_names_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        load({name: value})


def test_a_fresh_machine_has_no_map_tiles_so_maps_draw_the_city_base_map():
    settings = load({})
    assert settings.map_tiles_url == ""
    assert settings.effective_map_attribution == ""


def test_openstreetmaps_tiles_get_their_credit_even_when_it_is_not_set():
    osm = load({"CIVIC311_MAP_TILES_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"})
    assert osm.effective_map_attribution == "© OpenStreetMap contributors"
    own = load(
        {
            "CIVIC311_MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
            "CIVIC311_MAP_ATTRIBUTION": "Tiles © Example Maps",
        }
    )
    assert own.effective_map_attribution == "Tiles © Example Maps"


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("tile.openstreetmap.org/{z}/{x}/{y}.png", "http(s) address"),
        ("https://tile.openstreetmap.org/{z}/{x}.png", "no {y}"),
    ],
)
def test_a_tile_address_that_cannot_name_a_tile_is_refused_in_one_sentence(raw, says):
    with pytest.raises(ConfigError, match="CIVIC311_MAP_TILES_URL") as caught:
        load({"CIVIC311_MAP_TILES_URL": raw})
    assert says in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("hour", ["24", "-1", "seven"])
def test_the_overdue_reminder_hour_is_an_hour_of_the_day(hour):
    with pytest.raises(ConfigError, match=r"CIVIC311_OVERDUE_REMINDER_HOUR.*0 to 23"):
        load({"CIVIC311_OVERDUE_REMINDER_HOUR": hour})
    assert load({"CIVIC311_OVERDUE_REMINDER_HOUR": "0"}).overdue_reminder_hour == 0
