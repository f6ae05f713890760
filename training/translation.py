"""Bilingual topics: the title, summary and description of a catalogue topic in English and in
French (settings.MODELTRANSLATION_*).

Why django-modeltranslation: each language is a column of the topic's own table (title_en,
title_fr...), so listing topics needs no join per query, and `topic.title` reads the reader's
language with the fallback built in; every page that prints a topic (agendas, offers,
dashboards, exports) gets its language without a change.

References (citations) are not registered: a citation names a source as it was published.

The history is registered here rather than on the model (simple_history's recipe with
modeltranslation): the historical model must be built after the language columns exist, so
that it records them.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import Topic


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description")


simple_history.register(Topic)
