"""A person's chronology page: filter by kind (GET, no JavaScript), a page at a time, printable."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.services import access_record

from . import chronology
from .access import get_person_for_user

PAGE_SIZE = 50
# Reading page n merges the newest n pages of every source: capped so a crafted page number
# cannot make one request read a whole long history many times over.
MAX_PAGE = 40
PRINT_LIMIT = 500


def _page_number(raw: str | None) -> int:
    try:
        number = int(str(raw or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def chosen_kinds(request: HttpRequest) -> list[str]:
    """The kinds ticked in the filter; anything not a kind is ignored."""
    known = {k.key for k in chronology.kinds()}
    return [k for k in dict.fromkeys(request.GET.getlist("kind")) if k in known]


def person_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    kinds = chosen_kinds(request)
    printing = request.GET.get("view") == "print"
    number = 1 if printing else _page_number(request.GET.get("page"))
    limit = PRINT_LIMIT if printing else number * PAGE_SIZE + 1
    entries = chronology.chronology(user=request.user, person=person, kinds=kinds, limit=limit)
    shown = entries if printing else entries[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    access_record(
        user=request.user,
        obj=person,
        description=f"Chronology of {person.case_number}",
        path=request.path,
        details={"kinds": kinds, "page": number, "print": printing},
    )
    return render(
        request,
        "referrals/chronology.html",
        {
            "person": person,
            "entries": [(e, chronology.label_of(e.kind)) for e in shown],
            "kinds": chronology.kinds(),
            "chosen": kinds,
            "printing": printing,
            "truncated": printing and len(entries) >= PRINT_LIMIT,
            "page_number": number,
            "has_newer": number > 1,
            "has_older": not printing and len(entries) > number * PAGE_SIZE and number < MAX_PAGE,
            "now": timezone.now(),
        },
    )
