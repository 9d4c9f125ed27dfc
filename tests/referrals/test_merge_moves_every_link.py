"""Every foreign key to Person, in any app, is moved by a merge or kept on purpose: adding a new
one without saying what a merge does with it fails here (and makes merges refuse)."""

import pytest
from django.apps import apps
from django.db import models
from simple_history.models import HistoricalChanges

from referrals import merging
from referrals.models import Person


def _graph_relations() -> set[str]:
    """Straight from the model graph, independently of referrals.merging."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        if issubclass(model, HistoricalChanges):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is Person:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_foreign_key_to_a_person_is_named_in_the_merge_rules():
    assert _graph_relations() - set(merging.RELATIONS) == set(), (
        "say in referrals.merging.RELATIONS what a merge does with these"
    )
    assert set(merging.RELATIONS) - _graph_relations() == set(), "no longer in the model graph"


def test_the_merge_walks_every_relation_the_graph_holds():
    assert {merging.relation_key(f) for f in merging.person_relations()} == _graph_relations()


def test_only_the_merge_records_themselves_are_left_behind():
    kept = {key for key, rule in merging.RELATIONS.items() if rule == merging.KEEP}
    assert kept == {"referrals.PersonMerge.kept", "referrals.PersonMerge.merged"}


@pytest.mark.django_db
def test_a_relation_the_rules_do_not_name_makes_the_merge_refuse(monkeypatch, mash_manager):
    from django.core.exceptions import ImproperlyConfigured

    from tests.factories import PersonFactory

    rules = dict(merging.RELATIONS)
    rules.pop("referrals.Involvement.person")
    monkeypatch.setattr(merging, "RELATIONS", rules)
    with pytest.raises(ImproperlyConfigured):
        merging.person_merge(
            kept=PersonFactory(), merged=PersonFactory(nhs_number=None), by=mash_manager, reason="x"
        )
