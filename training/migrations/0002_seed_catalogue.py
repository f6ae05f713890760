"""The catalogue starts with the nine example topics of the guidance (community-of-practice
meetings), the peer-drift one with the guidance's definition and reference; and a group of
catalogue editors holding `training.edit_catalogue`.

Each seeded topic also gets its first history record, so that the history on its page starts
with where it came from and the first edit shows as a change against it.
"""

from django.db import migrations
from django.utils import timezone

SEED_REASON = "Seeded from the community-of-practice guidance"
EDITORS_GROUP = "Catalogue editors"

PEER_DRIFT_DEFINITION = (
    "Peer drift occurs when the peer support providers do not feel comfortable in their "
    "recovery-oriented role and they begin to shift to a more medical treatment role."
)
PEER_DRIFT_REFERENCE = (
    "Be Well Do Well Peer Mentor Program: Maintaining Your Role as a Change Agent – Krasman Centre"
)

TOPICS = [
    {
        "title": "Supporting participants experiencing pervasive feelings of hopelessness",
        "summary": (
            "How to stay with someone who feels nothing will get better: listening without "
            "rushing to fix, sharing hope honestly, and knowing when to connect them with more "
            "support."
        ),
        "description": (
            "Hopelessness that colours everything is one of the hardest things to sit with as a "
            "peer supporter. This session looks at what it can sound like, why reassurance "
            "(\u201cit will be fine\u201d) often pushes people away, and how your own lived "
            "experience can offer hope without minimising theirs.\n\n"
            "Practise reflective listening and open questions with a partner; talk about small, "
            "concrete next steps the participant chooses; and review when hopelessness is a sign "
            "to ask directly about thoughts of suicide and to follow your campus protocol.\n\n"
            "Close by talking about what supporting someone in this place takes out of you, and "
            "how the team can debrief together."
        ),
        "refresh_interval_months": None,
    },
    {
        "title": "Navigating conversations about medication as a peer supporter",
        "summary": (
            "What to say, and what not to, when a participant brings up medication: sharing "
            "your own experience without advising, and pointing to the people who can."
        ),
        "description": (
            "Participants often want to talk about starting, changing or stopping medication. "
            "Peer supporters are not prescribers, and advice on medication belongs with the "
            "participant's health-care providers; yet shutting the conversation down can feel "
            "like judgement.\n\n"
            "This session separates what a peer can do (listen, share your own experience as "
            "yours, help someone prepare questions for their doctor or pharmacist, respect "
            "their choice) from what they should not (recommend, compare doses, predict side "
            "effects). Work through a few short scenarios, and agree as a team where the line "
            "is and what to do if someone may stop a medication abruptly."
        ),
        "refresh_interval_months": None,
    },
    {
        "title": "Supporting participants experiencing thoughts of suicide",
        "summary": (
            "Asking directly about suicide, staying with the person, and following the campus "
            "protocol to connect them with urgent help. Revisit it every year."
        ),
        "description": (
            "Asking someone directly whether they are thinking about suicide does not put the "
            "idea in their head; it tells them they can talk about it. This session practises "
            "asking the question plainly, listening without judgement, and staying with the "
            "person while you connect them with the help they need.\n\n"
            "Go through your campus's own protocol together, step by step: who to call during "
            "the day, after hours and in an emergency, what you can keep confidential and what "
            "you cannot, and how to hand over to counselling or crisis services. Make sure "
            "everyone knows where the current contact list is.\n\n"
            "Finish with care for the supporter: debriefing after a difficult conversation, and "
            "the supports available to you. Because protocols, contacts and the team change, "
            "revisit this topic at least once a year."
        ),
        "refresh_interval_months": 12,
    },
    {
        "title": "Working as a part of an interdisciplinary team",
        "summary": (
            "How peer support fits alongside counsellors, health services, residence staff and "
            "others on campus: referrals, boundaries and working together."
        ),
        "description": (
            "Peer supporters work next to counsellors, nurses, physicians, accessibility "
            "advisers, residence staff and chaplains. This session maps who does what on your "
            "campus, how and when to refer, and what information you may share with other "
            "services (with the participant's consent) and what you may not.\n\n"
            "Talk about what peer support brings that the others do not, how to speak up for "
            "that in a team, and how to handle disagreement with a professional respectfully."
        ),
        "refresh_interval_months": None,
    },
    {
        "title": "Avoiding peer drift",
        "summary": PEER_DRIFT_DEFINITION,
        "description": (
            "It can happen gradually: taking notes like a clinician, offering diagnoses or "
            "treatment advice, steering conversations towards symptoms, or feeling that "
            "lived experience is not \u201cenough\u201d next to professional expertise.\n\n"
            "This session helps peer supporters recognise the signs of drift in themselves and "
            "each other, reconnect with the values of peer support (mutuality, hope, "
            "self-determination, lived experience), and practise responses that stay in the "
            "peer role. Bring examples of moments when you felt pulled towards a more clinical "
            "role, and talk about what the team and the coordinator can do to support each "
            "other in staying recovery-oriented."
        ),
        "refresh_interval_months": None,
        "references": [PEER_DRIFT_REFERENCE],
    },
    {
        "title": "Communicating the peer support role to others",
        "summary": (
            "Explaining clearly, to participants, staff and faculty, what peer support is, what "
            "it is not, and how to reach it."
        ),
        "description": (
            "People often confuse peer support with counselling, tutoring or friendship. This "
            "session helps the team agree on a short, honest explanation of what peer support "
            "offers on your campus, who it is for, and where its limits are.\n\n"
            "Practise the explanation for different audiences: a first-time participant, a "
            "professor referring a student, a counsellor, a residence don. Talk about how to "
            "set expectations at the start of a conversation and how to respond when someone "
            "asks for something outside the role."
        ),
        "refresh_interval_months": None,
    },
    {
        "title": "Personal safety and anonymity",
        "summary": (
            "Keeping yourself safe and protecting your privacy and participants' anonymity, in "
            "person, online and around campus."
        ),
        "description": (
            "Peer supporters are students in the same community as the people they support. "
            "This session covers meeting in safe, appropriate places, what to do if a "
            "conversation feels unsafe, and who to contact afterwards.\n\n"
            "It also covers privacy: how much of your own story and contact information to "
            "share, social media, running into participants around campus or in class, and "
            "keeping what participants tell you confidential within the limits your programme "
            "sets."
        ),
        "refresh_interval_months": None,
    },
    {
        "title": "Wellness strategies for peer supporters",
        "summary": (
            "Looking after your own well-being while supporting others: noticing strain, "
            "setting limits, and using the team and campus supports."
        ),
        "description": (
            "Supporting others while studying, and often while looking after your own mental "
            "health, takes energy. This session invites peer supporters to share what helps "
            "them stay well, notice early signs of burnout or compassion fatigue, and say no "
            "or step back when they need to.\n\n"
            "Each person can sketch a simple personal wellness plan, and the team can agree on "
            "how to check in with each other and when to involve the coordinator."
        ),
        "refresh_interval_months": None,
    },
    {
        "title": "Cultural competency",
        "summary": (
            "Offering peer support that respects participants' cultures, identities and "
            "experiences, and noticing our own assumptions."
        ),
        "description": (
            "Participants bring different cultural backgrounds, faiths, languages, genders, "
            "sexual orientations, abilities and experiences of discrimination, all of which "
            "shape how they understand distress and help-seeking.\n\n"
            "This session invites peer supporters to reflect on their own backgrounds and "
            "assumptions, practise asking rather than assuming, and learn which campus and "
            "community resources serve specific communities. Cultural competency is ongoing "
            "learning, not a box to tick: consider inviting a facilitator from a campus or "
            "community group."
        ),
        "refresh_interval_months": None,
    },
]


