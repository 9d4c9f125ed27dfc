"""The three councils' timescales, outcomes, teams and MASH partner agencies, from their procedures.

Camden: seed 003 (Contact Service protocol) and 000/001; Havering: seed 002 (MASH contacts and
referrals); Islington: seed 004 (Children's Services Contact Team). Where a council's
document is silent, the Camden figure is used and the source says so.
"""

from django.db import migrations

H, WD, D = "clock_hours", "working_days", "calendar_days"
DEFAULT = "Not set in this council's procedure: the Camden protocol's timescale"

TIMESCALES = {
    "camden": {
        "red_checks": (4, H, "Protocol 6.2: red cases, MASH partner information within 4 hours"),
        "amber_checks": (24, H, "Protocol 6.2: amber within 24 hours, including information sharing and referral on"),
        "borderline": (3, WD, "Protocol 6.2: borderline CIN cases needing checks within 3 working days"),
        "green_to_early_help": (3, D, "Protocol 6.2: green cases referred on to FSEH within 3 days"),
        "early_help_decision": (10, WD, "Protocol 6.2: early help referral decision within 10 working days"),
        "cp_written_follow_up": (48, H, "Appendix 1, Level 4: written referral within 48 hours of a phone call"),
        "family_work": (84, D, "Protocol 2.2: family worker case open at most 12 weeks"),
        "contact_record": (24, H, "Not set in the Camden protocol: Havering's 24 hours"),
        "referrer_told": (24, H, "Not set in the Camden protocol: Havering's 24 hours"),
        "information_and_advice": (7, WD, "Not used by Camden: Islington's 7 working days"),
    },
    "havering": {
        "red_checks": (4, H, "MASH procedure: high risk MASH enquiries completed within 4 hours"),
        "amber_checks": (1, WD, "MASH procedure: others within 1 working day"),
        "contact_record": (24, H, "MASH procedure: contact record completed by a registered social worker within 24 hours"),
        "referrer_told": (24, H, "MASH procedure: referrers informed of the outcome within 24 hours where possible"),
        "information_and_advice": (7, WD, "Not used by Havering: Islington's 7 working days"),
    },
    "islington": {
        "red_checks": (24, H, "CSCT procedure: decision within 24 hours where a child appears to need protection"),
        "amber_checks": (1, WD, "CSCT procedure: otherwise within 72 hours; Working Together requires the decision within one working day"),
        "information_and_advice": (7, WD, "CSCT procedure: PI+A tasks completed within seven working days"),
        "referrer_told": (24, H, "CSCT procedure: the referrer is notified once the decision is made"),
    },
}
CAMDEN_ONLY_DEFAULTS = ("borderline", "green_to_early_help", "early_help_decision", "cp_written_follow_up", "family_work", "contact_record")

OUTCOMES = {
    "camden": ["mash", "social_work_referral", "daily_discussion", "early_help"],
    "havering": ["mash", "social_work_referral", "early_help", "no_further_action"],
    "islington": ["no_further_action", "information_and_advice", "social_work_referral", "early_help", "mash"],
}

TEAMS = {
    "camden": [
        ("Contact Service screening", "screening"),
        ("MASH", "mash"),
        ("Children in Need Team A", "social_work"),
        ("Children in Need Team B", "social_work"),
        ("Child Protection Team", "social_work"),
        ("Disabled Children's Team", "disabled_children"),
        ("First Stop Early Help", "early_help"),
        ("Family Support Team", "early_help"),
    ],
    "havering": [
        ("Havering MASH business support", "screening"),
        ("Havering MASH", "mash"),
        ("Havering Children's Social Care", "social_work"),
        ("Havering Children with Disabilities", "disabled_children"),
        ("Havering Early Help", "early_help"),
    ],
    "islington": [
        ("Children's Services Contact Team", "screening"),
        ("Islington MASH", "mash"),
        ("Barnsbury CIN Team", "social_work"),
        ("Canonbury CIN Team", "social_work"),
        ("Finsbury CIN Team", "social_work"),
        ("Highbury CIN Team", "social_work"),
        ("Holloway CIN Team", "social_work"),
        ("Hornsey CIN Team", "social_work"),
        ("Islington Disabled Children's Team", "disabled_children"),
        ("Families First", "early_help"),
        ("Targeted Youth Support", "early_help"),
    ],
}

# (name, kind, always asked in a MASH enquiry)
AGENCIES = {
    # Camden protocol 8.2: cases entering the hub get information from all MASH partners.
    "camden": [
        ("Metropolitan Police (Camden PPD)", "police", True),
        ("Camden Health (health visiting, school nursing)", "health", True),
        ("London Probation", "probation", True),
        ("Camden Safety Net", "domestic_abuse", True),
        ("Substance Misuse Service", "substance_misuse", True),
        ("Integrated Youth Support Service", "youth", True),
        ("Education Welfare", "education", False),
        ("CAMHS", "camhs", False),
        ("Camden Housing", "housing", False),
    ],
    # Havering: always Health, Education, Police, domestic abuse services and Probation.
    "havering": [
        ("Havering MASH police", "police", True),
        ("Havering MASH health", "health", True),
        ("Havering MASH education", "education", True),
        ("Havering domestic abuse service", "domestic_abuse", True),
        ("Havering probation", "probation", True),
        ("Havering housing", "housing", False),
    ],
    # Islington MASH: social care, community health, education, early years, police,
    # adult mental health, probation and targeted youth support.
    "islington": [
        ("Islington MASH police", "police", True),
        ("Islington community health", "health", True),
        ("Islington education", "education", True),
        ("Islington probation", "probation", True),
        ("Islington early years", "education", False),
        ("Islington adult mental health", "other", False),
        ("Islington targeted youth support", "youth", False),
    ],
}


def seed(apps, schema_editor):
    CouncilProfile = apps.get_model("thresholds", "CouncilProfile")
    Timescale = apps.get_model("thresholds", "Timescale")
    Team = apps.get_model("accounts", "Team")
    PartnerAgency = apps.get_model("accounts", "PartnerAgency")
    Group = apps.get_model("auth", "Group")
    camden_rows = TIMESCALES["camden"]
    for code, rows in TIMESCALES.items():
        profile = CouncilProfile.objects.get(code=code)
        profile.outcomes = OUTCOMES[code]
        profile.save()
        rows = dict(rows)
        for kind in CAMDEN_ONLY_DEFAULTS + ("referrer_told", "information_and_advice"):
            if kind not in rows:
                amount, unit, _ = camden_rows[kind]
                rows[kind] = (amount, unit, DEFAULT)
        for kind, (amount, unit, source) in rows.items():
            Timescale.objects.update_or_create(
                profile=profile, kind=kind, defaults={"amount": amount, "unit": unit, "source": source}
            )
        for name, kind in TEAMS[code]:
            team = Team.objects.filter(name=name).first()
            if team is None:
                group, _ = Group.objects.get_or_create(name=f"team:{name}")
                team = Team(name=name, kind=kind, group=group)
            team.profile = profile
            team.save()
        for name, kind, always in AGENCIES[code]:
            agency = PartnerAgency.objects.filter(name=name).first() or PartnerAgency(name=name, kind=kind)
            agency.profile = profile
            agency.always_asked = always
            agency.save()


class Migration(migrations.Migration):
    dependencies = [
        ("thresholds", "0004_closureday_thresholdlevel_councilprofile_outcomes_and_more"),
        ("accounts", "0004_historicalpartneragency_always_asked_and_more"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
