"""core.db.which_exist: which of several related querysets have a row, in one query; and
exists_columns/present: the same asked in the read of the row itself."""

from django.db.models import OuterRef

from core.db import exists_columns, present, which_exist
from referrals.models import ContactPerson, Person, PersonWarning
from tests.factories import PersonFactory


def test_one_query_says_which_candidates_have_a_row(db, django_assert_num_queries):
    person = PersonFactory()
    other = PersonFactory()
    candidates = {
        "self": Person.objects.filter(pk=OuterRef("pk")),
        "contacts": ContactPerson.objects.filter(person=OuterRef("pk")),
        "other person": Person.objects.filter(pk=other.pk),
        "warnings": PersonWarning.objects.filter(person=OuterRef("pk")),
    }
    with django_assert_num_queries(1):
        found = which_exist(Person.objects.filter(pk=person.pk), candidates)
    assert found == {"self", "other person"}


def test_no_candidates_asks_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert which_exist(Person.objects.none(), {}) == set()


def test_the_rows_own_read_says_which_candidates_have_a_row(db, django_assert_num_queries):
    person = PersonFactory()
    candidates = {
        "self": Person.objects.filter(pk=OuterRef("pk")),
        "contacts": ContactPerson.objects.filter(person=OuterRef("pk")),
        "warnings": PersonWarning.objects.filter(person=OuterRef("pk")),
    }
    with django_assert_num_queries(1):
        row = Person.objects.annotate(**exists_columns(candidates)).get(pk=person.pk)
    assert present(row, candidates) == {"self"}
    assert row.case_number == person.case_number
