"""Forms for disposal rules and legal holds; the services validate again and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from torget.channels.models import Channel
from torget.organisations.forms import LimitedTextMixin
from torget.params import IdChoiceField

from .models import HoldScope, RecordClass


class RuleForm(LimitedTextMixin, forms.Form):
    record_class = forms.ChoiceField(label=_("Class of records"), choices=RecordClass.choices)
    channel = IdChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("All channels"),
        help_text=_("A rule for one channel governs it instead of a rule for all channels."),
    )
    keep_years = forms.IntegerField(
        label=_("Keep for (years)"),
        min_value=0,
        max_value=200,
        help_text=_("Counted from when the record was made on the platform."),
    )
    decision_reference = forms.CharField(
        label=_("Disposal decision (reference)"),
        max_length=200,
        help_text=_("The decision that allows the disposal, for example “KS 2024/117 § 3”."),
    )
    decision_date = forms.DateField(
        label=_("Date of the decision"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: comments of little or passing importance."),
    )

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(
            organisation=organisation
        ).order_by("name")


class HoldForm(LimitedTextMixin, forms.Form):
    scope = forms.ChoiceField(label=_("What is held"), choices=HoldScope.choices)
    channel = IdChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("All channels"),
        help_text=_("Required for a channel or a thread; narrows a person or a search."),
    )
    thread_platform_id = forms.CharField(
        label=_("Thread (the post's platform id)"), max_length=200, required=False
    )
    person = forms.CharField(
        label=_("Person (platform id or handle)"), max_length=300, required=False
    )
    query = forms.CharField(
        label=_("Search"),
        max_length=500,
        required=False,
        help_text=_("Every record the archive search finds for these words is held."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The request for public records, case, inquiry or dispute."),
    )
    case_reference = forms.CharField(label=_("Case reference"), max_length=200, required=False)

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(
            organisation=organisation
        ).order_by("name")
