"""The retention rules every council starts with: plain data, so the seeding migration can use it.

Values are privacy.models.RecordKind and RetentionEvent codes.
"""

# The rules every council starts with (seeded by privacy migration; administrators edit them).
# Camden's protocol 6.3 sets 25 years for children in need and child protection and 5 years
# for early help; the period for contacts closed at the front door is each council's choice.
_NFA_SOURCE = (
    "The council's choice: no statute or protocol sets it. Seeded at 6 years from closure "
    "(the general limitation period); change it to the council's policy."
)
DEFAULT_RULES: dict[str, list[tuple[str, int, str, str]]] = {
    code: [
        (
            "cin_cp",
            25,
            "eighteenth_or_closure",
            f"{source}: children in need and child protection cases are held for 25 years.",
        ),
        (
            "early_help",
            5,
            "closure",
            f"{source}: cases requiring early help services are held for 5 years.",
        ),
        ("nfa_advice", 6, "closure", _NFA_SOURCE),
    ]
    for code, source in (
        ("camden", "Camden Contact Service protocol 6.3"),
        ("havering", "Seeded from the Camden protocol 6.3 periods"),
        ("islington", "Seeded from the Camden protocol 6.3 periods"),
    )
}


def seed_rules(apps, schema_editor=None) -> None:
    """Give each council profile its default rules (missing ones only)."""
    profile_model = apps.get_model("thresholds", "CouncilProfile")
    rule_model = apps.get_model("privacy", "RetentionRule")
    for profile in profile_model.objects.filter(code__in=DEFAULT_RULES):
        for kind, years, counted_from, source in DEFAULT_RULES[profile.code]:
            rule_model.objects.get_or_create(
                profile=profile,
                kind=kind,
                defaults={"years": years, "counted_from": counted_from, "source": source},
            )
