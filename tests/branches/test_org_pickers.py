"""The organisation pickers write their ``<select>`` in Python (issue 22): the HTML must stay byte for byte
what Django's templates and its model-instance iterator write, whatever the choices, value and attributes."""

import pytest
from django import forms
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from branches import audit, services
from branches.forms import FastSelect, OrgChoiceField
from branches.models import Organization, OrganizationKind
from branches.register.forms import MemberFilterForm, MemberForm, TransferForm

CHOICES = [
    ("", _("All I may see")),
    (1, 'A & "B" <i>'),
    (2, mark_safe("<b>safe</b>")),
    ("group <1>", [(3, "three"), (4, "four")]),
    (5, "five"),
    (None, "none"),
]
ATTRS = [
    None,
    {"class": "form-select form-select-sm", "id": "id_org", "required": True, "disabled": False, "data-x": 'a"b'},
]


@pytest.mark.parametrize("value", [None, "", 1, "2", 3, "4", 5, ["1"], "x"])
@pytest.mark.parametrize("attrs", ATTRS)
def test_the_select_is_written_as_djangos_templates_write_it(value, attrs):
    stock = forms.Select(choices=CHOICES, attrs={"data-q": "1"}).render("org<", value, attrs)
    fast = FastSelect(choices=CHOICES, attrs={"data-q": "1"}).render("org<", value, attrs)
    assert fast == stock


def _stock_html(form, name):
    """The field as Django writes it: model instances for the options, the templates for the HTML."""
    field = form.fields[name]
    shown = getattr(field.widget.choices, "queryset", None)  # a select that lists fewer than it accepts
    field.iterator = forms.models.ModelChoiceIterator
    widget = forms.Select(attrs=field.widget.attrs)
    widget.choices = field.choices
    if shown is not None and shown is not field.queryset:
        widget.choices.queryset = shown
    field.widget = widget
    return str(form[name])


@pytest.fixture
def tricky_tree(world):
    system = audit.SYSTEM
    # A branch named like another unit's, one whose name needs escaping, and a party group (excluded).
    services.create_organization(actor=system, name="甲局第一党支部", kind=OrganizationKind.BRANCH, parent=world.unit_b)
    services.create_organization(
        actor=system, name='<b>"支部"</b> & 党小组', kind=OrganizationKind.BRANCH, parent=world.unit_b
    )
    return world


@pytest.mark.parametrize("data", [None, {}, "branch_a1", "bad", "text"])
def test_the_member_filter_picker_matches_djangos_html(tricky_tree, data):
    world = tricky_tree
    if data == "branch_a1":
        data = {"org": str(world.branch_a1.pk)}
    elif data == "bad":
        data = {"org": "999999"}
    elif data == "text":
        data = {"org": "甲局"}
    user = world.users["committee"]
    fast = str(MemberFilterForm(data, user=user)["org"])
    assert fast == _stock_html(MemberFilterForm(data, user=user), "org")
    # The committee's select opens the tree to its units, and down to the chosen organisation with the level
    # below it: unit B's branches are listed once unit B is chosen (issue 22: 3,400 options at province).
    assert world.unit_a.name in fast and world.unit_b.name in fast
    assert "乙局 / 甲局第一党支部" not in fast
    if data and data.get("org") == str(world.branch_a1.pk):
        assert f'<option value="{world.branch_a1.pk}" selected>' in fast and world.branch_a2.name in fast
    else:
        assert world.branch_a1.name not in fast
    opened = {"org": str(world.unit_b.pk)}
    fast = str(MemberFilterForm(opened, user=user)["org"])
    assert fast == _stock_html(MemberFilterForm(opened, user=user), "org")
    assert "乙局 / 甲局第一党支部" in fast and "&lt;b&gt;&quot;支部&quot;&lt;/b&gt; &amp; 党小组" in fast
    assert "第一党小组" not in fast  # party groups are not offered


def test_the_member_filter_accepts_any_organisation_in_scope_and_lists_its_members(world, client_for):
    """A link from the tree names a branch the select does not list yet: it filters, and the select shows it."""
    c = client_for(world.users["committee"])
    page = c.get(reverse("branches:member_list"), {"org": world.branch_a2.pk}).content.decode()
    assert f'<option value="{world.branch_a2.pk}" selected>' in page
    assert world.members["outsider"].name in page and world.members["secretary"].name not in page
    outside = client_for(world.users["secretary"]).get(reverse("branches:member_list"), {"org": world.branch_a2.pk})
    assert outside.status_code == 200 and world.members["outsider"].name not in outside.content.decode()


