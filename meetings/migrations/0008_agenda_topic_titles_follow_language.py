"""Training items that carry their topic's own title store none: the topic's title is shown, in
each reader's language (AgendaItem.shown_title). Titles a coordinator wrote themselves stay."""

from django.db import migrations
from django.db.models import F, Q


def blank_topic_titles(apps, schema_editor):
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    AgendaItem.objects.filter(topic__isnull=False).filter(
        Q(title=F("topic__title_en")) | Q(title=F("topic__title_fr"))
    ).exclude(title="").update(title="")


def restore_topic_titles(apps, schema_editor):
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    for item in AgendaItem.objects.filter(topic__isnull=False, title="").select_related("topic"):
        item.title = item.topic.title_en or item.topic.title_fr
        item.save(update_fields=["title"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0007_agenda_default_titles_translated"),
        ("training", "0006_seed_catalogue_french"),
    ]

    operations = [migrations.RunPython(blank_topic_titles, restore_topic_titles)]
