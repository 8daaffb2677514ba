import datetime
import io
from decimal import Decimal

from openpyxl import Workbook

from branches.models import Member, MemberCategory
from dues import bases
from dues.models import DuesCategory

SYSTEM_TODAY = datetime.date(2026, 7, 15)


def xlsx(header, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def member(world, name="张三", org=None, join=datetime.date(2020, 1, 10), category=MemberCategory.FULL):
    return Member.objects.create(organization=org or world.branch_a1, name=name, category=category, join_date=join)


def with_base(world, person, base="5000.00", month=datetime.date(2026, 1, 1), category=DuesCategory.IN_SERVICE):
    bases.record_base(
        actor=world.secretary, member=person, category=category, base=Decimal(base), effective_month=month
    )
    return person
