import pytest

from civic311.catalog.validation import AttributeRule, validate_attributes
from civic311.core.errors import ValidationFailed

RULES = [
    AttributeRule("HOWMANYD", "number", required=True),
    AttributeRule("WHEREIST", "singlevaluelist", allowed_keys=frozenset({"CURB", "BIKE"})),
    AttributeRule("WHATPROB", "multivaluelist", allowed_keys=frozenset({"RATS", "DIRTY"})),
    AttributeRule("WHENDIDY", "datetime"),
    AttributeRule("FQSKA4", "string"),
    AttributeRule("GIVEPREC", "text"),
    AttributeRule("NOTICE", "string", required=True, variable=False),
]


def test_clean_values_by_datatype():
    clean = validate_attributes(
        RULES,
        {
            "HOWMANYD": ["42"],
            "WHEREIST": ["CURB"],
            "WHATPROB": ["RATS", "DIRTY", "RATS"],
            "WHENDIDY": ["2026-05-01 19:30"],
            "FQSKA4": [" AB 123 "],
            "GIVEPREC": ["line one\nline two"],
        },
    )
    assert clean == {
        "HOWMANYD": 42,
        "WHEREIST": "CURB",
        "WHATPROB": ["RATS", "DIRTY"],
        "WHENDIDY": "2026-05-01T19:30:00",
        "FQSKA4": "AB 123",
        "GIVEPREC": "line one\nline two",
    }


def test_missing_required_attribute_is_named_like_chicago():
    with pytest.raises(ValidationFailed) as caught:
        validate_attributes(RULES, {})
    assert caught.value.errors == {"HOWMANYD": "HOWMANYD required"}


def test_every_wrong_answer_is_reported_at_once():
    with pytest.raises(ValidationFailed) as caught:
        validate_attributes(
            RULES,
            {
                "HOWMANYD": ["many"],
                "WHEREIST": ["ROOF"],
                "WHATPROB": ["BATS"],
                "WHENDIDY": ["yesterday"],
                "FQSKA4": ["two\nlines"],
            },
        )
    assert set(caught.value.errors) == {"HOWMANYD", "WHEREIST", "WHATPROB", "WHENDIDY", "FQSKA4"}
    assert caught.value.errors["WHEREIST"] == "WHEREIST has no value ROOF"


def test_a_single_value_attribute_takes_one_value():
    with pytest.raises(ValidationFailed, match="takes one value"):
        validate_attributes(RULES, {"HOWMANYD": ["1", "2"]})


def test_blank_answers_count_as_missing():
    with pytest.raises(ValidationFailed, match="HOWMANYD required"):
        validate_attributes(RULES, {"HOWMANYD": ["  "]})


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf"])
def test_numbers_must_be_finite(bad):
    with pytest.raises(ValidationFailed):
        validate_attributes(RULES, {"HOWMANYD": [bad]})
