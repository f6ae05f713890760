"""Keeps attendance in step with membership. `members` must not import `meetings`, so the link
is a signal receiver here rather than a call from members.services."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from members.models import Membership

from . import services


@receiver(post_save, sender=Membership, dispatch_uid="meetings.membership_attendance")
def membership_saved(sender, instance: Membership, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    if instance.status == Membership.Status.ACTIVE:
        services.add_member_to_future_meetings(membership=instance)
    else:
        services.remove_member_from_future_meetings(membership=instance)
