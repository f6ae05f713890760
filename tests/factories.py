import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from members.models import Campus, Invitation, Membership, hash_token
from training.models import FacilitationOffer, Topic

PASSWORD = "a-long-test-password-42"


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

    user = factory.SubFactory(UserFactory)
    campus = factory.SubFactory(CampusFactory)
    role = Membership.Role.PEER_SUPPORTER


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

    title = factory.Sequence(lambda n: f"Topic {n}")
    summary = "What peer supporters need to know about it."
    description = "A longer description."


class FacilitationOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilitationOffer

    topic = factory.SubFactory(TopicFactory)
    campus = factory.SubFactory(CampusFactory)
    user = factory.SubFactory(UserFactory)
    note = "I would like to lead this."


# --- meetings ---
