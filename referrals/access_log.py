"""Who has looked at this child (or this contact): the access log page, its filters and export.

A person's page lists the reads of their own record and of every contact they are on; it
filters by date, user, action and contact, and exports the filtered rows as CSV (cells
formula-safe). Both read through the access log's (content type, object, time) index, a page
or a chunk at a time, with each row's user joined in the same query.
"""

import csv
import datetime as dt

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import AccessAction, AccessLog, User
from accounts.services import access_record
from core.forms import GovukDateField, GovukForm
from core.spreadsheets import safe_cell

from .access import get_contact_for_user, get_person_for_user
from .models import Contact, ContactPerson, Person

PAGE_SIZE = 50
VIEW_LOG = "accounts.view_accesslog"


class AccessLogFilterForm(GovukForm):
    """A GET form: every field optional; an unknown value is reported, never a 500."""

    submit_label = "Apply filters"
    date_from = GovukDateField(label="From", required=False)
    date_to = GovukDateField(label="To", required=False)
    user = forms.TypedChoiceField(label="Who", required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(
        label="What they did", required=False, choices=[("", "Anything"), *AccessAction.choices]
    )
    contact = forms.TypedChoiceField(label="Contact", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, users, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True
        self.fields["user"].choices = [("", "Anyone"), *users]
        if contacts is None:
            del self.fields["contact"]
        else:
            self.fields["contact"].choices = [("", "Their record and every contact"), *contacts]
        self.refresh_layout()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data


def _bounds(day: dt.date, *, end: bool) -> dt.datetime:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    return start + dt.timedelta(days=1) if end else start


def log_rows(*, person: Person | None = None, contact: Contact | None = None) -> QuerySet:
    """Every read of the record (a person's: theirs and their contacts'), newest first."""
    contact_ct = ContentType.objects.get_for_model(Contact)
    if contact is not None:
        where = Q(content_type=contact_ct, object_id=contact.pk)
    else:
        # A list, not a subquery: `object_id = ANY(list)` OR the person's own rows is a
        # BitmapOr over the (content type, object, at) index; a semi-join under an OR is not.
        contact_ids = list(
            ContactPerson.objects.filter(person=person).values_list("contact_id", flat=True)
        )
        where = Q(content_type=ContentType.objects.get_for_model(Person), object_id=person.pk) | Q(
            content_type=contact_ct, object_id__in=contact_ids
        )
    return AccessLog.objects.filter(where).select_related("user").order_by("-at", "-pk")


def filtered(rows: QuerySet, data: dict) -> QuerySet:
    if data.get("date_from"):
        rows = rows.filter(at__gte=_bounds(data["date_from"], end=False))
    if data.get("date_to"):
        rows = rows.filter(at__lt=_bounds(data["date_to"], end=True))
    if data.get("user"):
        rows = rows.filter(user_id=data["user"])
    if data.get("action"):
        rows = rows.filter(action=data["action"])
    if data.get("contact"):
        rows = rows.filter(
            content_type=ContentType.objects.get_for_model(Contact), object_id=data["contact"]
        )
    return rows


def _user_choices(rows: QuerySet) -> list[tuple[int, str]]:
    ids = rows.order_by().values("user_id").distinct()
    return [(u.pk, f"{u} ({u.username})") for u in User.objects.filter(pk__in=ids)]


def _form(request: HttpRequest, rows: QuerySet, contacts) -> tuple[AccessLogFilterForm, QuerySet]:
    form = AccessLogFilterForm(
        request.GET if request.GET.keys() - {"page"} else None,
        users=_user_choices(rows),
        contacts=contacts,
    )
    if form.is_bound and form.is_valid():
        rows = filtered(rows, form.cleaned_data)
    return form, rows


def _page(request, obj, rows, *, contacts, title: str, back_url: str, export: str):
    form, rows = _form(request, rows, contacts)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/access_log.html",
        {
            "page": page,
            "form": form,
            "title": title,
            "back_url": back_url,
            "export_url": f"{export}?{query.urlencode()}" if query else export,
            "filtered": form.is_bound,
        },
    )


def _export(request, obj, rows, *, contacts, name: str) -> HttpResponse:
    form, rows = _form(request, rows, contacts)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            "The filters are not valid: go back and correct them.",
            status=400,
            content_type="text/plain",
        )
    access_record(
        user=request.user,
        obj=obj,
        description=f"Access log of {name} exported",
        path=request.path,
        details={"filters": {k: v for k, v in request.GET.items() if k != "page"}},
    )

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(["When", "Who", "Username", "Action", "Record", "Page"])
        for row in rows.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    timezone.localtime(row.at).isoformat(timespec="seconds"),
                    safe_cell(str(row.user)),
                    safe_cell(row.user.username),
                    row.get_action_display(),
                    safe_cell(row.description),
                    safe_cell(row.path),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{name}.csv"'
    return response


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(VIEW_LOG):
        raise PermissionDenied


def _person(request: HttpRequest, pk: int):
    person = get_person_for_user(request.user, pk)
    _require(request)
    contacts = list(
        Contact.objects.filter(contact_people__person=person)
        .order_by("-received_at")
        .values_list("pk", "reference")
    )
    return person, log_rows(person=person), contacts


def person_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    person, rows, contacts = _person(request, pk)
    return _page(
        request,
        person,
        rows,
        contacts=contacts,
        title=f"Who has viewed {person.case_number}",
        back_url=person.get_absolute_url(),
        export=request.path + "export/",
    )


def person_access_log_export(request: HttpRequest, pk: int) -> HttpResponse:
    person, rows, contacts = _person(request, pk)
    return _export(request, person, rows, contacts=contacts, name=person.case_number)


def _contact(request: HttpRequest, pk: int):
    contact = get_contact_for_user(request.user, pk)
    _require(request)
    return contact, log_rows(contact=contact)


def contact_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    contact, rows = _contact(request, pk)
    return _page(
        request,
        contact,
        rows,
        contacts=None,
        title=f"Who has viewed contact {contact.reference}",
        back_url=contact.get_absolute_url(),
        export=request.path + "export/",
    )


def contact_access_log_export(request: HttpRequest, pk: int) -> HttpResponse:
    contact, rows = _contact(request, pk)
    return _export(request, contact, rows, contacts=None, name=contact.reference)
