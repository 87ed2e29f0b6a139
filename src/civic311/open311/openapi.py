"""The OpenAPI 3.1 document of the GeoReport v2 API, built from shared pieces.

Built in Python rather than kept as a JSON file because the API is the same
few shapes repeated: every method in JSON and XML, for production and the
sandbox, each with the same error responses. One definition of the request
record or of the error body serves all of them, so the document cannot drift
between copies; the server URL comes from the site's address.

Every method has one path per format (`/v2/services.json`, `/v2/services.xml`)
because the suffix, not a header, selects the format: each path then says
exactly which content type it answers with. The server is `…/open311`, so
discovery (`/discovery.json`, outside the versioned base as the Service
Discovery spec puts it) and the methods sit in one document.
"""

from __future__ import annotations

from typing import Any

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 500
MAX_ROWS = 1000
DESCRIPTION_MAX = 4000
# Required text fields: the server reads a value of only spaces as missing (a 400).
NOT_BLANK = r"\S"
FORMATS = {"json": "application/json", "xml": "text/xml"}
JSONP = "application/javascript"
NOTE_TYPES = ["submitted", "opened", "activity", "follow_on_created", "follow_on_closed", "closed"]
UPDATE_STATUSES = [
    "open", "closed", "fixed", "in_progress", "planned", "action_scheduled", "investigating",
    "duplicate", "not_councils_responsibility", "no_further_action", "internal_referral",
    "cancelled", "reopen", "for_triage", "unchanged",
]  # fmt: skip


def build(*, server_url: str, sandbox: bool = False) -> dict[str, Any]:
    """The whole document; `server_url` is the site's `…/open311` address."""
    prefix = "/sandbox/v2" if sandbox else "/v2"
    paths: dict[str, Any] = {}
    for fmt in FORMATS:
        paths[f"/discovery.{fmt}"] = {"get": _discovery(fmt)}
        paths[f"{prefix}/services.{fmt}"] = {"get": _service_list(fmt)}
        paths[f"{prefix}/services/{{service_code}}.{fmt}"] = {"get": _service_definition(fmt)}
        paths[f"{prefix}/requests.{fmt}"] = {
            "get": _request_list(fmt),
            "post": _submit(fmt, sandbox),
        }
        paths[f"{prefix}/requests/{{service_request_id}}.{fmt}"] = {"get": _request(fmt)}
        paths[f"{prefix}/tokens/{{token}}.{fmt}"] = {"get": _token(fmt)}
        paths[f"{prefix}/servicerequestupdates.{fmt}"] = {
            "get": _update_list(fmt),
            "post": _post_update(fmt),
        }
        if sandbox:
            paths[f"{prefix}/keys.{fmt}"] = {"post": _sandbox_key(fmt)}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": _info(sandbox),
        "servers": [{"url": server_url, "description": "this civic311 server"}],
        "tags": [
            {"name": "discovery", "description": "Where the endpoints are and what they speak."},
            {"name": "services", "description": "What residents can report, and its questions."},
            {"name": "requests", "description": "Filing, finding and following requests."},
            {"name": "updates", "description": "mySociety's servicerequestupdates extension."},
        ],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": _error_responses(),
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer", "minimum": 0},
                }
            },
            "securitySchemes": {
                "api_key": {
                    "type": "apiKey",
                    "in": "query",
                    "name": "api_key",
                    "description": (
                        "Needed to write (POST) only. Send it as the `api_key` form field "
                        "(the GeoReport way) or in the query string. Keys are per app: "
                        "`civic311 apikey create NAME` on the server, or self-service "
                        "for the sandbox (see /developers/)."
                    ),
                }
            },
        },
    }


def _info(sandbox: bool) -> dict[str, Any]:
    where = "the sandbox (test data, purged after 7 days)" if sandbox else "production"
    return {
        "title": "civic311 Open311 GeoReport v2 API" + (" (sandbox)" if sandbox else ""),
        "version": "2",
        "summary": "File and follow a city's 311 service requests.",
        "description": (
            f"The GeoReport v2 API of {where}, with Chicago's extensions "
            "(`extensions=true`, pagination, `updated_after`/`updated_before`, JSONP) and "
            "mySociety's `servicerequestupdates`. The file suffix selects the format: "
            "`.json` (arrays at the top level, a single request is an array of one) or "
            "`.xml` (UTF-8, the spec's element names). Errors are always in the format "
            "asked for: 400 bad input, 403 missing or wrong key, 404 unknown, 429 too many "
            "requests. Reading needs no key. Dates are W3C datetimes with an offset; "
            "input dates without one are read in the city's time zone. See /developers/."
        ),
        "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
    }


# --- schemas ------------------------------------------------------------------


def _nullable(schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    """A property that may be null (every optional GeoReport field is)."""
    out = {**schema, "type": [schema["type"], "null"]}
    if description:
        out["description"] = description
    elif not out.get("description"):
        out.pop("description", None)
    return out


def _string(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _xml(name: str, **extra: Any) -> dict[str, Any]:
    return {"xml": {"name": name, **extra}}


def _array_of(ref: str, container: str, item: str) -> dict[str, Any]:
    """A JSON array that is `<container><item>…</item></container>` in XML."""
    return {
        "type": "array",
        "items": {"$ref": f"#/components/schemas/{ref}", **_xml(item)},
        **_xml(container, wrapped=True),
    }


SERVICE = {
    "type": "object",
    "description": "One kind of request residents can file.",
    "required": [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ],
    "properties": {
        "service_code": _string(
            "The service's unique code.", examples=["4fd3b656e750846c53000004"]
        ),
        "service_name": _string("Its name.", examples=["Pothole in Street"]),
        "description": _nullable(_string(""), "A short description."),
        "metadata": {
            "type": "boolean",
            "description": "True when the service has questions: fetch its definition.",
        },
        "type": {
            "type": "string",
            "enum": ["realtime", "batch", "blackbox"],
            "description": "realtime: POST answers with service_request_id; batch: with a "
            "token to resolve at tokens/{token}; blackbox: with neither.",
        },
        "keywords": _nullable(_string(""), "Comma-separated synonyms."),
        "group": _string("The category it is listed under."),
    },
    **_xml("service"),
}

ATTRIBUTE_VALUE = {
    "type": "object",
    "required": ["key", "name"],
    "properties": {
        "key": _string("What to submit as attribute[CODE]."),
        "name": _string("What to show the person."),
    },
    **_xml("value"),
}

ATTRIBUTE = {
    "type": "object",
    "description": "One question of a service definition.",
    "required": ["variable", "code", "datatype", "required", "datatype_description", "order"],
    "properties": {
        "variable": {
            "type": "boolean",
            "description": "False: information to show, no answer wanted.",
        },
        "code": _string("Submit the answer as attribute[CODE].", examples=["HOWMANYD"]),
        "datatype": {
            "type": "string",
            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"],
        },
        "required": {"type": "boolean", "description": "A POST without it is refused (400)."},
        "datatype_description": _nullable(_string(""), "A hint about the format."),
        "order": {"type": "integer", "minimum": 1, "description": "Display order, 1 first."},
        "description": _string("The question."),
        "values": {
            "type": "array",
            "description": "The allowed answers of list questions.",
            "items": {"$ref": "#/components/schemas/AttributeValue"},
            **_xml("values", wrapped=True),
        },
    },
    **_xml("attribute"),
}

SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": _string("The service's code."),
        "attributes": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Attribute"},
            **_xml("attributes", wrapped=True),
        },
    },
    **_xml("service_definition"),
}

NOTE = {
    "type": "object",
    "description": "One public step of the request's timeline (Chicago's notes).",
    "required": ["datetime", "summary", "type"],
    "properties": {
        "datetime": {"type": "string", "format": "date-time"},
        "summary": _string("What happened, in a few words.", examples=["Request opened"]),
        "type": {"type": "string", "enum": NOTE_TYPES},
        "description": _nullable(_string(""), "More detail, when there is some."),
        "extended_attributes": {
            "type": "object",
            "description": "For follow-ons: the other request's id, name and agency.",
        },
    },
    **_xml("note"),
}

EXTENDED_ATTRIBUTES = {
    "type": "object",
    "description": "Chicago's extended attributes (with extensions=true).",
    "properties": {
        "channel": _string(
            "How the request arrived.", examples=["web", "phone", "ward_office", "open311"]
        ),
        "ward": _nullable(_string(""), "The ward number, as text."),
        "community_area": _nullable(
            _string(""), "Chicago's community area (1 to 77) the point lies in, as text."
        ),
        "zip": _nullable(_string(""), "The ZIP code."),
        "duplicate": {"type": "boolean", "description": "True when it duplicates another."},
        "parent_service_request_id": _nullable(_string(""), "The request it duplicates."),
        "address_derived": {
            "type": "boolean",
            "description": (
                "True when `address` was written by civic311 from the point (reverse "
                "geocoded); false when the resident, caller or app gave it."
            ),
        },
        "location_precision": _nullable(
            {"type": "string", "enum": ["address", "intersection", "block", "street", None]},
            "How closely the point is known: `address` for a pin or a geocoded house number, "
            "else the intersection, block or street a typed address reached.",
        ),
        "photos": {
            "type": "array",
            "description": "Photos uploaded with the request or by the city.",
            "items": {
                "type": "object",
                "properties": {
                    "media_url": {"type": "string"},
                    "thumbnail_url": {"type": ["string", "null"]},
                    "width": {"type": ["integer", "null"]},
                    "height": {"type": ["integer", "null"]},
                    "kind": {"type": ["string", "null"]},
                    "created_at": {"type": ["string", "null"], "format": "date-time"},
                },
                **_xml("photo"),
            },
            **_xml("photos", wrapped=True),
        },
    },
}

RECORD_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
]  # fmt: skip

REQUEST = {
    "type": "object",
    "description": (
        "A service request. Every GeoReport key is present, null when empty. The requester's "
        "name, email, phone, device and account are never published. `attributes`, "
        "`extended_attributes` and `notes` appear with extensions=true."
    ),
    "required": RECORD_FIELDS,
    "properties": {
        "service_request_id": _string(
            "The tracking number, YY-NNNNNNNN.", examples=["26-00001234"]
        ),
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": _nullable(_string(""), "Why the status is what it is."),
        "service_name": _nullable(_string("")),
        "service_code": _string("The service's code."),
        "description": _nullable(_string("", maxLength=DESCRIPTION_MAX)),
        "agency_responsible": _nullable(_string(""), "The department working on it."),
        "service_notice": _nullable(_string("")),
        "requested_datetime": {"type": "string", "format": "date-time"},
        "updated_datetime": _nullable(
            {"type": "string", "format": "date-time"}, "Last change; for closed requests, when."
        ),
        "expected_datetime": _nullable({"type": "string", "format": "date-time"}),
        "address": _nullable(_string("")),
        "address_id": _nullable(_string("")),
        "zipcode": _nullable(_string("")),
        "lat": _nullable({"type": "number", "minimum": -90, "maximum": 90}),
        "long": _nullable({"type": "number", "minimum": -180, "maximum": 180}),
        "media_url": _nullable(_string(""), "A photo of the problem (never an empty string)."),
        "token": _string("The token it was filed with (batch services)."),
        "attributes": {
            "type": "object",
            "description": "The submitted answers, {CODE: key}; lists for multi-value answers.",
            "additionalProperties": {
                "type": ["string", "number", "array", "null"],
                "items": {"type": "string"},
            },
        },
        "extended_attributes": {"$ref": "#/components/schemas/ExtendedAttributes"},
        "notes": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Note"},
            **_xml("notes", wrapped=True),
        },
    },
    **_xml("request"),
}

