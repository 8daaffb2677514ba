import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.accountability.models import ReviewRound
from supervision.campaigns.models import BrandProject, BrandTheme, Campaign

pytestmark = pytest.mark.django_db


def test_committee_opens_a_round_on_the_page_and_bad_weights_are_refused(world, client_for):
    client = client_for(world.committee)
    url = reverse("accountability:round_create")
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    data = {
        "title": "年度述职评议",
        "year": today.year,
        "report_deadline": today.isoformat(),
        "rating_starts": today.isoformat(),
        "rating_ends": (today + datetime.timedelta(days=3)).isoformat(),
        "live_weight": 70,
        "record_weight": 40,
    }
    bad = client.post(url, data)
    assert bad.status_code == 200 and "权重之和须为100" in bad.content.decode()
    assert not ReviewRound.objects.exists()
    data["live_weight"] = 60
    assert client.post(url, data).status_code == 302
    assert ReviewRound.objects.get().reporters.count() == 2
    assert client_for(world.unit_admin).get(url).status_code == 404


def test_campaign_and_brand_forms_on_pages(world, client_for):
    today = timezone.localdate()
    committee = client_for(world.committee)
    r = committee.post(
        reverse("campaigns:campaign_create"),
        {"title": "模范机关创建", "year": today.year, "apply_deadline": today.isoformat()},
    )
    assert r.status_code == 302 and Campaign.objects.get().standards.count() == 6
    theme = BrandTheme.objects.get_or_create(name="为民服务")[0]
    secretary = client_for(world.secretary)
    assert secretary.get(reverse("campaigns:brand_create")).status_code == 200
    r = secretary.post(
        reverse("campaigns:brand_create"),
        {
            "organization": world.branch_a1.pk,
            "year": today.year,
            "name": "红心",
            "theme": theme.pk,
            "idea": "理念",
            "measures": "举措",
            "expected_results": "成效",
        },
    )
    assert r.status_code == 302
    brand = BrandProject.objects.get()
    page = secretary.get(reverse("campaigns:brand_detail", args=[brand.pk])).content.decode()
    assert "报送创建成效" in page
    assert client_for(world.member).get(reverse("campaigns:showcase")).status_code == 200


@pytest.mark.parametrize("chosen", [False, True])
def test_the_person_pickers_write_djangos_select_html(world, chosen):
    """A city's round offers every account holder as a rater: the select is written in Python, byte for byte
    what Django's templates write."""
    from django import forms

    from branches.forms import FastSelect
    from supervision.accountability.forms import RaterForm

    people = [value for value, _label in RaterForm(organization=world.root).fields["user"].choices if value]
    assert len(people) >= 2
    data = {"user": str(people[-1])} if chosen else None
    form = RaterForm(data, organization=world.root)
    assert isinstance(form.fields["user"].widget, FastSelect)
    stock = RaterForm(data, organization=world.root)
    stock.fields["user"].widget = forms.Select(
        attrs=stock.fields["user"].widget.attrs, choices=stock.fields["user"].choices
    )
    assert str(form["user"]) == str(stock["user"])
    if data:
        assert f'value="{data["user"]}" selected' in str(form["user"])
