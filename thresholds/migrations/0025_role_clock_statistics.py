from django.db import migrations

# PostgreSQL's planner multiplies each column's selectivity as if they were independent: at a
# large council 2.5 M clocks were ever started and nearly all are closed, most of them a
# screening clock with no one named, so it expected a role's share of the *open* clocks to be
# that role's share of every clock ever started (115,733 open screening clocks where 12,051
# are open; 39,894 for the early help duty manager's role where 44,614 are). Statistics of the
# three columns together (their most common combinations) give it the open clocks per role
# (12,796 and 44,614 after ANALYZE), so it prices a role's own index for what it holds. Only
# PostgreSQL's; the embedded demo's SQLite has no planner statistics of this kind.
NAME = "thresholds_deadline_role_open_stats"
CREATE = f"""
CREATE STATISTICS IF NOT EXISTS {NAME} (mcv)
ON responsible_role, closed_at, met_at FROM thresholds_deadline
"""
DROP = f"DROP STATISTICS IF EXISTS {NAME}"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, None)
        # Gathered now (ANALYZE samples the table: seconds at a large council), not at
        # autovacuum's next visit.
        schema_editor.execute("ANALYZE thresholds_deadline", None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, None)


class Migration(migrations.Migration):
    dependencies = [
        ("thresholds", "0024_deadline_tally"),
    ]

    operations = [migrations.RunPython(create, drop)]
