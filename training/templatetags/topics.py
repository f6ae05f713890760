"""`{% topic_text topic "title" %}`: a topic's text in the reader's language; when the topic is
not written in theirs, the other language's text, in an element with its `lang` (screen readers
then read it with the right voice), followed by « (en anglais) » / "(in French)".

Other apps' pages print `topic.title` (the reader's language, or the other one unmarked); they
may `{% load topics %}` and use this tag to mark it too."""

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def _marker(language: str) -> str:
    if language == "fr":
        return _("(in French)")
    return _("(in English)")


@register.simple_tag
def topic_text(topic, field="title", paragraphs=False):
    """`paragraphs=True` for a description: blank lines start a paragraph (as |linebreaks)."""
    text = getattr(topic, field) or ""
    language = topic.shown_language(field)
    if language == topic.shown_language_of_reader():
        return linebreaks_filter(text, autoescape=True) if paragraphs else text
    # The title says it once: a summary or description in the same language as the title
    # shown only gets its `lang`.
    marked = field == "title" or topic.shown_language("title") != language
    marker = format_html('<span class="topic-language">{}</span>', _marker(language))
    if paragraphs:
        return format_html(
            '<div lang="{}">{}</div>{}',
            language,
            linebreaks_filter(text, autoescape=True),
            format_html('<p class="small">{}</p>', marker) if marked else "",
        )
    if not marked:
        return format_html('<span lang="{}">{}</span>', language, text)
    return format_html('<span lang="{}">{}</span> {}', language, text, marker)
