"""Form fields as every page draws them (copractice/forms.py, templates/forms/field.html):
Bootstrap 5's markup from Django's own field rendering."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting, get_default_renderer
from django.test import override_settings
from django.utils.safestring import mark_safe

from copractice.forms import BootstrapBoundField, FormRenderer
from meetings.checkin_forms import CheckInForm
from meetings.forms import PlainSelect

HOSTILE = '<script>alert("x")</script>&'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"


class Elements(HTMLParser):
    """Every start tag in order, as (tag, attributes)."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag, **attrs):
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    def by_id(self, id_):
        (found,) = [a for _, a in self.tags if a.get("id") == id_]
        return found


class SampleForm(forms.Form):
    title = forms.CharField(label="Title", max_length=20, help_text="A few words.")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agree = forms.BooleanField(label="I agree", help_text="Tick to agree.")
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "Apple"), ("b", "Banana")], widget=forms.RadioSelect
    )
    days = forms.MultipleChoiceField(
        label="Days",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    colour = forms.ChoiceField(label="Colour", choices=[("", "---"), ("r", "Red")])
    person = forms.ChoiceField(
        label="Person",
        choices=[("", "---"), ("1", "Ann")],
        required=False,
        widget=PlainSelect(attrs={"data-agenda-kind": "", "class": "people"}),
    )
    upload = forms.FileField(
        label="A file", required=False, widget=forms.FileInput(attrs={"accept": ".csv"})
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def group(form, name):
    return str(form[name].as_field_group())


def test_default_renderer_is_the_projects_with_its_bound_field():
    assert isinstance(get_default_renderer(), FormRenderer)
    assert isinstance(SampleForm()["title"], BootstrapBoundField)


def test_text_field_has_label_control_and_help_text_named_by_the_input():
    html = group(SampleForm(), "title")
    page = Elements(html)
    assert page.find("div", id="div_id_title", **{"class": "mb-3"})
    assert page.find("label", **{"for": "id_title", "class": "form-label"})
    (field,) = page.find("input", name="title")
    assert field["class"] == "form-control"
    assert field["aria-describedby"] == "id_title_helptext"
    assert "aria-invalid" not in field
    assert page.by_id("id_title_helptext")["class"] == "form-text"
    assert '<div id="id_title_helptext" class="form-text">A few words.</div>' in html
    assert "invalid-feedback" not in html


def test_required_field_marked_after_its_label_and_optional_one_not():
    form = SampleForm()
    assert 'class="form-label">Title<span class="asteriskField">*</span></label>' in group(
        form, "title"
    )
    assert 'class="form-label">Notes</label>' in group(form, "notes")
    assert "asteriskField" not in group(form, "notes")


def test_field_with_an_error_is_invalid_and_describes_it_by_id():
    form = SampleForm(data={"title": "x" * 30})
    assert not form.is_valid()
    html = group(form, "title")
    page = Elements(html)
    (field,) = page.find("input", name="title")
    assert field["class"] == "form-control is-invalid"
    assert field["aria-invalid"] == "true"
    assert field["aria-describedby"] == "id_title_helptext id_title_error"
    assert page.by_id("id_title_error")["class"] == "invalid-feedback"
    # The error block follows the input, so Bootstrap shows it (.is-invalid ~ .invalid-feedback).
    assert html.index('name="title"') < html.index('id="id_title_error"')
    assert "Ensure this value has at most 20 characters (it has 30)." in html


def test_error_class_added_after_the_widgets_own_class():
    form = CheckInForm(data={"code": "abc"})
    form.add_error("code", "Wrong code.")
    (field,) = Elements(group(form, "code")).find("input", name="code")
    assert field["class"] == "check-in-code-input form-control is-invalid"
    assert field["autocomplete"] == "off"


def test_checkbox_input_first_then_its_label_in_a_form_check():
    form = SampleForm(data={})
    form.is_valid()
    html = group(form, "agree")
    page = Elements(html)
    assert page.find("div", id="div_id_agree", **{"class": "form-check"})
    (box,) = page.find("input", type="checkbox")
    assert box["class"] == "form-check-input is-invalid"
    assert box["aria-describedby"] == "id_agree_helptext id_agree_error"
    assert html.index('type="checkbox"') < html.index('<label for="id_agree"')
    assert 'class="form-check-label">I agree<span class="asteriskField">*</span></label>' in html
    assert html.index('<label for="id_agree"') < html.index('id="id_agree_error"')
    assert page.by_id("id_agree_error")["class"] == "invalid-feedback"
    assert page.by_id("id_agree_helptext")["class"] == "form-text"


def test_radio_list_is_a_fieldset_with_a_legend_and_form_check_options():
    form = SampleForm(data={"kind": "z"})
    form.is_valid()
    html = group(form, "kind")
    page = Elements(html)
    (fieldset,) = page.find("fieldset")
    assert fieldset["aria-describedby"] == "id_kind_error"
    assert '<legend class="form-label fs-6">Kind<span class="asteriskField">*</span></legend>' in (
        html
    )
    radios = page.find("input", type="radio", name="kind")
    assert [r["value"] for r in radios] == ["a", "b"]
    assert [r["id"] for r in radios] == ["id_kind_0", "id_kind_1"]
    assert {r["class"] for r in radios} == {"form-check-input is-invalid"}
    assert len(page.find("div", **{"class": "form-check"})) == 2
    assert '<label for="id_kind_1" class="form-check-label">Banana</label>' in html
    # The errors sit in the last option, after an .is-invalid input, where Bootstrap shows them.
    errors_at = html.index('id="id_kind_error"')
    assert html.index('id="id_kind_1"') < errors_at < html.index("</fieldset>")
    assert "Select a valid choice. z is not one of the available choices." in html


def test_radio_list_keeps_the_chosen_option_checked():
    page = Elements(group(SampleForm(data={"kind": "b"}), "kind"))
    assert "checked" in page.by_id("id_kind_1")
    assert "checked" not in page.by_id("id_kind_0")


def test_checkbox_list_options_are_form_checks_not_required():
    html = group(SampleForm(initial={"days": ["tue"]}), "days")
    page = Elements(html)
    assert page.find("fieldset")
    assert '<legend class="form-label fs-6">Days</legend>' in html
    boxes = page.find("input", type="checkbox", name="days")
    assert [(b["value"], "checked" in b, "required" in b) for b in boxes] == [
        ("mon", False, False),
        ("tue", True, False),
    ]
    assert {b["class"] for b in boxes} == {"form-check-input"}


def test_select_is_form_select():
    html = group(SampleForm(), "colour")
    (select,) = Elements(html).find("select", name="colour")
    assert select["class"] == "form-select"
    assert '<label for="id_colour" class="form-label">Colour' in html


def test_plain_select_gets_form_select_after_its_class_and_is_invalid():
    form = SampleForm(data={"person": "9"})
    form.is_valid()
    html = group(form, "person")
    (select,) = Elements(html).find("select", name="person")
    assert select["class"] == "people form-select is-invalid"
    assert select["data-agenda-kind"] == ""
    assert select["aria-describedby"] == "id_person_error"
    assert '<option value="1">Ann</option>' in html
    assert 'id="id_person_error" class="invalid-feedback"' in html


def test_file_input_is_form_control_with_its_attributes():
    html = group(SampleForm(), "upload")
    (field,) = Elements(html).find("input", type="file")
    assert field == {
        "type": "file",
        "name": "upload",
        "accept": ".csv",
        "class": "form-control",
        "id": "id_upload",
    }


def test_hidden_field_is_only_its_input():
    assert group(SampleForm(initial={"secret": "s"}), "secret") == (
        '<input type="hidden" name="secret" value="s" id="id_secret">'
    )


def test_peoples_text_is_escaped_in_labels_options_values_and_errors():
    class Hostile(forms.Form):
        who = forms.ChoiceField(label=HOSTILE, choices=[("1", HOSTILE)], widget=forms.RadioSelect)
        pick = forms.ChoiceField(label=HOSTILE, choices=[("1", HOSTILE)], widget=PlainSelect)
        text = forms.CharField(label=HOSTILE)
        note = forms.CharField(widget=forms.Textarea)

    form = Hostile(data={"who": HOSTILE, "pick": HOSTILE, "text": HOSTILE, "note": HOSTILE})
    form.is_valid()
    form.add_error("text", HOSTILE)
    html = "".join(group(form, name) for name in form.fields)
    assert "<script>" not in html
    assert html.count(f"{ESCAPED}<span") == 3  # each label, before its required marker
    assert f'class="form-check-label">{ESCAPED}</label>' in html  # the radio button's label
    assert f'<option value="1">{ESCAPED}</option>' in html
    assert f'value="{ESCAPED}"' in html
    assert f">\n{ESCAPED}</textarea>" in html
    assert f"<p><strong>{ESCAPED}</strong></p>" in html  # the error that repeats it
    assert f"Select a valid choice. {ESCAPED} is not one of the available choices." in html


WIDGETS = [
    forms.TextInput(attrs={"maxlength": 5, "placeholder": HOSTILE}),
    forms.NumberInput(attrs={"min": 1}),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput(attrs={"min": "2000-01-01"}),
    forms.TimeInput(),
    forms.DateTimeInput(),
    forms.SearchInput(),
    forms.TelInput(),
    forms.ColorInput(),
    forms.FileInput(attrs={"accept": ".csv", "autofocus": True, "disabled": False}),
    forms.CheckboxInput(),
    forms.Textarea(attrs={"rows": 2}),
    forms.Select(choices=[("", "---"), ("a", HOSTILE), (7, 1234), ("b", mark_safe("<i>b</i>"))]),
    forms.Select(choices=[("Fruit", [("a", "Apple"), ("b", "Banana")]), (HOSTILE, [("c", "C")])]),
    forms.SelectMultiple(choices=[("a", "A"), ("b", "B")]),
    forms.NullBooleanSelect(),
    forms.RadioSelect(choices=[("a", HOSTILE), (2, "Two"), (None, "None")]),
    forms.CheckboxSelectMultiple(choices=[("a", HOSTILE), ("b", "Bee")]),
]
VALUES = [HOSTILE, mark_safe("<b>safe</b>"), 7, "", None, True, ["a", "b"], "a"]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
def test_widgets_drawn_in_python_match_djangos_templates(widget):
    ours, djangos = FormRenderer(), DjangoTemplates()
    attrs = {"id": "id_x", "required": True, "aria-describedby": HOSTILE, "class": "a b"}
    for value in VALUES:
        if isinstance(value, list) and not getattr(widget, "allow_multiple_selected", False):
            continue
        expected = widget.render("x", value, attrs=attrs, renderer=djangos)
        assert widget.render("x", value, attrs=attrs, renderer=ours) == expected, value


def test_widget_template_overridden_in_the_project_is_used(tmp_path, settings):
    (tmp_path / "django/forms/widgets").mkdir(parents=True)
    (tmp_path / "django/forms/widgets/text.html").write_text("overridden {{ widget.name }}")
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with override_settings(TEMPLATES=templates):
        renderer = FormRenderer()
        assert forms.TextInput().render("x", "", renderer=renderer) == "overridden x"
        assert forms.EmailInput().render("x", "", renderer=renderer).startswith("<input ")


def test_widget_part_overridden_in_the_project_is_used(tmp_path, settings):
    (tmp_path / "django/forms/widgets").mkdir(parents=True)
    (tmp_path / "django/forms/widgets/attrs.html").write_text(" data-overridden")
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with override_settings(TEMPLATES=templates):
        html = forms.TextInput(attrs={"size": 3}).render("x", "", renderer=FormRenderer())
        assert html == '<input type="text" name="x" data-overridden>'


@pytest.mark.parametrize("wrap_label", [True, False])
def test_options_drawn_in_python_match_djangos_templates(wrap_label):
    def options(renderer):
        form = SampleForm(
            data={"kind": "b", "days": ["mon"]},
            renderer=renderer,
            bound_field_class=BootstrapBoundField,
        )
        return [w.tag(wrap_label=wrap_label) for name in ("kind", "days") for w in form[name]]

    ours = options(FormRenderer())
    assert len(ours) == 4
    assert ours == options(DjangoTemplates())


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_numbers_shown_as_the_templates_localize_them():
    widget = forms.Select(choices=[(1234, 1234)])
    html = widget.render("x", 1234, renderer=FormRenderer())
    assert html == widget.render("x", 1234, renderer=DjangoTemplates())
    assert '<option value="1234" selected>1,234</option>' in html


class EdgeForm(forms.Form):
    """Labels, help and errors as the field template's branches see them."""

    unlabelled = forms.CharField(label="", help_text=mark_safe("<em>Safe</em> help"))
    safe_label = forms.CharField(label=mark_safe("<b>Bold</b>"), required=False)
    hostile = forms.CharField(label=HOSTILE, help_text=HOSTILE, required=False)
    tick = forms.BooleanField(label=HOSTILE, required=False)
    unlabelled_choice = forms.ChoiceField(
        label="", choices=[("a", HOSTILE)], widget=forms.RadioSelect, required=False
    )
    described = forms.CharField(
        label="Described", widget=forms.TextInput(attrs={"aria-describedby": "elsewhere"})
    )


def _field_template(field) -> str:
    """The field drawn by Django's renderer from the project's templates."""
    return TemplatesSetting().render("forms/field.html", {"field": field})


def _forms_to_draw():
    for form_class in (SampleForm, EdgeForm):
        yield form_class()
        yield form_class(auto_id=False)
        bound = form_class(data={"kind": HOSTILE, "colour": "x", "hostile": HOSTILE})
        bound.is_valid()
        for name in bound.fields:
            bound.add_error(name if name in bound.fields else None, HOSTILE)
        yield bound
        yield form_class(data={"title": "ok", "agree": "on", "kind": "a", "days": ["mon"]})


def test_fields_drawn_in_python_match_the_field_template():
    """copractice.forms._field_html is templates/forms/field.html: when one changes, so must
    the other."""
    compared = 0
    for form in _forms_to_draw():
        for field in form:
            assert field.as_field_group() == _field_template(field), (field.name, form.is_bound)
            compared += 1
    assert compared == 4 * (len(SampleForm.base_fields) + len(EdgeForm.base_fields))


# What a form's fields were drawn with before `{% form_fields %}` (templates/includes/_form.html).
FORM_TEMPLATE = """{% if form.non_field_errors %}
  <div class="alert alert-danger" role="alert">{% for e in form.non_field_errors %}<p class="mb-0">{{ e }}</p>{% endfor %}</div>
{% endif %}
{% for field in form.hidden_fields %}{{ field }}{% endfor %}
{% for field in form.visible_fields %}{{ field.as_field_group }}{% endfor %}"""  # noqa: E501


class CheckedForm(SampleForm):
    def clean(self):
        raise forms.ValidationError(["<b>Not</b> & this", mark_safe("<em>kept</em>")])


def _tight(html):
    import re

    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    "form",
    [
        lambda: SampleForm(),
        lambda: SampleForm({"title": "<x>", "kind": "b", "secret": 's"1'}),
        lambda: CheckedForm({"title": "ok", "kind": "a", "agree": "on"}),
    ],
)
def test_form_fields_draws_what_the_form_template_drew(form):
    from django.template import engines

    form = form()
    form.is_valid() if form.is_bound else None
    engine = engines["django"]
    drawn = engine.from_string("{% load form_tags %}{% form_fields form %}").render({"form": form})
    expected = engine.from_string(FORM_TEMPLATE).render({"form": form})
    assert _tight(drawn) == _tight(expected)  # the same, but for blank space between tags
    assert "<input" in drawn and "<label" in drawn
    if form.is_bound and form.non_field_errors():
        assert '<p class="mb-0">&lt;b&gt;Not&lt;/b&gt; &amp; this</p>' in drawn
        assert '<p class="mb-0"><em>kept</em></p>' in drawn
