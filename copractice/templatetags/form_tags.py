"""`{% form_fields form %}`: a form's errors and fields, each field drawn by the project's field
template (copractice/forms.py), in one tag rather than a template include with two loops."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def form_fields(form):
    """The form's errors that belong to no field, its hidden fields, then each visible field
    with its label, errors and help text (`field.as_field_group`)."""
    html = []
    errors = form.non_field_errors()
    if errors:
        shown = "".join(f'<p class="mb-0">{conditional_escape(error)}</p>' for error in errors)
        html.append(f'<div class="alert alert-danger" role="alert">{shown}</div>\n')
    html.extend(str(field) for field in form.hidden_fields())
    html.extend(str(field.as_field_group()) for field in form.visible_fields())
    return mark_safe("".join(html))  # Django's own escaped field rendering, errors escaped
