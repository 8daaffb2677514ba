"""Input parsing for the dues pages. Choice fields offer only what the user may change."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Member, Organization

from .ledger import dues_members
from .models import ArrearsOutcome, DuesCategory, PaymentKind, PaymentMethod, ReductionKind


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class MonthField(forms.DateField):
    widget = MonthInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": _("Enter a month like 2026-01.")})
        super().__init__(**kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


MONEY = {"max_digits": 12, "decimal_places": 2}


def payer_choices(user, permission="dues.change"):
    orgs = Organization.objects.visible_to(user, permission)
    return dues_members(Member.objects.filter(organization__in=orgs.values("pk"))).for_choices().order_by("name")


class MemberChoiceForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = payer_choices(user)


class BaseForm(MemberChoiceForm):
    category = forms.ChoiceField(label=_("Category"), choices=DuesCategory.choices)
    base = forms.DecimalField(label=_("Monthly base (after-tax fixed salary, yuan)"), min_value=0, **MONEY)
    effective_month = MonthField(label=_("From month"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PaymentForm(MemberChoiceForm):
    month = MonthField(label=_("Dues month"))
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0.01, **MONEY)
    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentKind.choices, initial=PaymentKind.REGULAR)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why is it reversed?"), max_length=200)
    on = forms.DateField(label=_("Date of the correction"), widget=DateInput(), initial=timezone.localdate)


class ReductionForm(MemberChoiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReductionKind.choices)
    amount = forms.DecimalField(label=_("Reduced monthly amount (yuan)"), min_value=0, required=False, **MONEY)
    from_month = MonthField(label=_("From month"))
    to_month = MonthField(label=_("To month (empty: until revoked)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    branch_decision = forms.CharField(label=_("Branch decision (meeting and date)"), max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class PayrollImportForm(ImportForm):
    paid_on = forms.DateField(label=_("Deducted on"), widget=DateInput(), initial=timezone.localdate)


class StatementForm(forms.Form):
    remitted = forms.DecimalField(
        label=_("Remitted to the upper committee (yuan)"),
        min_value=0,
        required=False,
        help_text=_("Empty: everything the branch holds."),
        **MONEY,
    )


class TalkForm(forms.Form):
    date = forms.DateField(label=_("Date of the talk"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("What was said and agreed"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    date = forms.DateField(label=_("Date of the decision"), widget=DateInput(), initial=timezone.localdate)
    outcome = forms.ChoiceField(label=_("Decision"), choices=ArrearsOutcome.choices)
    note = forms.CharField(label=_("Decision and meeting"), widget=forms.Textarea(attrs={"rows": 3}))
