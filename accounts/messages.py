"""Rendering the editable message templates: a sandboxed engine and a restricted context.

Templates are Django template syntax, but rendered by their own engine with no template
loaders (nothing to include or extend) and a context of plain strings, so an edited
template can reach nothing but the placeholders its purpose offers. A member of the
public's template, for instance, is never given the outcome, so no edit can reveal it.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import TextNode, Variable, VariableNode

from .models import MessagePurpose, MessageTemplate

# What each purpose's templates may use. Values are described to administrators.
PLACEHOLDERS: dict[str, dict[str, str]] = {
    MessagePurpose.NOTIFICATION: {
        "title": "the notice's title (never names a child)",
        "body": "the notice's text",
        "url": "the link to the page in the service",
        "service_name": "the name of this service",
    },
    MessagePurpose.REFERRER_PROFESSIONAL: {
        "referrer_name": "the referrer's name",
        "reference": "the contact reference, e.g. C0000042",
        "case_numbers": "the children's case numbers",
        "received_date": "the day the contact was received",
        "outcome": "what was decided, in words for the referrer",
        "team": "the team the contact is allocated to, if any",
        "assessment": "the type of assessment, for a referral to a social work team",
        "service_name": "the name of this service",
        "council": "the council's name",
    },
    MessagePurpose.REFERRER_PUBLIC: {
        "referrer_name": "the referrer's name",
        "reference": "the contact reference, e.g. C0000042",
        "received_date": "the day the contact was received",
        "service_name": "the name of this service",
        "council": "the council's name",
    },
}

# Tags that would reach beyond the context (files, the debug dump of the process).
_FORBIDDEN = re.compile(r"{%\s*(debug|include|extends|load|ssi)\b")
_MISSING = "\x00missing:%s\x00"

_engine = Engine(autoescape=False)
# Renders a placeholder the purpose does not offer as a marker, so validation can name it.
_checking_engine = Engine(autoescape=False, string_if_invalid=_MISSING)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str


def validate_template(purpose: str, *, subject: str, body: str) -> None:
    """Raise ValidationError (per field) if the template cannot be rendered for its purpose."""
    allowed = PLACEHOLDERS.get(purpose, {})
    sample = {name: f"[{name}]" for name in allowed}
    errors: dict[str, list[str]] = {}
    for field, source in (("subject", subject), ("body", body)):
        try:
            _check_tags(source)
            output = _checking_engine.from_string(source).render(Context(sample, autoescape=False))
        except (TemplateSyntaxError, ValueError) as exc:
            errors.setdefault(field, []).append(f"The template has an error: {exc}")
            continue
        unknown = sorted(
            {part.split("\x00")[0] for part in output.split("\x00missing:")[1:]} - {""}
        )
        if unknown:
            errors.setdefault(field, []).append(
                "This message cannot use "
                + ", ".join(_placeholder(name) for name in unknown)
                + ". It may use: "
                + ", ".join(_placeholder(name) for name in allowed)
            )
        if field == "subject" and "\n" in output.strip():
            errors.setdefault(field, []).append("The subject must be a single line")
    if errors:
        raise ValidationError(errors)


def _check_tags(source: str) -> None:
    match = _FORBIDDEN.search(source)
    if match:
        raise ValueError(f"the {{% {match.group(1)} %}} tag cannot be used in a message")


def _placeholder(name: str) -> str:
    return f"{{{{ {name} }}}}"


def message_sources(purpose: MessagePurpose | str) -> tuple[str, str]:
    """The purpose's subject and body templates: an administrator's edit, else the shipped wording."""
    row = MessageTemplate.objects.filter(purpose=purpose).first()
    return (row.subject, row.body) if row is not None else DEFAULTS[purpose]


def render_message(
    purpose: MessagePurpose | str,
    context: dict[str, str],
    *,
    sources: tuple[str, str] | None = None,
) -> RenderedMessage:
    """Render the purpose's template (`sources` from message_sources, read here if not given)."""
    return message_renderer(purpose, sources=sources)(context)


def message_renderer(
    purpose: MessagePurpose | str, *, sources: tuple[str, str] | None = None
) -> Callable[[dict[str, str]], RenderedMessage]:
    """render_message for many contexts: the templates are compiled once, not per message."""
    allowed = PLACEHOLDERS[purpose]
    subject_source, body_source = sources or message_sources(purpose)
    subject_render = _compiled(_engine.from_string(subject_source), allowed)
    body_render = _compiled(_engine.from_string(body_source), allowed)

    def render(context: dict[str, str]) -> RenderedMessage:
        values = {name: str(context.get(name, "") or "") for name in allowed}
        subject = " ".join(subject_render(values).split())
        return RenderedMessage(subject=subject, body=body_render(values).strip())

    return render


def _compiled(template: Template, allowed: Iterable[str]) -> Callable[[dict[str, str]], str]:
    """The template as a function of its (string) values.

    A template of text and bare placeholders only (as shipped, and as most edits are) renders
    to its pieces joined, which is what Django's rendering gives with autoescape off and
    string values, a hundred times faster (a sweep words thousands of emails); anything else
    (a filter, a tag) is rendered by the engine.
    """
    pieces: list[tuple[bool, str]] = []
    for node in template.nodelist:
        if isinstance(node, TextNode):
            pieces.append((False, node.s))
            continue
        var = node.filter_expression.var if isinstance(node, VariableNode) else None
        if (
            isinstance(var, Variable)
            and not node.filter_expression.filters
            and var.literal is None
            and not var.translate
            and var.lookups is not None
            and len(var.lookups) == 1
            and var.lookups[0] in allowed
        ):
            pieces.append((True, var.lookups[0]))
            continue
        return lambda values: template.render(Context(values, autoescape=False))
    return lambda values: "".join(values[text] if named else text for named, text in pieces)


# The shipped wording, used until an administrator edits it (the data migration seeds
# these as rows so they can be edited in the admin).
DEFAULTS: dict[str, tuple[str, str]] = {
    MessagePurpose.NOTIFICATION: (
        "{{ title }}",
        "{{ body }}\n\nOpen the {{ service_name }}: {{ url }}",
    ),
    MessagePurpose.REFERRER_PROFESSIONAL: (
        "Contact {{ reference }}{% if case_numbers %}, case {{ case_numbers }}{% endif %}: "
        "the outcome of your referral",
        """Dear {{ referrer_name }},

Thank you for your contact to the {{ service_name }} on {{ received_date }}. Our reference is {{ reference }}{% if case_numbers %} (case {{ case_numbers }}){% endif %}.

Outcome: {{ outcome }}
{% if team %}Allocated to: {{ team }}
{% endif %}{% if assessment %}Assessment: {{ assessment }}
{% endif %}
Please quote {{ reference }} in anything you send us about this referral. If you have new concerns about the child, contact us again straight away. If a child is in immediate danger, call 999.

{{ service_name }}
{{ council }}""",
    ),
    MessagePurpose.REFERRER_PUBLIC: (
        "Your contact to the {{ service_name }}: reference {{ reference }}",
        """Dear {{ referrer_name }},

Thank you for contacting the {{ service_name }} on {{ received_date }}. Our reference is {{ reference }}.

We have looked at what you told us and acted on it. To protect the privacy of the children and families we work with, we cannot tell you what we have decided or what will happen next.

If you have new worries about a child, contact us again and quote {{ reference }}. If a child is in immediate danger, call 999.

{{ service_name }}
{{ council }}""",
    ),
}
