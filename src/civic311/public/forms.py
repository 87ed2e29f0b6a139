"""Forms of the resident site: track a number, filter recent requests, report a problem.

The report form asks each service's own questions with the input that fits
each GeoReport datatype, checks them with messages a resident can act on
(translated), and hands the domain plain strings; the domain's own
validation stays the final word (see `reporting.file`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from civic311.catalog.models import Service, ServiceAttribute
from civic311.catalog.translation import localized
from civic311.catalog.validation import MAX_STRING_LENGTH, MAX_TEXT_LENGTH
from civic311.core.errors import ValidationFailed
from civic311.core.forms import ReadableForm
from civic311.geo import lookup
from civic311.geo.services import Located, in_city, locate, locate_candidates
from civic311.service_requests.services import MAX_DESCRIPTION_LENGTH, Location, Requester
from civic311.service_requests.workflow import Status

Datatype = ServiceAttribute.Datatype
ATTRIBUTE_PREFIX = "attr_"
MAX_PHOTOS = 3
# Lists this short read best as radio buttons; longer ones as a drop-down.
RADIO_LIMIT = 6
_PHONE = re.compile(r"^[0-9+().\-\s]{7,40}$")
MAX_ADDRESS_LENGTH = 300
# The same sentence as geo.services.NOT_FOUND, so the page can say it in Spanish too.
ADDRESS_NOT_FOUND = _(
    "We could not find that address in Chicago. Check the number and street name."
)
ADDRESS_OUTSIDE = _("That address is outside Chicago. Check the street name, or place the pin.")
PIN_OUTSIDE = _("That point is outside Chicago. Put the pin on a street in the city.")


# A field people never see (hidden by the stylesheet, out of the tab order, hidden from
# screen readers, named so no browser autofills it) and form-filling bots fill in.
HONEYPOT = "website"


def honeypot_field() -> forms.CharField:
    """The honeypot, rendered inside `.trap` by the templates (public/_honeypot.html)."""
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


def caught_in_honeypot(data) -> bool:
    """True when the form came back with the honeypot filled: a bot, not a resident."""
    return bool(str(data.get(HONEYPOT, "")).strip())


class TrackForm(ReadableForm):
    """The "track a request" box: whatever the resident typed as a number."""

    number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        help_text=_("For example 26-00001234, as on your receipt or email."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class SubscribeForm(ReadableForm):
    """The "stay up to date" box: one email address to follow a request."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = honeypot_field()


