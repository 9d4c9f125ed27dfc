"""The children in need census details of a referred contact's children (referrals/cin.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.services import access_record
from core.forms import with_version

from . import cin, edit_races
from .access import get_contact_for_user
from .cin_forms import EpisodeForm
from .models import CinEpisode


def contact_census_episode(request: HttpRequest, pk: int, episode_pk: int) -> HttpResponse:
    """Record or correct one child's census episode: the receiving team and the referrer."""
    contact = get_contact_for_user(request.user, pk)
    episode = get_object_or_404(
        CinEpisode.objects.select_related("person", "referral__team", "referral__contact"),
        pk=episode_pk,
        referral__contact=contact,
    )
    if not cin.may_change_episode(request.user, episode):
        raise PermissionDenied
    if request.method == "GET":
        access_record(
            user=request.user,
            obj=contact,
            description=f"Census details of {episode.person.case_number} on {contact.reference}",
            path=request.path,
        )
    form = with_version(
        EpisodeForm(
            request.POST if request.method == "POST" else None,
            initial=EpisodeForm.initial_from(episode),
        ),
        episode.version,
    )
    changed = None
    if request.method == "POST" and form.is_valid():
        data = form.episode_data()
        try:
            cin.episode_update(
                episode=episode,
                by=request.user,
                reason=f"Census details recorded for {episode.person.case_number}",
                version=form.cleaned_data["version"],
                **data,
            )
        except ValidationError as exc:
            form, changed = edit_races.refused(
                form, exc, episode, lambda: EpisodeForm.initial_from(episode)
            )
        else:
            messages.success(request, f"Census details of {episode.person.full_name} saved.")
            return redirect(f"{contact.get_absolute_url()}#census")
    return render(
        request,
        "referrals/census_episode.html",
        {"contact": contact, "episode": episode, "form": form, "changed": changed},
    )
