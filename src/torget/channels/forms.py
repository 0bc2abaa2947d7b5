"""Forms parse and check input; the services decide. Querysets are limited to the person's
organisation, so another organisation's unit or person cannot even be chosen."""

from django import forms
from django.utils.translation import gettext_lazy as _

from torget.organisations.forms import LimitedTextMixin
from torget.organisations.models import Person, Role
from torget.organisations.selectors import people_list, units_list
from torget.params import IdsChoiceField

from .models import Channel, ReviewOutcome, SignatureStyle
from .services import CHECKLIST_FIELDS, EDITABLE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class ChannelForm(LimitedTextMixin, forms.ModelForm):
    administrators = IdsChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=_("Channel administrators"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The people who publish, answer and supervise on the channel."),
    )

    class Meta:
        model = Channel
        fields = EDITABLE_FIELDS
        widgets = {
            "resources_until": DateInput,
            "archive_from": DateInput,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "need",
                    "purpose",
                    "target_groups",
                    "content_plan",
                    "desired_effects",
                    "complements_website",
                    "comment_policy_reason",
                    "page_rules",
                )
            },
        }

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_list(person=person)
        self.fields["responsible_manager"].queryset = people_list(person=person, role=Role.MANAGER)
        self.fields["administrators"].queryset = people_list(person=person)
        if self.instance.pk:
            self.initial["administrators"] = list(
                self.instance.administrators.values_list("pk", flat=True)
            )
        for name in (
            "need",
            "purpose",
            "target_groups",
            "content_plan",
            "desired_effects",
            "complements_website",
            "organisation_goal",
        ):
            self.fields[name].required = True
        # Channels proposed before signatures existed, and forms that leave it out, sign with
        # the name and title (seed 002 §2.1.5).
        self.fields["signature_style"].required = False

    def clean_signature_style(self) -> str:
        return self.cleaned_data.get("signature_style") or SignatureStyle.NAME_AND_TITLE

    def clean(self):
        cleaned = super().clean()
        policy = cleaned.get("comment_policy")
        if policy and policy != "open" and not (cleaned.get("comment_policy_reason") or "").strip():
            self.add_error(
                "comment_policy_reason",
                _(
                    "Explain why comments are restricted or closed (for example: the audience is "
                    "children)."
                ),
            )
        return cleaned

    def _post_clean(self):
        # The service validates the model; skip ModelForm's instance validation so that a
        # proposal without proposer and organisation can be checked here first.
        pass

    def channel_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class CommentForm(LimitedTextMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, required: bool = False, label=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
        if label:
            self.fields["comment"].label = label


class RiskAssessmentForm(LimitedTextMixin, forms.Form):
    assessment = forms.CharField(
        label=_("Assessment"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the platform collects, access by foreign states to staff metadata, "
            "admin account protection, device rule, comments for children."
        ),
    )
    benefit_outweighs_risk = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[
            ("yes", _("The benefit outweighs the risk")),
            ("no", _("The risk outweighs the benefit")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    special_reasons = forms.CharField(
        label=_("Special reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reevaluate_on = forms.DateField(label=_("Re-evaluate on"), required=False, widget=DateInput)


class ChecklistForm(forms.Form):
    has_profile_picture = forms.BooleanField(label=_("Profile picture in place"), required=False)
    has_description = forms.BooleanField(label=_("Description in place"), required=False)
    has_page_rules = forms.BooleanField(
        label=_("Page rules published on the channel"), required=False
    )
    is_listed_publicly = forms.BooleanField(label=_("Listed in the public list"), required=False)

    def flags(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in CHECKLIST_FIELDS}


class ReviewForm(LimitedTextMixin, forms.Form):
    fulfils_purpose = forms.TypedChoiceField(
        label=_("Does the channel still fulfil its purpose?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    has_resources = forms.TypedChoiceField(
        label=_("Does the channel still have its resources?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_review_due = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for one year from today."),
    )
