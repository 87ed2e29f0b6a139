"""Back-office forms: each parses one screen's input into what a service or selector takes."""

from __future__ import annotations

from django import forms

from civic311.catalog.models import Department, Service, ServiceAttribute
from civic311.core.forms import ReadableForm
from civic311.geo.models import Ward
from civic311.geo.services import Located
from civic311.service_requests import workflow
from civic311.service_requests.services import Location, Requester

Datatype = ServiceAttribute.Datatype
ATTRIBUTE_PREFIX = "attr_"


SPANISH_HELP = "Shown to Spanish readers instead; a template fills it."
EMAIL_LABEL = "Email text (optional)"


def note_field(label: str, help_text: str = "", *, required: bool = False) -> forms.CharField:
    """A short free-text box of the request page (notes, reasons and their other wordings)."""
    return forms.CharField(
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=label,
        help_text=help_text,
    )


class ServiceChoiceField(forms.ModelChoiceField):
    """Services by the name staff know them by."""

    def label_from_instance(self, obj) -> str:
        return obj.name


class IntakeForm(ReadableForm):
    """A caller's or visitor's report; the chosen service's questions are added as fields."""

    service = ServiceChoiceField(
        queryset=Service.objects.filter(active=True).order_by("name"),
        empty_label="Choose the problem…",
    )
    address = forms.CharField(
        max_length=300,
        required=False,
        help_text="Street address, or pick a point on the map.",
    )
    lat = forms.FloatField(required=False, label="Latitude", widget=forms.TextInput)
    long = forms.FloatField(required=False, label="Longitude", widget=forms.TextInput)
    # The address the point above was found for; when the operator then retypes the
    # address, that point is stale and the new address is located instead.
    located_address = forms.CharField(max_length=300, required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    first_name = forms.CharField(max_length=100, required=False, label="Caller's first name")
    last_name = forms.CharField(max_length=100, required=False, label="Caller's last name")
    phone = forms.CharField(max_length=40, required=False, label="Caller's phone")
    email = forms.EmailField(required=False, label="Caller's email")
    email_updates = forms.BooleanField(
        required=False,
        label="Email them updates",
        help_text="Needs their email address; their receipt asks them to confirm the updates.",
    )

    def __init__(self, *args, service: Service | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.chosen_service = service
        if service is not None:
            for attribute in service.attributes.order_by("order").prefetch_related("values"):
                if attribute.variable:
                    self.fields[ATTRIBUTE_PREFIX + attribute.code] = attribute_field(attribute)

    def clean(self) -> dict:
        cleaned = super().clean()
        lat, long = cleaned.get("lat"), cleaned.get("long")
        if (lat is None) != (long is None):
            raise forms.ValidationError("Give both latitude and longitude, or neither.")
        if lat is None and not cleaned.get("address"):
            raise forms.ValidationError("Give the address or pick the point on the map.")
        if cleaned.get("email_updates") and not cleaned.get("email"):
            self.add_error("email", "Give their email address to send them updates.")
        return cleaned

    def attribute_fields(self) -> list:
        """The bound fields of the service's questions, in order."""
        return [self[name] for name in self.fields if name.startswith(ATTRIBUTE_PREFIX)]

    def answers(self) -> dict[str, list[str]]:
        """The raw answers keyed by attribute code, as the domain validates them."""
        answers = {}
        for name in self.fields:
            if name.startswith(ATTRIBUTE_PREFIX):
                raw = self.data.getlist(name) if hasattr(self.data, "getlist") else []
                answers[name.removeprefix(ATTRIBUTE_PREFIX)] = [v for v in raw if v]
        return answers

    def point(self) -> tuple[float, float] | None:
        """The point the operator gave or confirmed, unless it was found for another address."""
        data = self.cleaned_data
        if data.get("lat") is None or data.get("long") is None or self.point_is_stale():
            return None
        return data["lat"], data["long"]

    def point_is_stale(self) -> bool:
        """True when the point was found for an address the operator has since retyped."""
        found_for = self.cleaned_data.get("located_address")
        return bool(found_for) and found_for != self.cleaned_data.get("address")

    def location(self, place: Located) -> Location:
        """Where the problem is: the operator's point, or the address the geocoder placed.

        A point found for the address is left for filing to find again, so the request
        records how precisely the geocoder placed it (address, intersection, block, street).
        """
        typed = "" if place.address_derived else place.address
        if typed and self.cleaned_data.get("located_address") == typed:
            return Location(address=typed)
        return Location(lat=place.lat, long=place.long, address=typed)

    def requester(self) -> Requester:
        """The caller's private contact."""
        data = self.cleaned_data
        return Requester(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
        )


def attribute_field(attribute: ServiceAttribute) -> forms.Field:
    """A form field for one GeoReport attribute, by datatype; the domain checks the answer."""
    common = {"label": attribute.description, "required": attribute.required}
    if attribute.datatype_description:
        common["help_text"] = attribute.datatype_description
    choices = [(v.key, v.name) for v in attribute.values.all()]
    match attribute.datatype:
        case Datatype.SINGLEVALUELIST:
            return forms.ChoiceField(choices=[("", "—"), *choices], **common)
        case Datatype.MULTIVALUELIST:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        case Datatype.NUMBER:
            return forms.CharField(
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}), **common
            )
        case Datatype.DATETIME:
            return forms.CharField(
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common
            )
        case Datatype.TEXT:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    return forms.CharField(max_length=300, **common)