CREATED = {
    "type": "object",
    "description": (
        "What a POST answers: a token for batch services (resolve it at tokens/{token}), "
        "a service_request_id for realtime services."
    ),
    "properties": {
        "service_request_id": _string("The tracking number (realtime services)."),
        "token": _string("Resolve at tokens/{token} (batch services)."),
        "service_notice": _nullable(_string(""), "What happens next."),
        "account_id": _nullable(_string("")),
    },
    "anyOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
    **_xml("request"),
}

TOKEN = {
    "type": "object",
    "required": ["token"],
    "properties": {
        "token": _string("The token asked about."),
        "service_request_id": _string(
            "The tracking number; absent (answer still 200) while the request is pending."
        ),
    },
    **_xml("request"),
}

UPDATE = {
    "type": "object",
    "description": "One change to a request (mySociety's servicerequestupdates).",
    "required": [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    ],
    "properties": {
        "update_id": _string("Unique id of this update."),
        "service_request_id": _string("The request it belongs to."),
        "status": {"type": "string", "enum": UPDATE_STATUSES},
        "updated_datetime": {"type": "string", "format": "date-time"},
        "description": _string("What changed, possibly empty."),
        "media_url": _nullable(_string("")),
        "external_status_code": _nullable(_string("")),
        "extras": {"type": "object"},
    },
    **_xml("request_update"),
}

UPDATE_CREATED = {
    "type": "object",
    "required": ["update_id"],
    "properties": {
        "update_id": _string("civic311's id for the update you sent."),
        "account_id": _nullable(_string("")),
    },
    **_xml("request_update"),
}

ERROR = {
    "type": "object",
    "required": ["code", "description"],
    "properties": {
        "code": {"type": "integer", "description": "Usually the HTTP status."},
        "description": _string("What is wrong, in words.", examples=["HOWMANYD required"]),
    },
    **_xml("error"),
}

DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": {"type": "string", "format": "date-time"},
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"type": "string", "const": SPECIFICATION},
                    "url": {"type": "string", "format": "uri"},
                    "changeset": {"type": "string", "format": "date-time"},
                    "type": {"type": "string", "enum": ["production", "test"]},
                    "formats": {
                        "type": "array",
                        "items": {"type": "string", **_xml("format")},
                        **_xml("formats", wrapped=True),
                    },
                },
                **_xml("endpoint"),
            },
            **_xml("endpoints", wrapped=True),
        },
    },
    **_xml("discovery"),
}

SCHEMAS: dict[str, Any] = {
    "Service": SERVICE,
    "Services": _array_of("Service", "services", "service"),
    "AttributeValue": ATTRIBUTE_VALUE,
    "Attribute": ATTRIBUTE,
    "ServiceDefinition": SERVICE_DEFINITION,
    "Note": NOTE,
    "ExtendedAttributes": EXTENDED_ATTRIBUTES,
    "Request": REQUEST,
    "Requests": _array_of("Request", "service_requests", "request"),
    "Created": CREATED,
    "CreatedList": _array_of("Created", "service_requests", "request"),
    "Token": TOKEN,
    "Tokens": _array_of("Token", "service_requests", "request"),
    "Update": UPDATE,
    "Updates": _array_of("Update", "service_request_updates", "request_update"),
    "UpdateCreated": UPDATE_CREATED,
    "UpdatesCreated": _array_of("UpdateCreated", "service_request_updates", "request_update"),
    "Error": ERROR,
    "Errors": _array_of("Error", "errors", "error"),
    "SandboxKeys": _array_of("SandboxKey", "keys", "key"),
    "Discovery": DISCOVERY,
    "SandboxKey": {
        "type": "object",
        "required": ["name", "api_key", "endpoint"],
        "properties": {
            "name": _string("Your app's name."),
            "api_key": _string("The key; shown this once only."),
            "endpoint": _string("Where it works: the sandbox's base address."),
            "note": _string("What to know about it."),
        },
        **_xml("key"),
    },
    "Submission": {},  # filled below
    "UpdateSubmission": {},
}


# --- parameters -----------------------------------------------------------------

DATE_HELP = (
    " A W3C datetime such as 2026-03-01T00:00:00-06:00; fractions of a second are allowed "
    "and a date without an offset is read in the city's time zone. A bad date is a 400."
)


