"""Seed the editable message templates with the shipped wording.

The text is frozen here as it shipped; accounts/messages.py keeps the same wording as the
fallback used when no row exists (e.g. after a test flush). Administrators edit the rows.
"""

from django.db import migrations

TEMPLATES = {
    "notification": (
        "{{ title }}",
        "{{ body }}\n\nOpen the {{ service_name }}: {{ url }}",
    ),
    "referrer_professional": (
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
    "referrer_public": (
        "Your contact to the {{ service_name }}: reference {{ reference }}",
        """Dear {{ referrer_name }},

Thank you for contacting the {{ service_name }} on {{ received_date }}. Our reference is {{ reference }}.

We have looked at what you told us and acted on it. To protect the privacy of the children and families we work with, we cannot tell you what we have decided or what will happen next.

If you have new worries about a child, contact us again and quote {{ reference }}. If a child is in immediate danger, call 999.

{{ service_name }}
{{ council }}""",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("accounts", "MessageTemplate")
    for purpose, (subject, body) in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(
            purpose=purpose, defaults={"subject": subject, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_outbox_and_message_templates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