class LookupForm(ReadableForm):
    """A caller asks where their request is."""

    BY = [
        ("number", "Tracking number"),
        ("address", "Address"),
        ("contact", "Caller's phone or email"),
    ]
    by = forms.ChoiceField(choices=BY, initial="number", label="Look up by")
    q = forms.CharField(max_length=200, label="Number, address, phone or email")


class QueueFilterForm(ReadableForm):
    """The filter bar of a queue."""

    STATUS = [
        ("open", "Open"),
        ("closed", "Closed"),
        ("all", "All"),
        *[(s.value, str(s.label)) for s in workflow.Status],
    ]
    SORT = [
        ("newest", "Newest first"),
        ("oldest", "Oldest first"),
        ("due", "Due soonest"),
        ("updated", "Recently updated"),
    ]
    status = forms.ChoiceField(choices=STATUS, required=False, initial="open")
    service = ServiceChoiceField(
        queryset=Service.objects.order_by("name"), required=False, empty_label="Any service"
    )
    ward = forms.ModelChoiceField(
        queryset=Ward.objects.order_by("number"), required=False, empty_label="Any ward"
    )
    older_than_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Older than (days)"
    )
    overdue = forms.BooleanField(required=False, label="Overdue only")
    assigned = forms.ChoiceField(required=False, choices=[("", "Anyone or no one")])
    sort = forms.ChoiceField(choices=SORT, required=False, initial="newest")
    # Set by the dashboard's links (city days); kept as hidden fields when filtering again.
    filed_on = forms.DateField(required=False, widget=forms.HiddenInput)
    closed_on = forms.DateField(required=False, widget=forms.HiddenInput)
    closed_since = forms.DateField(required=False, widget=forms.HiddenInput)
    moved = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[("", ""), ("in", "in"), ("out", "out"), ("any", "any"), ("through", "through")],
    )
    since = forms.DateField(required=False, widget=forms.HiddenInput)
    finished = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[("", ""), ("within_target", "within_target")],
    )
    DASHBOARD_FIELDS = ("filed_on", "closed_on", "closed_since", "moved", "since", "finished")

    def __init__(self, *args, staff=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned"].choices = [
            ("", "Anyone or no one"),
            ("none", "Not assigned"),
            *[(str(u.pk), u.get_full_name() or u.get_username()) for u in staff],
        ]


class MultiplePhotoInput(forms.FileInput):
    """A file input that takes several photos at once."""

    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several uploads; media.services.prepare_photos checks what they really are."""

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(one, initial) for one in data]
        return super().clean(data, initial)


class StatusForm(ReadableForm):
    """Change a request's status with a public and/or an internal note and crew photos."""

    MAX_PHOTOS = 3

    status = forms.ChoiceField(label="New status")
    public_note = note_field("Public note", "Shown on the tracker and emailed to subscribers.")
    public_note_es = note_field("Public note in Spanish", SPANISH_HELP)
    email_text = note_field(EMAIL_LABEL, "Said in the update email instead of the public note.")
    internal_note = note_field("Internal note", "Only staff see this.")
    photos = MultiplePhotoField(
        required=False,
        label="Crew photos ('after')",
        widget=MultiplePhotoInput(attrs={"accept": "image/*"}),
        help_text="JPEG, PNG, GIF or WebP; up to 3. Some services need one to close as fixed.",
    )

    def __init__(self, *args, current: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s, str(workflow.Status(s).label)) for s in workflow.allowed_changes(current)
        ]


class NoteForm(ReadableForm):
    """A note on the timeline."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Note")
    public = forms.BooleanField(
        required=False, label="Public (shown on the tracker and emailed to subscribers)"
    )


class TransferForm(ReadableForm):
    """Send a request to another department, maybe as another service."""

    department = forms.ModelChoiceField(
        queryset=Department.objects.order_by("name"), label="To department"
    )
    service = ServiceChoiceField(
        queryset=Service.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="Keep the same service",
        label="As service",
    )
    reason = note_field("Reason (shown to the public)", required=True)
    reason_es = note_field("Reason in Spanish", SPANISH_HELP)
    email_text = note_field(EMAIL_LABEL, "Said in the update email instead of the reason.")


class TemplateChoiceForm(ReadableForm):
    """Pick a response template to fill a form with (GET: the page comes back filled)."""

    # Only drawn: the request page reads ?template= itself and fills the picked one's form.
    template = forms.ChoiceField(label="Response template")

    def __init__(self, *args, templates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "Choose a template…")] + [
            (t.pk, t.title) for t in templates
        ]


class DuplicateForm(ReadableForm):
    """Close a request as a duplicate of another."""

    parent = forms.CharField(max_length=20, label="Duplicate of (tracking number)")
    note = forms.CharField(required=False, label="Note", widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(ReadableForm):
    """Open a closed request again."""

    reason = forms.CharField(
        required=False, label="Why reopen", widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(ReadableForm):
    """Give a request to a staff member of its department."""

    to_user = forms.ChoiceField(required=False, label="Assign to")

    def __init__(self, *args, staff=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [
            ("", "No one"),
            *[(str(u.pk), u.get_full_name() or u.get_username()) for u in staff],
        ]


class BulkForm(ReadableForm):
    """The "with selected" bar under a queue."""

    ACTIONS = [("status", "Change status"), ("assign", "Assign")]
    action = forms.ChoiceField(choices=ACTIONS, initial="status")
    status = forms.ChoiceField(
        required=False,
        label="New status",
        choices=[("", "—")]
        + [(s.value, str(s.label)) for s in workflow.Status if s != workflow.Status.DUPLICATE],
    )
    public_note = forms.CharField(required=False, max_length=1000, label="Public note")
    to_user = forms.ChoiceField(required=False, label="Assign to")

    def __init__(self, *args, staff=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [
            ("", "No one"),
            *[(str(u.pk), u.get_full_name() or u.get_username()) for u in staff],
        ]


class LocationForm(ReadableForm):
    """Move a request to where it really is: a typed address, or a point (typed or clicked)."""

    address = forms.CharField(
        max_length=300,
        required=False,
        label="Correct address",
    )
    lat = forms.FloatField(required=False, label="Latitude", widget=forms.TextInput)
    long = forms.FloatField(required=False, label="Longitude", widget=forms.TextInput)

    def clean(self) -> dict:
        cleaned = super().clean()
        lat, long = cleaned.get("lat"), cleaned.get("long")
        if (lat is None) != (long is None):
            raise forms.ValidationError("Give both latitude and longitude, or neither.")
        if lat is None and not cleaned.get("address") and not self.errors:
            raise forms.ValidationError("Give the address or pick the point on the map.")
        return cleaned
