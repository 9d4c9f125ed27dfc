"""Camden's threshold table (Levels 1-4) as data, from the Contact Service protocol.

Source: seed 003, "Appendix 1 Camden's thresholds and eligibility criteria" (Version 6, March
2019). Text is verbatim with whitespace normalised: the PDF's hard-wrapped lines are joined,
paragraphs are separated by a blank line. One obvious typo is corrected ("single niversal
service" -> "single universal service"); everything else, including the Level 4 semicolon
("Acute needs;") and "Co-ordinator"/"Coordinator", is as the council wrote it.

The data is frozen here: a migration must not import live code.
"""

from django.db import migrations

LEVELS = [
    {
        "number": 1,
        "name": "Universal",
        "description": "Level 1: Universal: children whose needs are being met through universal services. This includes children with additional needs which can be met through a single universal service.",
        "indicators": [
            "Children in good physical health whose general development is age appropriate and who are making good progress academically.",
            "Children living in stable families where parents are able to meet all the child’s needs.",
            "Children who need some support and who would benefit from additional universal services to improve outcomes.",
        ],
        "response": "\n\n".join(
            [
                "All children should receive universal services such as health care and education, as well as early years and Integrated Youth Support Services.",
                "Professionals working with families should check if children are in receipt of universal services and take appropriate action where this is not the case or consider whether to step up to early help intervention.",
            ]
        ),
    },
    {
        "number": 2,
        "name": "Early help",
        "description": "Level 2: Low level needs or vulnerable to poor outcomes: Children whose needs cannot be met from one service and where there are a number of factors preventing the child from achieving their potential. Two or more of the indicators listed here need to be present.",
        "indicators": [
            "Children with mild disabilities or health issues.",
            "Children with special educational needs.",
            "Children who are out of school or have regular unauthorised absences.",
            "Young carers.",
            "Children showing signs of engaging in anti-social or criminal behaviour.",
            "Children growing up in difficult family circumstances where there are low levels of substance misuse, adult mental health difficulties or domestic violence.",
            "Families affected by parental ill health, custody, homelessness, poverty, immigration or other problems.",
            "Children showing early signs of developmental delay.",
            "Families affected by social isolation, discrimination or harassment.",
            "Children who show early signs of being radicalised by people outside of their immediate family.",
        ],
        "response": "\n\n".join(
            [
                "Professionals should talk to the family about carrying out a CAF assessment in order to identify appropriate services that could improve outcomes for the child. Where more than one agency is involved, a lead professional should be identified and the Team Around the Child should meet to devise an action plan that meets the child’s additional needs. Where the CAF indicates that thresholds have been met for a child in need service, a step up referral should be made to FSSW.",
                "Where there are concerns that a child may be being radicalised, professionals should discuss the matter with Camden’s Prevent Co-ordinator or the Police Prevent Engagement Officer for advice on a possible referral to the Channel Panel.",
            ]
        ),
    },
    {
        "number": 3,
        "name": "Child in need",
        "description": "\n\n".join(
            [
                "Level 3: Complex needs: Children who have more complex and enduring needs requiring a statutory social work service.",
                "Parents may lack insight and may not engage with services to address problems.",
                "For youth offending cases, children who are involved in low level criminal activity and who have entered the criminal justice system.",
            ]
        ),
        "indicators": [
            "Children with lifelong disabilities.",
            "Children whose growth and development is being impaired by the quality of care received.",
            "Children exhibiting high levels of behavioural difficulties and risk-taking behaviour or who are out of parental control.",
            "Pregnant women whose lifestyle may be affecting the development of the unborn child.",
            "Parents experiencing difficulties in parenting capacity due to substance misuse, physical disability, learning difficulties, domestic or family violence or mental health problems.",
            "Children with high levels of emotional difficulties who may need a service from CAMHS.",
            "Children who show more advanced signs of being radicalised and where parents or siblings may be involved in radicalisation.",
        ],
        "response": "\n\n".join(
            [
                "Professionals should talk to the family about making a CAF referral to FSSW for a child in need service. FSSW will carry out a child and family assessment and convene a child in need meeting to devise the child’s CIN plan. The allocated social worker will be the child’s lead professional.",
                "Where there are concerns that a child may be being radicalised, professionals should discuss the matter with Camden’s Prevent Coordinator or the Police Prevent Engagement Officer for advice on a possible referral to the Channel Panel.",
            ]
        ),
    },
    {
        "number": 4,
        "name": "Child protection",
        "description": "\n\n".join(
            [
                "Level 4: Acute needs; Children may be suffering significant harm, in need of a safe home and/or a legal order to safeguard and promote their welfare. Parents face difficulties that affect parenting capacity and may not engage with services.",
                "For youth offending cases, children who are involved in serious criminal activity, eg gangs, and who may be remanded into care or receive a custodial sentence.",
            ]
        ),
        "indicators": [
            "Children requiring accommodation because there is no-one who is able to care for them.",
            "Children whom it is suspected are being physically, emotionally or sexually abused or neglected or living with high levels of domestic violence.",
            "Children who may be at risk due to trafficking, sexual exploitation, forced marriage or FGM.",
            "Unborn babies where a pre-birth assessment has shown them to be at serious risk of significant harm.",
            "Children who are deeply enmeshed in the extremist narrative and/or at imminent risk of carrying out violent acts or leaving the UK following radicalisation.",
        ],
        "response": "\n\n".join(
            [
                "Professionals must make a referral to FSSW. If the matter is urgent, professionals can make a child protection referral to the MASH by telephone and follow up with a written referral within 48 hours. FSSW will carry out a child and family assessment and take appropriate action needed to safeguard the child under statutory child protection procedures. The allocated social worker will be the lead professional for the child.",
                "Where there are high levels of concern around radicalisation, the Police must be informed.",
            ]
        ),
    },
]


def seed(apps, schema_editor):
    ThresholdLevel = apps.get_model("thresholds", "ThresholdLevel")
    ThresholdIndicator = apps.get_model("thresholds", "ThresholdIndicator")
    for data in LEVELS:
        level, _ = ThresholdLevel.objects.update_or_create(
            number=data["number"],
            defaults={
                "name": data["name"],
                "description": data["description"],
                "response": data["response"],
            },
        )
        for order, text in enumerate(data["indicators"], start=1):
            ThresholdIndicator.objects.update_or_create(
                level=level, order=order, defaults={"text": text}
            )
        # Running again after the table shrinks leaves no stale indicators behind.
        ThresholdIndicator.objects.filter(level=level, order__gt=len(data["indicators"])).delete()


def unseed(apps, schema_editor):
    ThresholdLevel = apps.get_model("thresholds", "ThresholdLevel")
    # Indicators go with their level (on_delete=CASCADE).
    ThresholdLevel.objects.filter(number__in=[data["number"] for data in LEVELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("thresholds", "0005_profile_data")]
    operations = [migrations.RunPython(seed, unseed)]
