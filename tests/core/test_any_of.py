"""core.db.AnyOf (`field__any=[ids]`): the same rows as `__in`, asked with one array parameter
whatever the list's length, so the statement's text does not change with the list."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from referrals.models import Contact, ContactPerson, Person
from tests.factories import PersonFactory, UserFactory, complete_contact


def test_the_same_rows_as_in_on_a_primary_key_a_foreign_key_and_a_history_id(db):
    people = PersonFactory.create_batch(3)
    wanted = [people[0].pk, people[2].pk, 2**62]  # and an id nobody has
    assert set(Person.objects.filter(pk__any=wanted)) == {people[0], people[2]}
    officer = UserFactory(roles=[Role.SCREENING_OFFICER])
    contacts = [complete_contact(by=officer, children=[people[1]]) for _ in range(2)]
    links = [c.contact_people.get() for c in contacts]
    ids = [c.pk for c in contacts]
    assert set(ContactPerson.objects.filter(contact_id__any=ids)) == set(links)
    assert set(ContactPerson.objects.filter(contact__any=ids[:1])) == {links[0]}
    assert set(Contact.history.filter(id__any=ids).values_list("id", flat=True)) == set(ids)


def test_an_empty_list_matches_nothing_without_asking(db, django_assert_num_queries):
    PersonFactory()
    with django_assert_num_queries(0):
        assert list(Person.objects.filter(pk__any=[])) == []


def test_one_parameter_and_the_same_text_whatever_the_lists_length(db):
    person = PersonFactory()
    with CaptureQueriesContext(connection) as queries:
        list(Person.objects.filter(pk__any=[person.pk]))
        list(Person.objects.filter(pk__any=[person.pk, *range(10**6, 10**6 + 200)]))
    short, long = (q["sql"] for q in queries)
    if connection.vendor == "postgresql":
        assert "= ANY(" in short and "IN (" not in long
        # Django logs the statement with its parameters in: the same but for the list.
        assert short.split("ANY(")[0] == long.split("ANY(")[0]
    assert Person.objects.filter(pk__any=[str(person.pk)]).get() == person


def test_junk_is_refused_before_the_database_is_asked(db):
    import pytest

    with pytest.raises((TypeError, ValueError)):
        Person.objects.filter(pk__any=["1; DROP TABLE x"])
