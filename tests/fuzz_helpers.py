"""A bounded fuzzer for every form and URL parameter: junk in, never a server error out.

Pages are fetched as a persona the access tables allow, their forms read from the HTML
(field names, kinds and options), and each form sent back with every field set to one kind
of junk while choice fields keep a real option, so the junk reaches the code behind
validation too. Failures are collected, not raised at the first, so one run lists them all.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.test import Client

TWENTY_DIGITS = "99999999999999999999"
# One kind of junk per entry: (name, value for text-like fields, value for date parts).
JUNK = [
    ("huge", "x" * 20_000, "1" * 5000),
    ("nul", "a\x00b", "\x00"),
    ("twenty digits", TWENTY_DIGITS, TWENTY_DIGITS),
    ("negative", "-1", "-1"),
    ("unicode", "ß😀\u202eمرحبا", "٣"),
    ("out of range date", "9999-12-31", "0"),
]
PATH_JUNK = {
    "int": ["0", "2147483648", str(2**63), TWENTY_DIGITS],
    "str": ["abc", "ß", "9999-12-31", "x" * 300],
    "slug": ["abc", "x" * 300],
    "path": ["abc", "a/b"],
}


class _Forms(HTMLParser):
    """Each <form>: method, action, and its fields as name -> (kind, options)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (a.get("method") or "get").lower(),
                    "action": a.get("action"),
                    "fields": {},
                }
            )
            return
        if not self.forms or not a.get("name") or a["name"] == "csrfmiddlewaretoken":
            return
        fields = self.forms[-1]["fields"]
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image"):
                return
            if kind in ("radio", "checkbox"):
                fields.setdefault(name, (kind, []))[1].append(a.get("value", "on"))
            else:
                fields[name] = (kind, [])
        elif tag == "textarea":
            fields[name] = ("textarea", [])
        elif tag == "select":
            fields[name] = ("select", [])
            self._select = name
        elif tag == "option" and self._select and a.get("value"):
            fields[self._select][1].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_in(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["fields"]]


def junk_data(fields: dict, text: str, date_part: str, other_ids: list[str]) -> dict:
    """Every field set to junk; choice fields keep a real option (or get another record's id)."""
    data: dict = {}
    for name, (kind, options) in fields.items():
        if options and not other_ids:
            data[name] = options[:1] if kind == "checkbox" else options[0]
        elif options:
            data[name] = other_ids if kind == "checkbox" else other_ids[0]
        elif re.search(r"_[012]$", name):
            data[name] = date_part
        else:
            data[name] = other_ids[0] if other_ids else text
    return data


class Fuzzer:
    def __init__(self, other_ids: list[str]):
        self.other_ids = other_ids
        self.failures: list[str] = []
        self.requests = 0

    def _send(self, client: Client, method: str, url: str, data: dict | None = None, who=""):
        self.requests += 1
        response = getattr(client, method)(url, data or {})
        if response.status_code >= 500:
            shown = {
                k: (str(v)[:40] + "…" if len(str(v)) > 40 else v) for k, v in (data or {}).items()
            }
            self.failures.append(
                f"{method.upper()} {url[:200]} as {who} -> {response.status_code} {shown}"
            )
        return response

    def page(self, client: Client, url: str, method: str, who: str) -> None:
        """The page itself, then each of its forms with each kind of junk."""
        if method == "post":
            for _, text, part in JUNK:
                self._send(client, "post", url, {"junk": text, "date_0": part}, who)
            return
        response = self._send(client, "get", url, None, who)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return
        for form in forms_in(response.content.decode()):
            action = form["action"] or urlsplit(url).path
            send = "post" if form["method"] == "post" else "get"
            for _, text, part in JUNK:
                self._send(client, send, action, junk_data(form["fields"], text, part, []), who)
            self._send(
                client, send, action, junk_data(form["fields"], "x", "1", self.other_ids), who
            )

    def report(self) -> str:
        return f"{len(self.failures)} server errors in {self.requests} requests:\n" + "\n".join(
            self.failures
        )
