"""Forms for the organisation administrator: people, roles and units."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from torget.params import IdChoiceField

from .models import Person, Role, Unit

# The longest free text a form takes where its model sets no limit (a TextField): long
# enough for any honest answer, short enough that a pasted book is refused, with a sentence.
TEXT_LIMIT = 4000


class LimitedTextMixin:
    """Every text field gets a maximum length: the model's where it has one, else TEXT_LIMIT.
    The browser stops typing there (maxlength); a longer value sent anyway is refused with
    Django's translated sentence ("Se till att detta värde har som mest 4000 tecken")."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is None:
                field.max_length = TEXT_LIMIT
                field.validators.append(MaxLengthValidator(TEXT_LIMIT))
                field.widget.attrs.update(field.widget_attrs(field.widget))


def attach_domain_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class PersonForm(LimitedTextMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Shown in signatures, for example “kommunikatör”."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    unit = IdChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)


class NewPersonForm(PersonForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(
        label=_("First password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least eight characters, not only digits, not a common password."),
    )
    field_order = ["username", "password", "name", "title", "email", "unit", "roles"]


class EditPersonForm(PersonForm):
    is_active = forms.BooleanField(label=_("May log in"), required=False)

    @classmethod
    def for_person(cls, person: Person, data=None) -> "EditPersonForm":
        return cls(
            data,
            organisation=person.organisation,
            initial={
                "name": person.name,
                "title": person.title,
                "email": person.email,
                "unit": person.unit_id,
                "roles": sorted(person.roles),
                "is_active": person.user.is_active,
            },
        )


class UnitForm(LimitedTextMixin, forms.Form):
    name = forms.CharField(label=_("New unit"), max_length=200)
