"""Excel exports of study progress (through the document layer)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from branches.documents import xlsx


def matrix_workbook(org, year, modules, rows):
    book = xlsx.Book()
    header = [_("Name"), *[m.title for m in modules], _("Study hours")]
    ws = book.sheet(str(year), header, title=f"{org.name} {year}", organization=org.name)
    state_labels = {
        "done": _("Done"),
        "open": pgettext("training", "In progress"),
        "overdue": _("Overdue"),
        "none": "—",
    }
    for r in rows:
        ws.append([r["member"].name, *[state_labels[s] for s in r["cells"]], float(r["hours"])])
    return book.response(f"study-matrix-{org.pk}-{year}.xlsx")


def overview_workbook(parent, year, rows):
    book = xlsx.Book()
    ws = book.sheet(
        str(year),
        [
            _("Party organisation"),
            _("Assignments due"),
            _("Completed"),
            _("Completion rate (%)"),
            _("Hours per member"),
        ],
        title=f"{parent.name if parent else ''} {year}",
        organization=parent.name if parent else "",
    )
    for r in rows:
        ws.append([r["org"].name, r["due"], r["done"], r["rate"], r["hours"]])
    return book.response(f"study-overview-{parent.pk if parent else 0}-{year}.xlsx")
