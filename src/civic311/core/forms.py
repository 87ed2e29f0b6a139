"""The base of every resident and staff form: text that is not UTF-8 is an error, not data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civic311.core.encoding import undecodable

NOT_UTF8 = _(
    "Some characters here could not be read (the text was not sent as UTF-8). Please type it again."
)


class ReadableForm(forms.Form):
    """A form that refuses, field by field, text whose bytes were not UTF-8."""

    def full_clean(self) -> None:
        """Clean as Django does, then put an error on each field that held unreadable text."""
        super().full_clean()
        if not self.is_bound:
            return
        for name in self.fields:
            raw = self[name].data
            values = raw if isinstance(raw, list | tuple) else [raw]
            if any(undecodable(value) for value in values):
                self.add_error(name, NOT_UTF8)
