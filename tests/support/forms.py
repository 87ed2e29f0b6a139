"""Read a page's forms as a browser would submit them, for test-client tests of real pages.

Posting the fields a page really renders (its CSRF token, its field names, the option
values behind the labels staff see) keeps a test honest when a template changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    """One <form>: where it posts, and the values a browser would send as it stands."""

    action: str
    method: str
    enctype: str
    values: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, str]] = field(default_factory=dict)  # select: label → value
    files: set[str] = field(default_factory=set)

    def choose(self, name: str, label: str) -> PageForm:
        """Pick the option of select `name` whose visible label is `label`."""
        offered = self.options.get(name)
        assert offered is not None, f"the form has no select named {name!r}"
        assert label in offered, f"{name!r} offers {sorted(offered)}, not {label!r}"
        self.values[name] = offered[label]
        return self

    def fill(self, **values: str) -> PageForm:
        """Type into fields the form has (refuses names the page does not render)."""
        for name, value in values.items():
            assert name in self.values, f"the form has no field named {name!r}"
            self.values[name] = value
        return self

    def data(self, **files) -> dict:
        """What a browser would post, with `files` attached to the form's file inputs."""
        for name in files:
            assert name in self.files, f"the form has no file input named {name!r}"
        return {**self.values, **files}


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: str | None = None
        self._option: dict | None = None
        self._textarea: str | None = None
        self._chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = PageForm(
                action=a.get("action", ""),
                method=a.get("method", "get").lower(),
                enctype=a.get("enctype", "application/x-www-form-urlencoded"),
            )
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "label": "", "selected": "selected" in a}
        elif self._form is None or "name" not in a:
            return  # outside a form, or not sent (no name)
        elif tag == "input":
            self._input(a)
        elif tag == "select":
            self._select = a["name"]
            self._form.options[self._select] = {}
            self._chosen = False
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.values[self._textarea] = ""

    def _input(self, a: dict[str, str]) -> None:
        assert self._form is not None
        kind = a.get("type", "text").lower()
        if kind == "file":
            self._form.files.add(a["name"])
        elif kind in {"checkbox", "radio"}:
            if "checked" in a:
                self._form.values[a["name"]] = a.get("value", "on")
        elif kind not in {"submit", "button", "reset", "image"}:
            self._form.values[a["name"]] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["label"] += data
        elif self._textarea is not None and self._form is not None:
            self._form.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._form is not None and self._select is not None:
            offered = self._form.options[self._select]
            if not self._chosen and offered:  # a browser sends the first option by default
                self._form.values[self._select] = next(iter(offered.values()))
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._end_option()

    def _end_option(self) -> None:
        assert self._form is not None and self._select is not None and self._option is not None
        label = " ".join(self._option["label"].split())
        value = self._option["value"] if self._option["value"] is not None else label
        self._form.options[self._select][label] = value
        if self._option["selected"]:
            self._form.values[self._select] = value
            self._chosen = True
        self._option = None


def form_posting_to(html: str, action: str) -> PageForm:
    """The form of the page whose action is `action`; fails listing the actions there are."""
    reader = _FormReader()
    reader.feed(html)
    found = [f for f in reader.forms if f.action == action]
    assert found, f"no form posts to {action}; the page has {[f.action for f in reader.forms]}"
    return found[0]
