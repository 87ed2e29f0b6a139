"""What GeoReport clients send, read without a database: dates, lists, pages, attributes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic311.core.errors import ValidationFailed
from civic311.open311 import params

CHICAGO = "America/Chicago"
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def query(**values):
    return params.parse_request_query(
        {k: v if isinstance(v, list) else [v] for k, v in values.items()}, now=NOW, zone=CHICAGO
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-05-01T14:30:00Z", "2026-05-01T14:30:00+00:00"),
        ("2026-05-01T14:30:00-05:00", "2026-05-01T19:30:00+00:00"),
        ("2026-05-01T14:30:00.999999-05:00", "2026-05-01T19:30:00.999999+00:00"),
        ("2026-05-01T14:30:00.1234567891Z", "2026-05-01T14:30:00.123456+00:00"),
        ("2026-05-01T14:30:00 05:00", "2026-05-01T09:30:00+00:00"),
        ("2026-05-01T14:30:00", "2026-05-01T19:30:00+00:00"),  # CDT, -05:00
        ("2026-01-15T14:30", "2026-01-15T20:30:00+00:00"),  # CST, -06:00
        ("2026-05-01 14:30:00", "2026-05-01T19:30:00+00:00"),
        ("2026-05-01", "2026-05-01T05:00:00+00:00"),
        ("2026-05-01T14:30:00+0530", "2026-05-01T09:00:00+00:00"),
        (" 2026-05-01T14:30:00Z ", "2026-05-01T14:30:00+00:00"),
    ],
)
def test_dates_are_read_leniently(raw, expected):
    assert params.parse_datetime(raw, CHICAGO).isoformat() == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "yesterday",
        "2026-13-01",
        "2026-02-30T00:00:00",
        "2026-05-01T25:00",
        "2026-05-01T10:00+24:00",
        "0001-01-01T00:00:00+05:00",
        "20260501",
        "2026-05-01T10:00:00ZZ",
    ],
)
def test_nonsense_dates_are_refused(raw):
    with pytest.raises(ValueError):
        params.parse_datetime(raw, CHICAGO)


@given(
    st.datetimes(
        min_value=dt.datetime(1971, 1, 1),
        max_value=dt.datetime(9998, 1, 1),
        timezones=st.sampled_from(
            [dt.UTC, ZoneInfo(CHICAGO), dt.timezone(dt.timedelta(hours=5, minutes=30))]
        ),
    )
)
def test_any_w3c_datetime_reads_back_as_the_same_moment(moment):
    text = moment.isoformat()
    # Python's own reading of the text is the reference (a local time inside a DST gap has
    # no moment of its own, so `moment` itself cannot be compared).
    assert params.parse_datetime(text, CHICAGO) == dt.datetime.fromisoformat(text)


@given(st.text(max_size=40))
def test_any_text_is_either_a_moment_or_a_value_error(text):
    try:
        parsed = params.parse_datetime(text, CHICAGO)
    except ValueError:
        return
    assert parsed.tzinfo is not None


def test_the_default_window_is_90_days_for_plain_queries_only():
    assert query().start == NOW - dt.timedelta(days=90)
    assert query(service_request_id="26-00000001").start is None
    assert query(updated_after="2026-01-01").start is None
    end = dt.datetime(2026, 3, 1, 6, tzinfo=dt.UTC)
    assert query(end_date="2026-03-01T00:00:00").start == end - dt.timedelta(days=90)


def test_lists_come_comma_separated_or_repeated_and_without_blanks():
    found = query(service_code=["a,b", "c", " ", "a"], status=["open"])
    assert found.service_codes == ("a", "b", "c") and found.statuses == {"open"}
    assert query(status="open,closed").statuses == frozenset()


def test_paging_defaults_and_limits():
    assert (query().page, query().page_size, query().offset) == (1, 50, 0)
    assert query(page="0").page == 1
    assert query(page="3", page_size="20").offset == 40
    assert query(page_size="100000").page_size == 500
    with pytest.raises(ValidationFailed) as caught:
        query(page="-1", page_size="0")
    assert set(caught.value.errors) == {"page", "page_size"}


def test_ids_are_capped_at_1000():
    many = ",".join(f"26-{n:08d}" for n in range(1500))
    assert len(query(service_request_id=many).ids) == 1000


def test_every_bad_parameter_is_named_at_once():
    with pytest.raises(ValidationFailed) as caught:
        query(start_date="soon", end_date="later", status="stuck", page="x")
    assert set(caught.value.errors) == {"start_date", "end_date", "status", "page"}


def test_reversed_windows_are_refused():
    with pytest.raises(ValidationFailed, match="end_date must not be before start_date"):
        query(start_date="2026-05-02", end_date="2026-05-01")


def test_attribute_spellings():
    found = params.attributes(
        {
            "attribute[A]": ["1"],
            "attribute[B][]": ["x", "y"],
            "attribute[C]": ["p", "q"],
            "attribute[D][0]": ["z"],
            "attribute[IFYES,WH]": ["ALLEY"],
            "attributes[E]": ["no"],
            "attribute[]": ["no"],
        }
    )
    assert found == {
        "A": ["1"],
        "B": ["x", "y"],
        "C": ["p", "q"],
        "D": ["z"],
        "IFYES,WH": ["ALLEY"],
    }


def test_text_cleaning():
    assert params.clean_text("a\r\nb\rc\x00d\x07\te") == "a\nb\ncd\te"
    assert params.clean_line("  Ana \n\x00 Lucia\t") == "Ana Lucia"


def submission(**values):
    base = {"service_code": ["X"], "lat": ["41.9"], "long": ["-87.6"]}
    base.update({k: v if isinstance(v, list) else [v] for k, v in values.items()})
    return params.submission({k: v for k, v in base.items() if v != [None]})


def test_a_submission_is_read_with_its_private_fields():
    found = submission(
        deviceid="fms-1", email="a@b.org", description="x\r\ny", media_url=["http://a/b.jpg"]
    )
    assert found.device_id == "fms-1" and found.email == "a@b.org"
    assert found.description == "x\ny" and found.media_urls == ("http://a/b.jpg",)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"service_code": None}, "service_code"),
        ({"lat": None}, "location"),
        ({"lat": None, "long": None}, "location"),
        ({"lat": "inf"}, "lat"),
        ({"long": "200"}, "location"),
        ({"email": "nope"}, "email"),
        ({"media_url": "ftp://x/y"}, "media_url"),
        ({"media_url": ["http://a/b"] * 11}, "media_url"),
        ({"description": "x" * 4001}, "description"),
        ({"address_id": "x" * 101}, "address_id"),
    ],
)
def test_submission_problems_name_their_field(values, field):
    with pytest.raises(ValidationFailed) as caught:
        submission(**values)
    assert field in caught.value.errors


def test_fingerprints_ignore_the_key_and_notice_the_content():
    one = params.fingerprint({"api_key": ["a"], "description": ["x"]})
    assert one == params.fingerprint({"api_key": ["b"], "description": ["x"]})
    assert one != params.fingerprint({"api_key": ["a"], "description": ["y"]})


def test_a_window_reaching_before_year_one_starts_at_year_one():
    found = query(end_date="0001-01-05T00:00:00Z")
    assert found.start == dt.datetime.min.replace(tzinfo=dt.UTC)
