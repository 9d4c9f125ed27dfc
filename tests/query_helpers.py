"""Which tables a page read its rows from."""

from collections.abc import Iterable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def tables_listed(client, url: str, tables: Iterable[str]):
    """GET `url` (it must answer 200) and say which of `tables` it read rows from: a query
    that begins `SELECT "<table>".`, as the ORM's reads of a model do (a table named only
    inside another query, an EXISTS say, does not count). Returns (tables, response)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    read = {
        table
        for table in tables
        for query in queries.captured_queries
        if query["sql"].startswith(f'SELECT "{table}".')
    }
    return read, response
