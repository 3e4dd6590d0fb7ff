"""Submit a form as a browser would: read the rendered HTML, not the form class.

A browser sends, for the form's submitter and the controls inside the form that are not
disabled: text-like inputs and hidden inputs with their value; checkboxes and radios that are
checked (``on`` when they have no value; of radios sharing a name, only the last marked checked); each selected option of a select (the first option of a
single select when none is selected); textareas with their text, without the one newline that
follows the start tag. Every line break in a name or value goes as CRLF. File inputs without a
file send nothing that Django keeps, so they are left out here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.test import Client


@dataclass
class Form:
    action: str
    method: str
    attrs: dict[str, str]
    pairs: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    radios: set[str] = field(default_factory=set)

    def data(self) -> dict[str, list[str]]:
        """The pairs as the lists a test client posts (order of names kept)."""
        found: dict[str, list[str]] = {}
        for name, value in self.pairs:
            found.setdefault(name, []).append(value)
        return found

    def names(self) -> set[str]:
        return {name for name, _ in self.pairs}


def _crlf(text: str) -> str:
    return re.sub(r"\r\n|\r|\n", "\r\n", text)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: dict[str, Any] | None = None
        self.option: dict[str, Any] | None = None
        self.textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v if v is not None else "") for k, v in attributes}
        if tag == "form":
            self.current = Form(
                action=attrs.get("action", ""),
                method=attrs.get("method", "get").lower(),
                attrs=attrs,
            )
            self.forms.append(self.current)
            return
        form = self.current
        if form is None:
            return
        disabled = "disabled" in attrs
        name = attrs.get("name", "")
        if tag == "input" and name and not disabled:
            kind = attrs.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" not in attrs:
                    return
                if kind == "radio":
                    # One radio of a group is checked: the last one marked so in the page.
                    if name in form.radios:
                        form.pairs = [pair for pair in form.pairs if pair[0] != name]
                    form.radios.add(name)
                form.pairs.append((name, attrs.get("value", "on")))
            elif kind in {"submit", "image", "button", "reset"}:
                if kind == "submit":
                    form.buttons.append((name, attrs.get("value", "")))
            elif kind != "file":
                form.pairs.append((name, attrs.get("value", "")))
        elif tag == "button" and name and not disabled:
            if attrs.get("type", "submit").lower() == "submit":
                form.buttons.append((name, attrs.get("value", "")))
        elif tag == "select" and not disabled:
            self.select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {
                "value": attrs.get("value"),
                "selected": "selected" in attrs,
                "disabled": disabled,
                "text": "",
            }
            self.select["options"].append(self.option)
        elif tag == "textarea" and name and not disabled:
            self.textarea = {"name": name, "text": ""}

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            self._close_select()
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            if self.current is not None:
                self.current.pairs.append((self.textarea["name"], text))
            self.textarea = None

    def _close_select(self) -> None:
        select, self.select, self.option = self.select, None, None
        assert select is not None
        if not select["name"] or self.current is None:
            return
        options = select["options"]
        for option in options:
            if option["value"] is None:
                option["value"] = " ".join(option["text"].split())
        chosen = [o for o in options if o["selected"] and not o["disabled"]]
        if not select["multiple"]:
            chosen = chosen[-1:] or [o for o in options if not o["disabled"]][:1]
        for option in chosen:
            self.current.pairs.append((select["name"], option["value"]))


def forms_in(html: str) -> list[Form]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    for form in reader.forms:
        form.pairs = [(_crlf(name), _crlf(value)) for name, value in form.pairs]
    return reader.forms


def post_forms(html: str) -> list[Form]:
    return [form for form in forms_in(html) if form.method == "post"]


def submit(client: Client, url: str, form: Form, **extra: Any) -> Any:
    """Post the form, as rendered, to its action (or to ``url`` when it has none)."""
    target = form.action or url
    data = form.data()
    if form.buttons:
        name, value = form.buttons[0]
        data.setdefault(name, []).append(value)
    return client.post(target, data, **extra)


def page_form(html: str) -> Form:
    """The page's main form: the one carrying an edit version, else the last POST form."""
    forms = post_forms(html)
    assert forms, "the page has no POST form"
    for form in forms:
        if "version" in form.names():
            return form
    return forms[-1]


def change(form: Form, changes: dict[str, str | list[str] | None]) -> Form:
    """The form as a browser sends it after the user changes some fields: a string fills a
    box or chooses one option, a list ticks exactly those boxes, None leaves the field empty
    (nothing ticked, nothing chosen)."""
    pairs = [(name, value) for name, value in form.pairs if name not in changes]
    for name, value in changes.items():
        if isinstance(value, list):
            pairs += [(name, _crlf(v)) for v in value]
        elif value is not None:
            pairs.append((name, _crlf(value)))
    return Form(form.action, form.method, form.attrs, pairs, form.buttons)


def edit(client: Client, url: str, changes: dict[str, str | list[str] | None]) -> Any:
    """Open an edit page, change some fields as a user would, and save."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return submit(client, url, change(page_form(page.content.decode()), changes))


def back_link(html: str) -> str:
    found = re.search(r'<a href="([^"]*)" class="govuk-back-link"', html)
    assert found, "the page has no back link"
    return found.group(1)