def _query(name: str, description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An optional query parameter; sent empty (`start_date=`) it counts as not given.

    Clients fill URL templates with empty values, and the server has always read an
    empty value as absent, so the document says so rather than forbid it.
    """
    return {
        "name": name,
        "in": "query",
        "description": description + " An empty value counts as not given.",
        "schema": schema,
        "allowEmptyValue": True,
        **extra,
    }


PARAMETERS: dict[str, Any] = {
    "jurisdiction_id": _query(
        "jurisdiction_id",
        "Optional: this server answers for one jurisdiction; another value is a 404.",
        {"type": "string", "examples": ["cityofchicago.org"]},
    ),
    "service_request_id_list": _query(
        "service_request_id",
        "Comma-separated tracking numbers; when given, every other filter is ignored.",
        {"type": "string", "examples": ["26-00001234,26-00001235"]},
    ),
    "service_code_list": _query(
        "service_code",
        "One or more service codes, comma-separated or repeated. Default: all.",
        {"type": "string"},
    ),
    "status": _query(
        "status",
        "`open`, `closed`, or both comma-separated. Default: both.",
        {"type": "string", "enum": ["open", "closed", "open,closed", "closed,open"]},
    ),
    "start_date": _query(
        "start_date",
        "Requests filed at or after this moment. Without start_date, end_date, "
        "updated_after, updated_before and service_request_id: the last 90 days." + DATE_HELP,
        {"type": "string", "format": "date-time"},
    ),
    "end_date": _query(
        "end_date",
        "Requests filed before this moment; before start_date it is a 400." + DATE_HELP,
        {"type": "string", "format": "date-time"},
    ),
    "updated_after": _query(
        "updated_after",
        "Requests changed after this moment (Chicago's harvesting filter)." + DATE_HELP,
        {"type": "string", "format": "date-time"},
    ),
    "updated_before": _query(
        "updated_before",
        "Requests last changed before this moment." + DATE_HELP,
        {"type": "string", "format": "date-time"},
    ),
    "page": _query(
        "page",
        "Page number, 1 first (0 also means the first page).",
        {"type": "integer", "minimum": 0, "default": 1},
    ),
    "page_size": _query(
        "page_size",
        f"Records per page, default {PAGE_SIZE_DEFAULT}, at most {PAGE_SIZE_MAX}. "
        "Every page but the last is full; newest first.",
        {"type": "integer", "minimum": 1, "maximum": PAGE_SIZE_MAX, "default": PAGE_SIZE_DEFAULT},
    ),
    "extensions": _query(
        "extensions",
        "`true` adds Chicago's `attributes`, `extended_attributes` and `notes`.",
        {"type": "boolean", "default": False},
    ),
    "callback": _query(
        "callback",
        "JSONP: wrap the JSON in a call to this function (a JavaScript name, dots allowed). "
        "XML answers ignore it, but anything other than a JavaScript name is a 400 in "
        "either format.",
        {
            "type": "string",
            "maxLength": 100,
            "pattern": r"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$",
        },
    ),
    "updates_start_date": _query(
        "start_date",
        "Updates at or after this moment." + DATE_HELP,
        {"type": "string", "format": "date-time"},
    ),
    "updates_end_date": _query(
        "end_date",
        "Updates before this moment; before start_date it is a 400." + DATE_HELP,
        {"type": "string", "format": "date-time"},
    ),
    "service_code": {
        "name": "service_code",
        "in": "path",
        "required": True,
        "description": "The service's code, from the service list.",
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
    },
    "service_request_id": {
        "name": "service_request_id",
        "in": "path",
        "required": True,
        "description": "A tracking number, YY-NNNNNNNN.",
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,32}$"},
        "examples": {"tracking number": {"value": "26-00001234"}},
    },
    "token": {
        "name": "token",
        "in": "path",
        "required": True,
        "description": "The token a POST answered with.",
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
    },
    "idempotency_key": {
        "name": "Idempotency-Key",
        "in": "header",
        "description": (
            "Retrying with the same key (per API key, for at least 24 hours) returns the "
            "first answer instead of filing twice. The form field client_request_id does "
            "the same."
        ),
        "schema": {"type": "string", "maxLength": 200},
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


# --- request bodies -----------------------------------------------------------

SUBMISSION = {
    "type": "object",
    "description": (
        "A new request. Give the location as lat and long together, or address_string, or "
        "address_id (several are fine). An address alone is geocoded to a point and its ward "
        "(and routed by that ward); one nobody can find is a 400. A point alone is given the "
        "nearest street address (`address_derived` in the extensions). Answer the service's "
        "questions as attribute[CODE]; for multi-value lists repeat attribute[CODE][] (or "
        "attribute[CODE])."
    ),
    "required": ["service_code"],
    "properties": {
        "api_key": _string("Your API key (or send it in the query string)."),
        "jurisdiction_id": _string("Optional; must be this server's jurisdiction."),
        "service_code": _string("From the service list.", minLength=1, pattern=NOT_BLANK),
        "lat": {"type": "number", "minimum": -90, "maximum": 90, "description": "WGS84."},
        "long": {"type": "number", "minimum": -180, "maximum": 180, "description": "WGS84."},
        "address_string": _string(
            "Free text, most specific first: `933 W Fullerton Ave`, `Clark & Division`.",
            maxLength=300,
        ),
        "address_id": _string(
            "Read as a street address when it is one (`121 N LaSalle St`); other ids are "
            "refused with a 400.",
            maxLength=100,
        ),
        "email": _string(
            "The reporter's email (private). It gets a receipt with a link to confirm "
            "updates, and nothing more until that link is used; the updates start at once "
            "only when staff marked your key as verifying its users' addresses.",
            format="email",
        ),
        "device_id": _string("The device's id (private); `deviceid` is accepted too."),
        "account_id": _string("The reporter's account in your app (private)."),
        "first_name": _string("Private."),
        "last_name": _string("Private."),
        "phone": _string("Private."),
        "description": _string("What is wrong; plain text, no HTML.", maxLength=DESCRIPTION_MAX),
        "media_url": {
            "description": "URL(s) of photos you host; stored as given, never fetched.",
            "oneOf": [
                {"type": "string", "format": "uri"},
                {"type": "array", "items": {"type": "string", "format": "uri"}},
            ],
        },
        "client_request_id": _string(
            "Your id for this submission; a retry with the same id is not filed twice."
        ),
    },
    "patternProperties": {
        r"^attribute\[[^\]]+\](\[\])?$": {
            "description": "An answer to the service's question CODE.",
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        }
    },
}

MULTIPART_SUBMISSION = {
    "allOf": [{"$ref": "#/components/schemas/Submission"}],
    "properties": {
        "media": {
            "description": (
                "Photos (JPEG, PNG, WebP…), also as media[]: re-encoded without EXIF or GPS "
                "and published as the request's media_url. Too big, a decompression bomb or "
                "not an image: 400 saying why."
            ),
            "oneOf": [
                {"type": "string", "contentMediaType": "application/octet-stream"},
                {
                    "type": "array",
                    "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                },
            ],
        }
    },
}

UPDATE_SUBMISSION = {
    "type": "object",
    "description": "A comment or status change from your app on an existing request.",
    "required": ["service_request_id", "update_id", "status", "updated_datetime", "description"],
    "properties": {
        "api_key": _string("Your API key (or send it in the query string)."),
        "jurisdiction_id": _string("Optional; must be this server's jurisdiction."),
        "service_request_id": _string("The tracking number.", minLength=1, pattern=NOT_BLANK),
        "update_id": _string(
            "Your id for this update; sending it twice is refused (400).",
            minLength=1,
            maxLength=100,
            pattern=NOT_BLANK,
        ),
        "status": {"type": "string", "enum": [s.upper() for s in UPDATE_STATUSES]},
        "updated_datetime": _string("When it happened." + DATE_HELP, format="date-time"),
        "description": _string("The comment.", maxLength=DESCRIPTION_MAX),
        "email": _string("Private."),
        "first_name": _string("Private."),
        "last_name": _string("Private."),
        "media_url": _string("A photo URL."),
    },
}
SCHEMAS["Submission"] = SUBMISSION
SCHEMAS["UpdateSubmission"] = UPDATE_SUBMISSION


# --- operations -----------------------------------------------------------------


def _content(fmt: str, schema: str, *, jsonp: bool = False) -> dict[str, Any]:
    content = {FORMATS[fmt]: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    if jsonp and fmt == "json":
        content[JSONP] = {
            "schema": {"type": "string", "description": "callback(…JSON…); with `callback`."}
        }
    return content


def _ok(fmt: str, schema: str, description: str, *, jsonp: bool = False) -> dict[str, Any]:
    return {"description": description, "content": _content(fmt, schema, jsonp=jsonp)}


def _created(fmt: str, schema: str, description: str) -> dict[str, Any]:
    # civic311 answers 200, as GeoReport clients expect; 201 is documented too, so a
    # client generated from this document accepts either.
    answer = _ok(fmt, schema, description)
    return {"200": answer, "201": answer}


def _errors(fmt: str, *statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/Error{s}{fmt.upper()}"} for s in statuses}


ERROR_WORDS = {
    400: "Bad input: the descriptions say which parameter and why (several at once).",
    403: "The api_key is missing, unknown or revoked.",
    404: "No such service, request, token or jurisdiction.",
    429: "Too many POSTs from this key or address; wait Retry-After seconds.",
}


def _error_responses() -> dict[str, Any]:
    responses = {}
    for fmt in FORMATS:
        for status, words in ERROR_WORDS.items():
            # A GET with `callback` gets its errors as JSONP too, so a script tag can read them.
            content = _content(fmt, "Errors", jsonp=True)
            response: dict[str, Any] = {"description": words, "content": content}
            if status == 429:
                response["headers"] = {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
            responses[f"Error{status}{fmt.upper()}"] = response
    return responses


def _operation(fmt: str, op_id: str, tag: str, summary: str, **fields: Any) -> dict[str, Any]:
    return {
        "operationId": f"{op_id}{fmt.upper()}",
        "tags": [tag],
        "summary": f"{summary} ({fmt.upper()})",
        **fields,
    }


def _discovery(fmt: str) -> dict[str, Any]:
    return _operation(
        fmt, "discovery", "discovery", "Service discovery",
        description="The production and test (sandbox) endpoints, their formats, the "
        "contact and where to get a key.",
        responses={"200": _ok(fmt, "Discovery", "The discovery document.")},
    )  # fmt: skip


def _service_list(fmt: str) -> dict[str, Any]:
    return _operation(
        fmt, "listServices", "services", "List the services",
        description="Every service residents can report, alphabetically.",
        parameters=[_ref("jurisdiction_id"), _ref("callback")],
        responses={
            "200": _ok(fmt, "Services", "The services.", jsonp=True),
            **_errors(fmt, 400, 404),
        },
    )  # fmt: skip


def _service_definition(fmt: str) -> dict[str, Any]:
    return _operation(
        fmt, "getServiceDefinition", "services", "A service's questions",
        description="Fetch it when the service's metadata is true.",
        parameters=[_ref("service_code"), _ref("jurisdiction_id"), _ref("callback")],
        responses={
            "200": _ok(fmt, "ServiceDefinition", "The definition.", jsonp=True),
            **_errors(fmt, 400, 404),
        },
    )  # fmt: skip


def _request_list(fmt: str) -> dict[str, Any]:
    names = [
        "service_request_id_list", "service_code_list", "status", "start_date", "end_date",
        "updated_after", "updated_before", "page", "page_size", "extensions", "callback",
        "jurisdiction_id",
    ]  # fmt: skip
    return _operation(
        fmt, "listRequests", "requests", "Find requests",
        description=(
            "Newest first, at most page_size records per page (never more than "
            f"{MAX_ROWS}). Without dates or ids, the last 90 days."
        ),
        parameters=[_ref(n) for n in names],
        responses={
            "200": _ok(fmt, "Requests", "Matching requests (maybe none).", jsonp=True),
            **_errors(fmt, 400, 404),
        },
    )  # fmt: skip


def _request(fmt: str) -> dict[str, Any]:
    return _operation(
        fmt, "getRequest", "requests", "One request by tracking number",
        description="An array of one record, as the spec says.",
        parameters=[
            _ref("service_request_id"), _ref("extensions"), _ref("jurisdiction_id"),
            _ref("callback"),
        ],
        responses={
            "200": _ok(fmt, "Requests", "The request.", jsonp=True),
            **_errors(fmt, 400, 404),
        },
    )  # fmt: skip


def _token(fmt: str) -> dict[str, Any]:
    return _operation(
        fmt, "getToken", "requests", "Resolve a token",
        description="The tracking number a batch POST's token became; while pending, the "
        "answer is 200 with the token alone. Poll a few seconds apart.",
        parameters=[_ref("token"), _ref("jurisdiction_id"), _ref("callback")],
        responses={
            "200": _ok(fmt, "Tokens", "The token and, once filed, its id.", jsonp=True),
            **_errors(fmt, 400, 404),
        },
    )  # fmt: skip


def _submit(fmt: str, sandbox: bool) -> dict[str, Any]:
    where = " Requests filed here are test data, purged after 7 days." if sandbox else ""
    return _operation(
        fmt, "createRequest", "requests", "File a request",
        description="Needs an API key." + where,
        security=[{"api_key": []}],
        parameters=[_ref("idempotency_key")],
        requestBody={
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"$ref": "#/components/schemas/Submission"},
                    "encoding": {"media_url": {"explode": True}},
                },
                "multipart/form-data": {"schema": MULTIPART_SUBMISSION},
            },
        },
        responses={
            **_created(fmt, "CreatedList", "Filed: a token (batch) or a tracking number."),
            **_errors(fmt, 400, 403, 404, 429),
        },
    )  # fmt: skip


def _update_list(fmt: str) -> dict[str, Any]:
    return _operation(
        fmt, "listUpdates", "updates", "Changes to requests",
        description="Every public change in a window, oldest first (mySociety's extension, "
        "as FixMyStreet polls it).",
        parameters=[
            _ref("updates_start_date"), _ref("updates_end_date"), _ref("jurisdiction_id"),
            _query("api_key", "Accepted and ignored: reading needs no key.", {"type": "string"}),
        ],
        responses={"200": _ok(fmt, "Updates", "The updates."), **_errors(fmt, 400, 404)},
    )  # fmt: skip


def _post_update(fmt: str) -> dict[str, Any]:
    return _operation(
        fmt, "createUpdate", "updates", "Send an update on a request",
        description="A comment or status change from your app; needs an API key.",
        security=[{"api_key": []}],
        requestBody={
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"$ref": "#/components/schemas/UpdateSubmission"}
                },
                "multipart/form-data": {
                    "schema": {"$ref": "#/components/schemas/UpdateSubmission"}
                },
            },
        },
        responses={
            **_created(fmt, "UpdatesCreated", "Accepted, with civic311's update_id."),
            **_errors(fmt, 400, 403, 404, 429),
        },
    )  # fmt: skip


def _sandbox_key(fmt: str) -> dict[str, Any]:
    return _operation(
        fmt, "createSandboxKey", "requests", "Take a sandbox key",
        description="Self-service: anyone may take a key for the sandbox. It works only "
        "there; requests filed with it are test data, deleted after 7 days.",
        requestBody={
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": _string("Your app's name.", maxLength=200),
                            "email": _string("Where to reach you (private)."),
                        },
                    }
                }
            },
        },
        responses={
            "201": _ok(fmt, "SandboxKeys", "Your new sandbox key."),
            **_errors(fmt, 400, 429),
        },
    )  # fmt: skip