def seed_catalogue(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    TopicReference = apps.get_model("training", "TopicReference")
    HistoricalTopic = apps.get_model("training", "HistoricalTopic")
    HistoricalTopicReference = apps.get_model("training", "HistoricalTopicReference")
    now = timezone.now()
    for data in TOPICS:
        data = dict(data)
        citations = data.pop("references", [])
        if Topic.objects.filter(title__iexact=data["title"]).exists():
            continue
        topic = Topic.objects.create(**data)
        HistoricalTopic.objects.create(
            id=topic.pk,
            title=topic.title,
            summary=topic.summary,
            description=topic.description,
            refresh_interval_months=topic.refresh_interval_months,
            is_archived=topic.is_archived,
            created_at=topic.created_at,
            updated_at=topic.updated_at,
            history_date=now,
            history_type="+",
            history_change_reason=SEED_REASON,
        )
        for position, citation in enumerate(citations):
            reference = TopicReference.objects.create(
                topic=topic, citation=citation, url="", position=position
            )
            HistoricalTopicReference.objects.create(
                id=reference.pk,
                topic_id=topic.pk,
                citation=citation,
                url="",
                position=position,
                history_date=now,
                history_type="+",
                history_change_reason=SEED_REASON,
            )


def unseed_catalogue(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    HistoricalTopic = apps.get_model("training", "HistoricalTopic")
    HistoricalTopicReference = apps.get_model("training", "HistoricalTopicReference")
    Topic.objects.filter(title__in=[t["title"] for t in TOPICS]).delete()
    HistoricalTopic.objects.filter(history_change_reason=SEED_REASON).delete()
    HistoricalTopicReference.objects.filter(history_change_reason=SEED_REASON).delete()


def create_editors_group(apps, schema_editor):
    """Permissions are normally created after all migrations (post_migrate); create this one
    now so that the group can hold it on a fresh database."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="training", model="topic")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="edit_catalogue",
        defaults={"name": "Can add, edit and archive catalogue topics"},
    )
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(permission)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed_catalogue, unseed_catalogue),
        migrations.RunPython(create_editors_group, remove_editors_group),
    ]
