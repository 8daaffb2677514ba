"""Every page carries the A4 print stylesheet and a print header (organisation, title, date)."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_annual_summary_prints_landscape_with_every_column(world, client_for):
    body = client_for(world.committee).get(reverse("dashboards:annual", args=[world.root.pk])).content.decode()
    assert "documents/print.css" in body
    assert 'class="print-landscape own-print-header"' in body
    css = Path(finders.find("documents/print.css")).read_text(encoding="utf-8")
    # the scrolling wrapper that cut the ranking to 6 of its columns opens up on paper
    assert ".table-responsive" in css and "overflow: visible" in css
    assert "@page wide { size: A4 landscape" in css and 'counter(page) " —"' in css
    assert "thead { display: table-header-group; }" in css


def test_a_list_page_has_the_print_header_with_the_organisation(world, client_for):
    body = client_for(world.secretary).get(reverse("meetings:meeting_list")).content.decode()
    assert 'data-testid="print-header"' in body and world.branch_a1.name in body
    assert "打印日期" in body