def test_the_transfer_and_member_form_pickers_match_djangos_html(tricky_tree):
    world = tricky_tree
    member = world.members["member"]
    assert str(TransferForm(member=member)["to_org"]) == _stock_html(TransferForm(member=member), "to_org")
    user = world.users["secretary"]
    for name in ("organization", "party_group"):
        fast = str(MemberForm(instance=member, user=user)[name])
        assert fast == _stock_html(MemberForm(instance=member, user=user), name)
    assert f'<option value="{world.branch_a1.pk}" selected>' in str(
        MemberForm(instance=member, user=user)["organization"]
    )


def test_overridden_labels_are_used(world):
    class Named(OrgChoiceField):
        def label_from_instance(self, obj):
            return f"#{obj.name}"

    field = Named(queryset=Organization.objects.filter(pk=world.branch_a1.pk))
    assert [label for _value, label in field.choices] == ["---------", "#甲局第一党支部"]
    plain = OrgChoiceField(queryset=Organization.objects.filter(pk=world.branch_a1.pk))
    plain.label_from_instance = lambda obj: f"!{obj.name}"
    assert [label for _value, label in plain.choices] == ["---------", "!甲局第一党支部"]


def test_the_pages_show_the_pickers(tricky_tree, client_for):
    world = tricky_tree
    body = client_for(world.users["committee"]).get(reverse("branches:member_list"), {"org": world.unit_b.pk})
    body = body.content.decode()
    assert 'name="org"' in body and "乙局 / 甲局第一党支部" in body
    member = world.members["member"]
    body = client_for(world.secretary).get(reverse("branches:member_transfer", args=[member.pk])).content.decode()
    assert 'name="to_org"' in body and "乙局 / 甲局第一党支部" in body


@pytest.mark.parametrize(
    "data", [None, {"category": "full", "status": "mobile", "stage": "party", "sort": "-join_date"}]
)
def test_the_member_filter_selects_match_djangos_html(world, data):
    user = world.users["unit_admin"]
    for name in ("category", "status", "stage", "sort"):
        form = MemberFilterForm(data, user=user)
        assert isinstance(form.fields[name].widget, FastSelect)
        fast = str(form[name])
        stock = MemberFilterForm(data, user=user)
        stock.fields[name].widget = forms.Select(
            attrs=stock.fields[name].widget.attrs, choices=stock.fields[name].choices
        )
        assert fast == str(stock[name])
        if data:
            assert f'value="{data[name]}" selected' in fast


@pytest.mark.parametrize("chosen", [False, True])
def test_the_meeting_plan_selects_match_djangos_html(world, chosen):
    """The plan form's kind, host and recorder (a branch's members, twice) are written in Python."""
    from branches.meetings.forms import PlanForm

    user = world.users["unit_admin"]
    members = [value for value, _label in PlanForm(user=user).fields["host"].choices if value]
    assert members, "the unit admin's branches have members to choose from"
    data = {"kind": "theme_day", "host": str(members[0]), "recorder": str(members[-1])} if chosen else None
    for name in ("kind", "host", "recorder"):
        form = PlanForm(data, user=user)
        assert isinstance(form.fields[name].widget, FastSelect)
        stock = PlanForm(data, user=user)
        stock.fields[name].widget = forms.Select(
            attrs=stock.fields[name].widget.attrs, choices=stock.fields[name].choices
        )
        assert str(form[name]) == str(stock[name])
        if data:
            assert f'value="{data[name]}" selected' in str(form[name])


@pytest.mark.parametrize("value", [None, [], ["2"], ["1", "3"]])
def test_the_multiple_select_matches_djangos_html(value):
    from branches.forms import FastSelectMultiple

    choices = [("1", "甲"), ("2", "乙 <b>"), ("3", "丙")]
    fast = FastSelectMultiple(choices=choices).render("people", value, {"id": "id_people"})
    stock = forms.SelectMultiple(choices=choices).render("people", value, {"id": "id_people"})
    assert fast == stock and "multiple" in fast
    from django.http import QueryDict

    assert FastSelectMultiple().value_from_datadict(QueryDict("people=1&people=3"), {}, "people") == ["1", "3"]
