import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from meetings.models import ActionItem, AgendaItem, Attendance, DiscussionSuggestion, Meeting
from members.models import Campus, Invitation, Membership, hash_token
from training.models import FacilitationOffer, Topic, TopicReference

PASSWORD = "a-long-test-password-42"
# The authenticator-app secret of every test person who has one: tests compute its codes.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_second_factor(user):
    """An authenticator app (TOTP) with TOTP_SECRET, as coordinators and site admins must have;
    pyotp.TOTP(TOTP_SECRET).now() is its current code."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)
    return user


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.edu")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        """Site admins get an authenticator app unless second_factor=False (MFA_REQUIRED_ROLES);
        anyone gets one with second_factor=True."""
        if create and (extracted or (extracted is None and obj.is_superuser)):
            give_second_factor(obj)


class CampusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campus

    name = factory.Sequence(lambda n: f"Campus {n}")
    slug = factory.Sequence(lambda n: f"campus-{n}")
    institution = "Example University"
    time_zone = "America/Toronto"
    partner_organisation = "Example Mental Health Association"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    campus = factory.SubFactory(CampusFactory)
    role = Membership.Role.PEER_SUPPORTER

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        """Coordinators get an authenticator app unless second_factor=False."""
        if create and (
            extracted or (extracted is None and obj.role == Membership.Role.COORDINATOR)
        ):
            give_second_factor(obj.user)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation
        exclude = ["token"]

    campus = factory.SubFactory(CampusFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.edu")
    role = Membership.Role.PEER_SUPPORTER
    token = factory.Sequence(lambda n: f"token-{n}")
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=14))


# --- training ---
class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    # `title`... are the current language's (English in tests); the French columns by name.
    title = factory.Sequence(lambda n: f"Topic {n}")
    summary = "What peer supporters need to know about it."
    description = "A longer description."
    title_fr = factory.Sequence(lambda n: f"Thème {n}")
    summary_fr = "Ce que les pairs aidants doivent en savoir."
    description_fr = "Une description plus longue."


class FacilitationOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilitationOffer

    topic = factory.SubFactory(TopicFactory)
    campus = factory.SubFactory(CampusFactory)
    user = factory.SubFactory(UserFactory)
    note = "I would like to lead this."


class TopicReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicReference

    topic = factory.SubFactory(TopicFactory)
    citation = factory.Sequence(lambda n: f"Author {n}, A useful guide (2024)")
    url = ""
    position = factory.Sequence(lambda n: n)


class CatalogueEditorFactory(UserFactory):
    """Someone in the "Catalogue editors" group (created by training's data migration; created
    again here because transactional tests flush it away)."""

    @factory.post_generation
    def catalogue_editor(obj, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group, Permission

            group, _ = Group.objects.get_or_create(name="Catalogue editors")
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label="training", codename="edit_catalogue"
                )
            )
            obj.groups.add(group)


# --- meetings ---
class MeetingFactory(factory.django.DjangoModelFactory):
    """A scheduled meeting a week from now, 17:00 to 18:30 UTC. No attendance rows: use
    `meetings.services.schedule_meeting` when the test is about who is expected."""

    class Meta:
        model = Meeting

    campus = factory.SubFactory(CampusFactory)
    title = factory.Sequence(lambda n: f"Community of practice {n}")
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timezone.timedelta(days=7)).replace(
            hour=17, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timezone.timedelta(minutes=90))
    location = "Student Centre, room 204"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = AgendaItem.Kind.OTHER
    title = factory.Sequence(lambda n: f"Item {n}")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Action {n}")


class DiscussionSuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscussionSuggestion

    campus = factory.SubFactory(CampusFactory)
    kind = DiscussionSuggestion.Kind.IDEA
    text = "Could we try a walking meeting in spring?"
    is_anonymous = True
    author = None
    submitted_on = factory.LazyFunction(timezone.localdate)
