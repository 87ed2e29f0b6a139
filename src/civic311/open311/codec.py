"""Render GeoReport answers as JSON (Spark convention) or XML, and JSONP.

One data shape feeds both formats: dicts, lists and scalars. JSON is that
shape through orjson (arrays at the top level, a single request is an array of
one). XML wraps it in the spec's root element; a list becomes a container
whose children take the singular name (`services/service`,
`service_requests/request`, `errors/error`…), `None` an empty element and
booleans `true`/`false`. The writer streams strings into a list: no DOM.
Pure: no database, no Django request objects.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

import orjson

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)

CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
# The SeeClickFix validator wants discovery's types bare.
BARE_CONTENT_TYPES = {JSON: "application/json", XML: "text/xml"}
JSONP_CONTENT_TYPE = "application/javascript; charset=utf-8"

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# Container element → the name of each child (Spark's singular).
SINGULAR = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "notes": "note",
    "photos": "photo",
    "keys": "key",
}

_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CARRIAGE_RETURN = {"\r": "&#13;"}
_NEEDS_ESCAPING = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$", re.ASCII)
MAX_CALLBACK_LENGTH = 100


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def w3c_datetime(value: dt.datetime | None, zone: str) -> str | None:
    """A W3C datetime in the jurisdiction's zone, to the second, with its offset."""
    if value is None:
        return None
    return value.astimezone(_zone(zone)).isoformat(timespec="seconds")


def render_json(data: Any) -> bytes:
    """The Spark JSON of `data` (already in GeoReport shape)."""
    return orjson.dumps(data)


def render_jsonp(data: Any, callback: str) -> bytes:
    """JSON wrapped in a call to `callback` (checked by valid_callback first)."""
    # The leading comment stops the body being read as a Flash file (Rosetta Flash).
    return b"/**/" + callback.encode("ascii") + b"(" + orjson.dumps(data) + b");"


def valid_callback(name: str) -> bool:
    """True when `name` is a plain JavaScript identifier path safe to call."""
    return len(name) <= MAX_CALLBACK_LENGTH and _CALLBACK.match(name) is not None


def render_xml(root: str, data: Any) -> bytes:
    """The XML document for `data` under the element `root`, with a UTF-8 declaration."""
    out: list[str] = [XML_DECLARATION]
    _write(out, root, data)
    out.append("\n")
    return "".join(out).encode("utf-8")


def render(fmt: str, root: str, data: Any) -> bytes:
    """`data` in `fmt` (json or xml)."""
    return render_json(data) if fmt == JSON else render_xml(root, data)


@lru_cache(maxsize=1024)
def _tags(name: str) -> tuple[str, str]:
    """The opening (unclosed) and closing tag for a key."""
    if _XML_NAME.match(name):
        return f"<{name}", f"</{name}>"
    # A code that is no XML name (Chicago has `IFYES,WH`) goes in an attribute.
    return f"<attribute code={quoteattr(_text(name))}", "</attribute>"


def _write(out: list[str], name: str, value: Any) -> None:
    open_tag, close_tag = _tags(name)
    if isinstance(value, str):
        out.append(f"{open_tag}>{_escaped(value)}{close_tag}")
    elif value is None:
        out.append(open_tag + "/>")
    elif isinstance(value, dict):
        out.append(open_tag + ">")
        for key, item in value.items():
            _write(out, key, item)
        out.append(close_tag)
    elif isinstance(value, list | tuple):
        child = SINGULAR.get(name, "value")
        out.append(open_tag + ">")
        for item in value:
            _write(out, child, item)
        out.append(close_tag)
    else:
        out.append(f"{open_tag}>{_scalar(value)}{close_tag}")


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return _escaped(str(value))


def _escaped(value: str) -> str:
    if _NEEDS_ESCAPING.search(value) is None:
        return value
    # A bare CR would come out of any XML parser as LF; the reference keeps it.
    return escape(_text(value), _CARRIAGE_RETURN)


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)
