"""Pages for warnings on a person: propose, read, agree, review, end.

Each view: load through the access helper, bind the form, call one service, message, redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.services import access_record
from core.forms import add_service_errors

from ..access import get_person_for_user
from ..selectors import history_entries
from . import access, services
from .forms import AgreeForm, EndForm, ProposeForm, ReviewForm
from .models import PersonWarning, WarningStatus


def _log(request: HttpRequest, person, what: str) -> None:
    access_record(
        user=request.user,
        obj=person,
        description=f"{what} on {person.case_number}",
        path=request.path,
    )


def warning_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    access.require(access.may_propose(request.user, person), request.user, "propose a warning")
    if request.method == "GET":
        _log(request, person, "Propose a warning")
    form = ProposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            warning = services.warning_propose(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Warning {warning.reference} proposed: a manager needs to agree it."
            )
            return redirect(person.get_absolute_url())
    return render(
        request,
        "referrals/warnings/form.html",
        {"person": person, "form": form, "title": "Propose a warning"},
    )


def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warning = access.get_warning_for_user(request.user, pk)
    _log(request, warning.person, f"Warning {warning.reference}")
    records = list(
        PersonWarning.history.filter(id=warning.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    return render(
        request,
        "referrals/warnings/detail.html",
        {
            "warning": warning,
            "person": warning.person,
            "timeline": list(reversed(history_entries(records, PersonWarning))),
            "can_agree": warning.is_proposed and access.may_agree(request.user, warning),
            "can_manage": warning.status != WarningStatus.ENDED
            and access.may_manage(request.user, warning),
        },
    )


def _action(request, pk, *, form_class, title, allowed, act, done, initial=None):
    warning = access.get_warning_for_user(request.user, pk)
    access.require(allowed(request.user, warning), request.user, title.lower())
    if request.method == "GET":
        _log(request, warning.person, f"Warning {warning.reference}")
    form = form_class(request.POST if request.method == "POST" else None, initial=initial(warning))
    if request.method == "POST" and form.is_valid():
        try:
            act(warning, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done.format(ref=warning.reference))
            return redirect(warning.get_absolute_url())
    return render(
        request,
        "referrals/warnings/form.html",
        {"person": warning.person, "warning": warning, "form": form, "title": title},
    )


def warning_agree(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=AgreeForm,
        title="Agree the warning",
        allowed=lambda user, w: w.is_proposed and access.may_agree(user, w),
        act=lambda w, data: services.warning_agree(warning=w, by=request.user, **data),
        done="Warning {ref} agreed: it now shows wherever the person appears.",
        initial=lambda w: {"partner_summary": w.partner_summary, "review_on": w.review_on},
    )


def warning_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=ReviewForm,
        title="Review the warning",
        allowed=lambda user, w: w.is_agreed and access.may_manage(user, w),
        act=lambda w, data: services.warning_review(warning=w, by=request.user, **data),
        done="Review of warning {ref} recorded.",
        initial=lambda w: {},
    )


def warning_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=EndForm,
        title="End the warning",
        allowed=lambda user, w: w.status != WarningStatus.ENDED and access.may_manage(user, w),
        act=lambda w, data: services.warning_end(
            warning=w, by=request.user, reason=data["end_reason"]
        ),
        done="Warning {ref} ended.",
        initial=lambda w: {},
    )
