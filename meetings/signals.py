"""Keeps attendance, and the people pickers offer, in step with membership. `members` must not
import `meetings`, so the links are signal receivers here rather than calls from
members.services."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from members.models import Membership, User

from . import people, services


@receiver(post_save, sender=Membership, dispatch_uid="meetings.membership_attendance")
def membership_saved(sender, instance: Membership, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    if instance.status == Membership.Status.ACTIVE:
        services.add_member_to_future_meetings(membership=instance)
    else:
        services.remove_member_from_future_meetings(membership=instance)


# --- the people pickers offer (meetings/people.py) -----------------------------------------
@receiver(post_save, sender=Membership, dispatch_uid="meetings.membership_people")
@receiver(post_delete, sender=Membership, dispatch_uid="meetings.membership_people")
def membership_changed(sender, instance: Membership, **kwargs):
    people.changed(instance.campus_id)


@receiver(post_save, sender=User, dispatch_uid="meetings.user_people")
def user_saved(sender, instance: User, created=False, update_fields=None, **kwargs):
    if created or (update_fields is not None and not {"name", "email"} & set(update_fields)):
        return  # a login (last_login), a preference: not what pickers show
    for campus_id in Membership.objects.filter(user=instance).values_list("campus_id", flat=True):
        people.changed(campus_id)
