"""What the back office keeps of its own: response templates (status checks live in
`status_checks`).

A template is the words staff would otherwise type all day ("The pothole was filled."),
for one kind of action, one status and one service (or any), in English and Spanish.
Choosing one fills the form; staff can change the words before sending.
"""

from __future__ import annotations

from django.db import models

from civic311.service_requests import workflow


class ResponseTemplate(models.Model):
    """Ready words for a status change or a transfer, in the resident's languages."""

    class Use(models.TextChoices):
        STATUS = "status", "status change or closing"
        TRANSFER = "transfer", "transfer to another department"

    title = models.CharField(max_length=100, help_text="What staff pick it by.")
    use = models.CharField(max_length=16, choices=Use.choices, default=Use.STATUS)
    status = models.CharField(
        max_length=32,
        blank=True,
        choices=[(s.value, str(s.label)) for s in workflow.Status],
        help_text="For status changes: the new status it fits; blank fits any.",
    )
    service = models.ForeignKey(
        "catalog.Service",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Blank: offered for every service.",
    )
    public_text = models.TextField(help_text="Shown on the tracker and emailed (English).")
    public_text_es = models.TextField(
        blank=True, help_text="The same in Spanish, shown to Spanish readers."
    )
    email_text = models.TextField(
        blank=True,
        help_text="Optional: said in the update email instead of the public text (English).",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title
