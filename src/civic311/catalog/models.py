"""The service catalogue: who does what work, and which questions each service asks."""

from __future__ import annotations

from django.db import models


class Translated(models.Model):
    """A catalogue row that also carries its words in the site's other languages."""

    # {"es": {"name": "Bache en la calle", ...}}: filled from the catalogue file; a
    # missing language or field falls back to the catalogue's own (English) words.
    translations = models.JSONField(
        default=dict, blank=True, help_text='Words in other languages: {"es": {field: words}}.'
    )

    class Meta:
        abstract = True


class Department(Translated):
    """A city department that owns and works requests (CDOT, Streets and Sanitation…)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    public_name = models.CharField(
        max_length=200, help_text="Shown to the public as GeoReport agency_responsible."
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    open_data_names = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names the city's open data gives it (owner_department).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(Translated):
    """A GeoReport service: one kind of request residents can file."""

    class Type(models.TextChoices):
        REALTIME = "realtime"
        BATCH = "batch"
        BLACKBOX = "blackbox"

    service_code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    group = models.CharField(max_length=100, blank=True)
    keywords = models.CharField(max_length=500, blank=True, help_text="Comma-separated.")
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.BATCH)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="services",
        help_text="Owns the service when no routing rule matches.",
    )
    target_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days to completion the city aims for (sets expected_datetime).",
    )
    photo_required_to_close = models.BooleanField(
        default=False, help_text="Crews must attach an 'after' photo to close it as fixed."
    )
    active = models.BooleanField(default=True)
    open_data_types = models.JSONField(
        default=list,
        blank=True,
        help_text="The city's open-data sr_type names and sr_short_codes that mean this service.",
    )
    imported = models.BooleanField(
        default=False,
        help_text="Made by an import for a type no service covers; never offered for new reports.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.service_code})"

    @property
    def metadata(self) -> bool:
        """GeoReport `metadata`: true when clients must fetch the definition."""
        return self.attributes.exists()


class ServiceAttribute(Translated):
    """One question of a service definition (GeoReport attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string"
        NUMBER = "number"
        DATETIME = "datetime"
        TEXT = "text"
        SINGLEVALUELIST = "singlevaluelist"
        MULTIVALUELIST = "multivaluelist"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    code = models.CharField(max_length=64)
    datatype = models.CharField(max_length=20, choices=Datatype.choices)
    order = models.PositiveIntegerField()
    required = models.BooleanField(default=False)
    variable = models.BooleanField(default=True)
    description = models.TextField(help_text="The question shown to the resident.")
    datatype_description = models.CharField(max_length=300, blank=True)
    private = models.BooleanField(
        default=False,
        help_text="The answer is the resident's own contact (e.g. a mobile number for text "
        "updates): kept with the request, never published.",
    )

    class Meta:
        ordering = ["service", "order"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="attribute_code_unique"),
            models.UniqueConstraint(fields=["service", "order"], name="attribute_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service.name}: {self.code}"

    @property
    def is_list(self) -> bool:
        """True for single- and multi-value lists, which carry allowed values."""
        return self.datatype in {self.Datatype.SINGLEVALUELIST, self.Datatype.MULTIVALUELIST}


class AttributeValue(Translated):
    """An allowed answer of a list attribute: the key clients submit and its label."""

    attribute = models.ForeignKey(ServiceAttribute, on_delete=models.CASCADE, related_name="values")
    key = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attribute", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "key"], name="attribute_value_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.name}"


class RoutingRule(models.Model):
    """Requests for `service` in `ward` (or any ward when blank) go to `department`."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="routing_rules")
    ward = models.ForeignKey(
        "geo.Ward", null=True, blank=True, on_delete=models.CASCADE, related_name="routing_rules"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["service", "ward"]
        constraints = [
            models.UniqueConstraint(fields=["service", "ward"], name="routing_rule_unique"),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(ward__isnull=True),
                name="routing_rule_any_ward_unique",
            ),
        ]

    def __str__(self) -> str:
        where = f"ward {self.ward_id}" if self.ward_id else "any ward"
        return f"{self.service.name} in {where} → {self.department}"