class RecentFilterForm(ReadableForm):
    """Filters of the home page's list of recent requests (all optional, GET)."""

    service = forms.ChoiceField(label=_("Service"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    ward = forms.TypedChoiceField(label=_("Ward"), required=False, coerce=int, empty_value=None)
    page = forms.IntegerField(required=False, min_value=1, max_value=50, widget=forms.HiddenInput)

    def __init__(self, *args, services: Iterable[tuple[str, str]], wards: Iterable[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services")), *services]
        self.fields["status"].choices = [
            ("", _("Any status")),
            ("open", _("Open")),
            ("closed", _("Closed")),
            (_("In detail"), list(Status.choices)),
        ]
        self.fields["ward"].choices = [("", _("All wards"))] + [
            (n, _("Ward %(number)s") % {"number": n}) for n in wards
        ]


class PerformanceFilterForm(ReadableForm):
    """The filters of /performance/, in the address bar so a view can be linked (GET)."""

    service = forms.ChoiceField(label=_("Service"), required=False)
    ward = forms.TypedChoiceField(label=_("Ward"), required=False, coerce=int, empty_value=None)
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[("weeks", _("Last 12 weeks")), ("months", _("Last 12 months"))],
    )

    def __init__(
        self,
        *args,
        services: Iterable[tuple[str, str]],
        wards: Iterable[int],
        years: Iterable[int] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services")), *services]
        self.fields["ward"].choices = [("", _("All wards"))] + [
            (n, _("Ward %(number)s") % {"number": n}) for n in wards
        ]
        # Whole calendar years, for a city's history (imported open data included).
        self.fields["period"].choices = [
            *self.fields["period"].choices,
            *((str(y), _("The year %(year)s") % {"year": y}) for y in years),
        ]


class NearForm(ReadableForm):
    """The home page's "requests near an address" box (GET, optional)."""

    near = forms.CharField(
        label=_("Requests near an address"),
        max_length=MAX_ADDRESS_LENGTH,
        required=False,
        help_text=_("For example 933 W Fullerton Ave, or Clark & Division."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address", "type": "search"}),
    )

    def place(self) -> Located | None:
        """Where the typed address is, or None (with the error on the field) when not found."""
        text = self.cleaned_data.get("near", "").strip() if self.is_valid() else ""
        if not text:
            return None
        # The geocoder's own spelling, not what was typed: the list then says where it looked.
        found = locate_candidates(text)
        if not found:
            self.add_error("near", str(ADDRESS_NOT_FOUND))
            return None
        return found[0]


class PlaceQueryForm(ReadableForm):
    """What the page's script asks /places.json: a typed address (q) or a point (lat, long)."""

    q = forms.CharField(max_length=MAX_ADDRESS_LENGTH, required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, min_value=-180, max_value=180)

    def clean(self):
        """Exactly one of an address or a whole point."""
        cleaned = super().clean()
        has_text = bool(cleaned.get("q", "").strip())
        has_point = cleaned.get("lat") is not None and cleaned.get("long") is not None
        if self.errors:
            return cleaned
        if has_text == has_point:
            raise forms.ValidationError(_("Send either q (an address) or both lat and long."))
        return cleaned


def locate_address(text: str) -> Located | str:
    """A typed address placed in the city, or the sentence that says why it cannot be."""
    try:
        located = locate(address=text)
    except ValidationFailed:
        return str(ADDRESS_NOT_FOUND)
    if not in_city(located):
        return str(ADDRESS_OUTSIDE)
    return located


class MultipleFileInput(forms.FileInput):
    """A file input that lets the resident pick several photos at once."""

    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three photo uploads; the media pipeline judges each one."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"multiple": True, "accept": "image/*"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        """A list of the uploaded files (empty when none were chosen)."""
        uploads = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(upload, initial) for upload in uploads if upload]


@dataclass(frozen=True)
class ReviewRow:
    """One answer as the review page shows it."""

    label: str
    value: str


class ReportForm(ReadableForm):
    """Everything about one problem: the service's questions, where, what, photos, who."""

    address = forms.CharField(
        label=_("Address or nearest intersection"),
        max_length=MAX_ADDRESS_LENGTH,
        required=False,
        help_text=_("For example 121 N LaSalle St, or Clark St and Division St."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    long = forms.FloatField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=MAX_DESCRIPTION_LENGTH,
        required=False,
        help_text=_("What you see and anything that helps the crew find it."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 3 photos (JPEG, PNG, GIF or WebP). We remove the location data."),
    )
    remove_photos = forms.MultipleChoiceField(
        label=_("Remove photos"), required=False, widget=forms.CheckboxSelectMultiple
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    email_updates = forms.BooleanField(
        label=_("Email me when this request changes"), required=False
    )
    website = honeypot_field()

    CONTACT_FIELDS = ("first_name", "last_name", "email", "phone")

    def __init__(self, *args, service: Service, kept_photos: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.located: Located | None = None  # where a typed address (without a pin) was found
        self.kept_photos = list(kept_photos)
        self.fields["remove_photos"].choices = [(str(p.pk), p.filename) for p in self.kept_photos]
        self.attributes = [a for a in service.attributes.all() if a.variable]
        for attribute in self.attributes:
            self.fields[ATTRIBUTE_PREFIX + attribute.code] = attribute_field(attribute)

    # --- groups the template lays out -----------------------------------------

    def attribute_fields(self) -> list[forms.BoundField]:
        """The service's own questions, in the catalogue's order."""
        return [self[ATTRIBUTE_PREFIX + a.code] for a in self.attributes]

    def contact_fields(self) -> list[forms.BoundField]:
        """The optional, never-published contact fields."""
        return [self[name] for name in self.CONTACT_FIELDS]

    # --- validation -------------------------------------------------------------

    def clean_phone(self) -> str:
        """A phone number in any common layout, or nothing."""
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("Enter a phone number such as 312-744-5000."))
        return phone

    def clean_photos(self) -> list:
        """The new uploads, refusing more than three photos in all."""
        uploads = self.cleaned_data["photos"]
        removing = set(self.data.getlist("remove_photos")) if hasattr(self.data, "getlist") else ()
        kept = [p for p in self.kept_photos if str(p.pk) not in removing]
        if len(kept) + len(uploads) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Attach at most 3 photos; remove one before adding another.")
            )
        return uploads

    def clean(self):
        """Check the location and that updates have an address to go to."""
        cleaned = super().clean()
        self._check_location(cleaned)
        if cleaned.get("email_updates") and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter your email address to get updates by email."))
        return cleaned

    def _check_location(self, cleaned: dict) -> None:
        lat, long = cleaned.get("lat"), cleaned.get("long")
        if (lat is None) != (long is None):
            cleaned["lat"] = cleaned["long"] = lat = long = None
        if lat is not None:
            if not (-90 <= lat <= 90 and -180 <= long <= 180) or (
                lookup.has_boundaries() and lookup.ward_at(lat, long) is None
            ):
                self.add_error(
                    "address",
                    _(
                        "The pin is outside the city. Move it onto a street in the city, "
                        "or remove it and type the address."
                    ),
                )
            return
        if "address" in self.errors:
            return
        typed = cleaned.get("address", "").strip()
        if not typed:
            self.add_error(
                "address", _("Place the pin on the map or type the address of the problem.")
            )
            return
        # Without a pin (no JavaScript, or the resident typed only), the address must be a
        # place we can find: better said here, next to the box, than after sending.
        located = locate_address(typed)
        if isinstance(located, str):
            self.add_error("address", located)
        else:
            self.located = located

    # --- what the domain receives ----------------------------------------------

    def location(self) -> Location:
        """Where the problem is, for submit_request."""
        data = self.cleaned_data
        return Location(lat=data["lat"], long=data["long"], address=data["address"].strip())

    def requester(self) -> Requester:
        """The resident's contact, private to the city."""
        data = self.cleaned_data
        return Requester(**{name: data[name].strip() for name in self.CONTACT_FIELDS})

    def attribute_answers(self) -> dict[str, list[str]]:
        """Answers keyed by attribute code as the domain takes them (lists of strings)."""
        answers = {}
        for attribute in self.attributes:
            value = self.cleaned_data.get(ATTRIBUTE_PREFIX + attribute.code)
            strings = answer_strings(value)
            if strings:
                answers[attribute.code] = strings
        return answers

    def review_rows(self) -> list[ReviewRow]:
        """The service's questions and the answers given, in words, for the review page."""
        rows = []
        for bound in self.attribute_fields():
            value = self.cleaned_data.get(bound.name)
            rows.append(ReviewRow(str(bound.label), display_answer(bound.field, value)))
        return rows


def attribute_field(attribute: ServiceAttribute) -> forms.Field:
    """The form field that asks one GeoReport attribute with the right kind of input."""
    common = {
        "label": localized(attribute, "description"),
        "required": attribute.required,
        "help_text": localized(attribute, "datatype_description"),
    }
    choices = [(v.key, localized(v, "name")) for v in attribute.values.all()]
    match attribute.datatype:
        case Datatype.NUMBER:
            widget = forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
            return forms.FloatField(widget=widget, **common)
        case Datatype.DATETIME:
            widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
            return forms.DateTimeField(widget=widget, **common)
        case Datatype.TEXT:
            widget = forms.Textarea(attrs={"rows": 3})
            return forms.CharField(max_length=MAX_TEXT_LENGTH, widget=widget, **common)
        case Datatype.SINGLEVALUELIST if len(choices) <= RADIO_LIMIT:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        case Datatype.SINGLEVALUELIST:
            return forms.ChoiceField(choices=[("", _("Choose one…")), *choices], **common)
        case Datatype.MULTIVALUELIST:
            widget = forms.CheckboxSelectMultiple
            return forms.MultipleChoiceField(choices=choices, widget=widget, **common)
    return forms.CharField(max_length=MAX_STRING_LENGTH, **common)


def answer_strings(value: object) -> list[str]:
    """A cleaned answer as the list of strings GeoReport attributes carry."""
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dt.datetime):
        return [value.isoformat(timespec="minutes")]
    if isinstance(value, float):
        return [str(int(value)) if value.is_integer() else repr(value)]
    return [str(value).strip()]


def display_answer(field: forms.Field, value: object) -> str:
    """An answer in the words the resident chose it by (labels, not keys)."""
    if value is None or value == "" or value == []:
        return ""
    names = dict(getattr(field, "choices", ()))
    if isinstance(value, list):
        return ", ".join(str(names.get(v, v)) for v in value)
    if names:
        return str(names.get(value, value))
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return answer_strings(value)[0]
