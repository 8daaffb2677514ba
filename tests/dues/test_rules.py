from decimal import Decimal

import pytest

from dues.models import DuesCategory, DuesRule
from dues.rules import monthly_amount

IN, RET = DuesCategory.IN_SERVICE, DuesCategory.RETIRED


@pytest.mark.parametrize(
    ("category", "base", "expected"),
    [
        (IN, "0.00", "0.00"),
        (IN, "2000.00", "10.00"),
        (IN, "3000.00", "15.00"),
        (IN, "3000.01", "30.00"),
        (IN, "5000.00", "50.00"),
        (IN, "5000.01", "75.00"),
        (IN, "10000.00", "150.00"),
        (IN, "10000.01", "200.00"),
        (IN, "12345.67", "246.91"),
        (RET, "5000.00", "25.00"),
        (RET, "5000.01", "50.00"),
        (DuesCategory.STUDENT, "0", "0.20"),
        (DuesCategory.UNEMPLOYED, "0", "0.20"),
        (DuesCategory.LOW_INCOME, "800", "0.20"),
    ],
)
@pytest.mark.django_db
def test_every_bracket_boundary_gives_the_regulation_amount(category, base, expected):
    amount = monthly_amount(category, Decimal(base))
    assert amount == Decimal(expected)
    assert amount.as_tuple().exponent == -2


@pytest.mark.django_db
def test_rule_rows_replace_the_defaults_for_their_category():
    DuesRule.objects.create(category=IN, up_to=Decimal("4000.00"), rate_percent=Decimal("0.5"))
    DuesRule.objects.create(category=IN, up_to=None, rate_percent=Decimal("1.0"))
    assert monthly_amount(IN, Decimal("4000.00")) == Decimal("20.00")
    assert monthly_amount(IN, Decimal("4000.01")) == Decimal("40.00")
    assert monthly_amount(RET, Decimal("5000.00")) == Decimal("25.00")  # other categories keep the defaults
