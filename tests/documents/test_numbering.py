"""发文字号: a sequence per organisation and year with a configurable prefix; an object keeps its number."""

import datetime

import pytest

from branches import audit
from branches.documents import numbering
from branches.models import AuditEntry, DocumentNumberRule, IssuedNumber

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 5)


def _issue(org, obj, kind="bulletin", day=DAY):
    return numbering.issue(actor=audit.SYSTEM, organization=org, kind=kind, obj=obj, title="通报", day=day)


def test_numbers_run_per_organisation_and_year_and_an_object_keeps_its_number(world, settings):
    settings.DOCUMENT_NUMBER_PREFIX = "杭直工发"
    first = _issue(world.root, world.branch_a1)
    second = _issue(world.root, world.branch_a2)
    assert (first.number, second.number) == ("杭直工发〔2026〕1号", "杭直工发〔2026〕2号")
    assert _issue(world.root, world.branch_a1).number == "杭直工发〔2026〕1号"  # downloaded again: same number
    assert _issue(world.unit_a, world.branch_b1).number == "杭直工发〔2026〕1号"  # another organisation, own sequence
    next_year = _issue(world.root, world.unit_b, day=datetime.date(2027, 1, 4))
    assert next_year.number == "杭直工发〔2027〕1号"
    assert IssuedNumber.objects.count() == 4
    assert AuditEntry.objects.filter(action="document.numbered").count() == 4


def test_the_prefix_is_configurable_per_organisation_and_kind(world):
    DocumentNumberRule.objects.create(organization=world.root, kind="", prefix="甲直工发")
    DocumentNumberRule.objects.create(organization=world.root, kind="rectification", prefix="甲直工督")
    assert _issue(world.root, world.branch_a1).number == "甲直工发〔2026〕1号"
    assert _issue(world.root, world.branch_a2, kind="rectification").number == "甲直工督〔2026〕1号"
