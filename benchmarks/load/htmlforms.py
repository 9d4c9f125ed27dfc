"""The forms on a page and what a user who answers them sends (benchmarks/load/locustfile.py).

Kept apart from the locustfile so the tests can use it without importing Locust (which patches
threads with gevent when imported).
"""

from __future__ import annotations

from html.parser import HTMLParser

FILLER = "Load test: invented text, no real person."


class Form:
    def __init__(self, action: str, method: str) -> None:
        self.action = action
        self.method = method
        self.fields: list[tuple[str, str]] = []  # in page order; radios and checkboxes: checked
        self.radios: dict[str, list[str]] = {}
        self.selects: dict[str, list[str]] = {}
        self.buttons: list[tuple[str, str]] = []
        self.textareas: list[str] = []
        self.required: set[str] = set()


class FormParser(HTMLParser):
    """The forms on a page, with what a browser would send and the choices it offers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._select_chosen: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "radio":
                form.radios.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind == "checkbox":
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind in {"submit", "button", "image"}:
                form.buttons.append((name, a.get("value", "")))
            elif kind != "file":
                form.fields.append((name, a.get("value", "")))
            if "required" in a:
                form.required.add(name)
        elif tag == "button" and name:
            form.buttons.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._select_chosen = name, None
            form.selects[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.selects[self._select].append(value)
            if "selected" in a:
                self._select_chosen = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, "".join(self._text).strip()))
            self._form.textareas.append(self._textarea)
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            options = [o for o in self._form.selects[self._select] if o]
            chosen = self._select_chosen
            if chosen is None and options:
                chosen = options[0]
            self._form.fields.append((self._select, chosen or ""))
            self._select = None


def forms_on(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def fill(form: Form, overrides: dict[str, str | list[str]]) -> list[tuple[str, str]]:
    """What a user who answers every question on the page sends: the page's own values, the
    first choice of every unanswered radio question, filler text in empty text boxes, and
    `overrides` (a list sends the name once per value)."""
    data = [(k, v) for k, v in form.fields if k not in overrides]
    answered = {k for k, _ in data}
    for name, values in form.radios.items():
        if name not in answered and name not in overrides and values:
            data.append((name, values[0]))
    data = [
        (k, FILLER if (k in form.textareas and not v) else v) for k, v in data if k not in overrides
    ]
    for name, value in overrides.items():
        for v in value if isinstance(value, list) else [value]:
            data.append((name, v))
    return data
