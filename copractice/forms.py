"""How every form field is drawn: Django's own field rendering, with Bootstrap 5's classes.

FORM_RENDERER names `FormRenderer`. Each visible field is drawn by one project template
(templates/forms/field.html, from `{{ field.as_field_group }}`): label, widget, errors and help
text in Bootstrap's markup. `BootstrapBoundField` gives each widget its Bootstrap class by kind,
and `is-invalid` when the field has errors, after any class the widget already has; Django itself
adds `aria-invalid` and the `aria-describedby` that names `<auto_id>_helptext` and
`<auto_id>_error`, the ids the template gives the help text and the errors.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.functional import cached_property

# A widget's kind, as the field template draws it.
CHECKBOX = "checkbox"  # the input, then its label
CHOICES = "choices"  # radio buttons or checkboxes, in a fieldset with a legend
SELECT = "select"
FILE = "file"
TEXT = "text"  # every other input, and textareas

BOOTSTRAP_CLASS = {
    CHECKBOX: "form-check-input",
    CHOICES: "form-check-input",
    SELECT: "form-select",
    FILE: "form-control",
    TEXT: "form-control",
}


def widget_kind(widget: forms.Widget) -> str | None:
    """The kind of a widget, or None for a hidden one (no class, no label)."""
    if widget.is_hidden:
        return None
    if isinstance(widget, forms.CheckboxInput):
        return CHECKBOX
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is one too
        return CHOICES
    if isinstance(widget, forms.Select):  # SelectMultiple, NullBooleanSelect, PlainSelect
        return SELECT
    if isinstance(widget, forms.FileInput):
        return FILE
    return TEXT


class BootstrapBoundField(BoundField):
    @cached_property
    def widget_kind(self) -> str | None:
        return widget_kind(self.field.widget)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        kind = self.widget_kind if widget is None else widget_kind(widget)
        if kind is None:
            return attrs
        widget = widget or self.field.widget
        classes = (widget.attrs.get("class", "") + " " + attrs.get("class", "")).split()
        wanted = [BOOTSTRAP_CLASS[kind]]
        if self.errors:
            wanted.append("is-invalid")
        attrs["class"] = " ".join(classes + [c for c in wanted if c not in classes])
        return attrs


class FormRenderer(TemplatesSetting):
    """The project's templates (and their cached loader) for forms, fields and widgets;
    "django.forms" in INSTALLED_APPS supplies Django's widget templates."""

    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField
