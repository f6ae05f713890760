"""How every form field is drawn: Django's own field rendering, with Bootstrap 5's classes.

FORM_RENDERER names `FormRenderer`. Each visible field is drawn by one project template
(templates/forms/field.html, from `{{ field.as_field_group }}`): label, widget, errors and help
text in Bootstrap's markup. `BootstrapBoundField` gives each widget its Bootstrap class by kind,
and `is-invalid` when the field has errors, after any class the widget already has; Django itself
adds `aria-invalid` and the `aria-describedby` that names `<auto_id>_helptext` and
`<auto_id>_error`, the ids the template gives the help text and the errors.

Django's widget templates that draw one <input>, <textarea> or <select> are written here in
Python, with the same output: through the template engine, an input's attributes cost most of a
field's time (README, "Performance"). A template that the project or an app overrides is used.
"""

import html
from pathlib import Path

import django
from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.functional import Promise, cached_property
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime

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

    @cached_property
    def auto_id(self) -> str:
        # Read several times per field (ids of the wrapper, the widget, the errors and the help).
        return super().auto_id

    @property
    def is_required(self) -> bool:
        return self.field.required

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


def _escaped(text: str) -> str:
    """conditional_escape(text) of a str: Django's escape is Python's (quotes too), without the
    lazy-text check of Django's on every call."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(text)


def _text(value) -> str:
    """A value as the templates write `{{ value|stringformat:'s' }}`: escaped unless safe."""
    return _escaped(value if isinstance(value, str) else str(value))


def _shown(value) -> str:
    """A value as the templates write `{{ value }}`: localized, then escaped unless safe."""
    if isinstance(value, Promise):  # a translation: its text
        value = str(value)
    if isinstance(value, str):
        return _escaped(value)
    return conditional_escape(localize(template_localtime(value)))


def _attrs_html(attrs: dict) -> str:
    """A widget's attributes, as django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input_html(widget: dict) -> str:
    """As django/forms/widgets/input.html (text, number, e-mail, date, checkbox, file...)."""
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs_html(widget['attrs'])}>"
    )


def _option_html(widget: dict) -> str:
    """As django/forms/widgets/input_option.html (a radio button or a checkbox of a list)."""
    html = _input_html(widget)
    if not widget.get("wrap_label"):
        return html
    id_ = widget["attrs"].get("id")
    label_for = f' for="{_text(id_)}"' if id_ else ""
    # input.html's closing newline stays inside the label.
    return f"<label{label_for}>{html}\n {_shown(widget['label'])}</label>"


def _textarea_html(widget: dict) -> str:
    """As django/forms/widgets/textarea.html."""
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs_html(widget["attrs"])}>\n'
        f"{_shown(value) if value else ''}</textarea>"
    )


def _select_html(widget: dict) -> str:
    """As django/forms/widgets/select.html with select_option.html: a select and its options."""
    html = [f'<select name="{_text(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{_shown(group_name)}">')
        html.extend(
            f'\n  <option value="{_text(o["value"])}"{_attrs_html(o["attrs"])}>'
            f"{_shown(o['label'])}</option>\n"
            for o in options
        )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


def _required(field) -> str:
    return '<span class="asteriskField">*</span>' if field.is_required else ""


def _errors_html(id_, errors) -> str:
    id_attr = f' id="{_text(id_)}_error"' if id_ else ""
    shown = "".join(f"<p><strong>{_shown(error)}</strong></p>" for error in errors)
    return f'<div{id_attr} class="invalid-feedback">{shown}</div>'


def _help_html(id_, field) -> str:
    if not field.help_text:
        return ""
    id_attr = f' id="{_text(id_)}_helptext"' if id_ else ""
    return f'<div{id_attr} class="form-text">{field.help_text}</div>\n'  # |safe, as written


def _label_for(id_for_label) -> str:
    return f' for="{_text(id_for_label)}"' if id_for_label else ""


def _field_html(context) -> str:
    """As templates/forms/field.html (a renderer strips what a template gives): a field's
    label, widget, errors and help text."""
    field = context["field"]
    kind = field.widget_kind
    if not kind:
        return conditional_escape(field)
    id_, errors = field.auto_id, field.errors
    label = _shown(field.label)
    if kind == CHECKBOX:
        return (
            f'<div class="mb-3"><div id="div_{_text(id_)}" class="form-check">\n'
            f"{conditional_escape(field)}\n"
            f'<label{_label_for(field.id_for_label)} class="form-check-label">'
            f"{label}{_required(field)}</label>\n"
            f"{_errors_html(id_, errors) + chr(10) if errors else ''}{_help_html(id_, field)}"
            "</div></div>"
        )
    if kind == CHOICES:
        described = field.aria_describedby
        described = f' aria-describedby="{_text(described)}"' if described else ""
        legend = (
            f'<legend class="form-label fs-6">{label}{_required(field)}</legend>'
            if field.label
            else ""
        )
        options = list(field.subwidgets)
        html = [f'<div id="div_{_text(id_)}" class="mb-3">\n<fieldset{described}>\n{legend}\n<div>']
        for number, option in enumerate(options, start=1):
            error = ""
            if number == len(options) and errors:
                error = "\n" + _errors_html(id_, errors)
            html.append(
                f'\n<div class="form-check">{option.tag()}\n'
                f'<label{_label_for(option.id_for_label)} class="form-check-label">'
                f"{_shown(option.choice_label)}</label>{error}</div>"
            )
        html.append(f"\n</div>\n{_help_html(id_, field)}</fieldset></div>")
        return "".join(html)
    label_line = (
        f'<label{_label_for(field.id_for_label)} class="form-label">{label}{_required(field)}'
        "</label>\n"
        if field.label
        else ""
    )
    return (
        f'<div id="div_{_text(id_)}" class="mb-3">\n{label_line}{conditional_escape(field)}\n'
        f"{_errors_html(id_, errors) + chr(10) if errors else ''}{_help_html(id_, field)}</div>"
    )


DJANGO_WIDGETS = (
    Path(django.__file__).parent / "forms" / "templates" / "django" / "forms" / "widgets"
)
# What those templates include.
WIDGET_PARTS = [
    f"django/forms/widgets/{name}.html"
    for name in ("attrs", "input", "input_option", "select_option")
]
# Django's widget templates that are one <input>, <textarea> or <select>, and their Python
# equivalents.
WIDGETS_IN_PYTHON = {
    **{
        f"django/forms/widgets/{kind}.html": _input_html
        for kind in [
            *("input", "text", "number", "email", "url", "color", "search", "tel"),
            *("password", "hidden", "file", "date", "datetime", "time", "checkbox"),
        ]
    },
    **{
        f"django/forms/widgets/{kind}_option.html": _option_html
        for kind in ("input", "radio", "checkbox")
    },
    "django/forms/widgets/textarea.html": _textarea_html,
    "django/forms/widgets/select.html": _select_html,
}


# Every field's template: the project's, also written in Python (`_field_html`, tested to give
# the same HTML).
FIELD_TEMPLATE = "forms/field.html"


class FormRenderer(TemplatesSetting):
    """The project's templates (and their cached loader) for forms, fields and widgets;
    "django.forms" in INSTALLED_APPS supplies Django's widget templates."""

    field_template_name = FIELD_TEMPLATE
    bound_field_class = BootstrapBoundField

    def __init__(self):
        super().__init__()
        self._in_python = {}  # template name -> its Python equivalent, or None

    def render(self, template_name, context, request=None):
        """Django's one-element widgets written in Python: the same HTML as their templates, at
        a fraction of the cost (a template spends most of a field's time on the input's
        attributes). A template that the project or an app overrides is rendered as usual."""
        if template_name == FIELD_TEMPLATE:
            return _field_html(context)
        try:
            draw = self._in_python[template_name]
        except KeyError:
            draw = self._in_python[template_name] = self._python_equivalent(template_name)
        if draw is not None:
            return draw(context["widget"])
        return super().render(template_name, context, request)

    def _python_equivalent(self, template_name):
        draw = WIDGETS_IN_PYTHON.get(template_name)
        if draw is None:
            return None
        # The template and those it includes must all be Django's own.
        for name in (template_name, *WIDGET_PARTS):
            if not Path(self.get_template(name).origin.name).is_relative_to(DJANGO_WIDGETS):
                return None
        return draw
