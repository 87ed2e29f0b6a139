"""A service request and its append-only timeline.

The timeline (RequestEvent) is the one source every public view projects:
the tracker page, Chicago's `notes`, mySociety's `servicerequestupdates`
and the email alerts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civic311.geo.geocoding.match import Precision
from civic311.service_requests import workflow


class Channel(models.TextChoices):
    """How the request reached the city."""

    WEB = "web", _("web")
    PHONE = "phone", _("phone")
    WARD_OFFICE = "ward_office", _("ward office")
    OPEN311 = "open311", _("app")
    STAFF = "staff", _("city staff")


class CityRequests(models.Manager["ServiceRequest"]):
    """The city's requests: everything but the API sandbox's test requests.

    Staff, resident pages and open data read through this manager, so a sandbox
    request (with its developer's contact details) can never reach them by a
    forgotten filter; only the sandbox API reads `objects`.
    """

    def get_queryset(self) -> models.QuerySet[ServiceRequest]:
        return super().get_queryset().filter(is_test=False)


class ServiceRequest(models.Model):
    """One report of a problem, followed by its tracking number from filing to closing."""

    # `objects` first: it stays the default manager, so related lookups and the
    # importer see every row.
    objects = models.Manager()
    city = CityRequests()

    Status = workflow.Status

    # Chicago's form `26-00001234`, or an imported request's own number (`SR21-00000001`).
    tracking_number = models.CharField(max_length=16, unique=True, editable=False)
    token = models.CharField(max_length=32, unique=True, editable=False)
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=32, choices=workflow.Status.choices, default="open")
    status_notes = models.TextField(blank=True)
    description = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    address = models.CharField(max_length=300, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    # The address reduced to what a caller says (civic311.geo.addresses), kept beside it
    # so the back office's lookup by address is an exact, indexed match (ADR 0011).
    street_key = models.CharField(max_length=100, blank=True, default="", editable=False)
    address_block = models.PositiveIntegerField(null=True, blank=True, editable=False)
    zipcode = models.CharField(max_length=10, blank=True)
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    ward = models.ForeignKey(
        "geo.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    community_area = models.ForeignKey(
        "geo.CommunityArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # How the place was found: a resident's pin or staff's point is exact ("address");
    # a geocoded address may only reach its intersection, block or street.
    location_precision = models.CharField(
        max_length=16, blank=True, choices=[(p.value, p.value) for p in Precision]
    )
    address_derived = models.BooleanField(
        default=False, help_text="civic311 wrote the address from the point; nobody typed it."
    )

    channel = models.CharField(max_length=16, choices=Channel.choices)
    media_urls = models.JSONField(
        default=list, blank=True, help_text="media_url values as the client sent them."
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    report_count = models.PositiveIntegerField(
        default=1, help_text="How many residents reported this problem."
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_test = models.BooleanField(default=False, help_text="Filed through the API sandbox.")

    # The requester's contact: private, never in any public output.
    requester_first_name = models.CharField(max_length=100, blank=True)
    requester_last_name = models.CharField(max_length=100, blank=True)
    requester_email = models.EmailField(blank=True)
    requester_phone = models.CharField(max_length=40, blank=True)
    requester_device_id = models.CharField(max_length=200, blank=True)
    requester_account_id = models.CharField(max_length=200, blank=True)

    requested_datetime = models.DateTimeField()
    updated_datetime = models.DateTimeField()
    expected_datetime = models.DateTimeField(null=True, blank=True)
    # Where expected_datetime came from (civic311.stats.expected.Basis): the ward's or the
    # city's history, or the catalogue target; empty for requests filed before it was kept.
    expected_basis = models.JSONField(default=dict, blank=True, editable=False)
    closed_datetime = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_datetime", "-id"]
        indexes = [
            models.Index(fields=["status", "requested_datetime"], name="sr_status_requested"),
            models.Index(fields=["service", "requested_datetime"], name="sr_service_requested"),
            models.Index(fields=["requested_datetime"], name="sr_requested"),
            # Harvests and exports page by (updated, id): a keyset, fast on the last page.
            models.Index(fields=["updated_datetime", "id"], name="sr_updated_id"),
            models.Index(fields=["ward", "status"], name="sr_ward_status"),
            models.Index(fields=["department", "status"], name="sr_department_status"),
            models.Index(fields=["requester_email"], name="sr_requester_email"),
            models.Index(fields=["requester_phone"], name="sr_requester_phone"),
            # Back-office queues: a department's or a ward's requests in one status group,
            # newest first or by when they are due.
            models.Index(
                fields=["department", "status", "requested_datetime"],
                name="sr_dept_status_requested",
            ),
            models.Index(
                fields=["department", "status", "expected_datetime"],
                name="sr_dept_status_expected",
            ),
            models.Index(
                fields=["ward", "status", "requested_datetime"], name="sr_ward_status_requested"
            ),
            models.Index(
                fields=["ward", "status", "expected_datetime"], name="sr_ward_status_expected"
            ),
            # Intake's "already reported nearby?": same service, recent, inside a lat box.
            models.Index(fields=["service", "status", "lat"], name="sr_service_status_lat"),
            # "Requests near an address" on the home page: a lat/long box around the place.
            models.Index(fields=["lat", "long"], name="sr_lat_long"),
            # Caller lookup by address: one street newest first, or one block of it.
            models.Index(fields=["street_key", "requested_datetime"], name="sr_street_requested"),
            models.Index(
                fields=["street_key", "address_block", "requested_datetime"],
                name="sr_street_block_requested",
            ),
            # The sandbox API reads only test requests; a small partial index keeps it
            # from walking the production rows to find them.
            models.Index(
                fields=["requested_datetime"],
                condition=models.Q(is_test=True),
                name="sr_test_requested",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        """True while the city still has work to do."""
        return workflow.is_open(self.status)

    @property
    def georeport_status(self) -> str:
        """GeoReport's two-valued status derived from the detailed one."""
        return "open" if self.is_open else "closed"


class RequestEvent(models.Model):
    """One step of a request's timeline; never updated or deleted."""

    class Type(models.TextChoices):
        SUBMITTED = "submitted"
        OPENED = "opened"
        STATUS_CHANGED = "status_changed"
        NOTE = "note"
        ASSIGNED = "assigned"
        TRANSFERRED = "transferred"
        DUPLICATE_MARKED = "duplicate_marked"
        DUPLICATE_MERGED = "duplicate_merged"
        REPORTED_AGAIN = "reported_again"
        REOPENED = "reopened"
        CLOSED = "closed"
        LOCATION_CORRECTED = "location_corrected"

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=24, choices=Type.choices)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="Who did it, in words.")
    is_public = models.BooleanField(default=True)
    summary = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    status_after = models.CharField(max_length=32, choices=workflow.Status.choices)
    related_request = models.ForeignKey(
        ServiceRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True, help_text="Structured extras, e.g. codes.")
    external_id = models.CharField(
        max_length=100, blank=True, help_text="An API client's update_id (servicerequestupdates)."
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["request", "created_at"], name="event_request_time"),
            models.Index(fields=["created_at"], name="event_time"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.type} {self.summary}"


class RepeatReport(models.Model):
    """Someone else reported a problem already filed: their private contact, never public."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="repeat_reports"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email_updates = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["email"], name="repeat_report_email"),
            models.Index(fields=["phone"], name="repeat_report_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} reported again via {self.channel}"


class TrackingCounter(models.Model):
    """The last tracking number handed out in each year (Chicago numbers restart yearly)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
