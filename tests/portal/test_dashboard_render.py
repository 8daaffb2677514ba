"""The dashboard's large tables, rendered in Python, give the markup the template loops gave."""

import re

from django.template import Context, Template

from branches.models import Organization
from branches.periods import period_containing
from portal.dashboards import render
from portal.dashboards.figures import Dashboard, Figure

# The loops as the template had them before portal.dashboards.render took them over.
HEATMAP = """{% load i18n %}{% for row in board.heatmap %}
      <tr><th scope="row"><a href="{% url 'dashboards:org' row.org.pk %}?period={{ board.period.key }}">{{ row.org.label }}</a></th>
      {% for cell in row.cells %}{% if cell.value is None %}<td class="heat heat-none" title="{{ cell.label }}: {% translate 'no data' %}">—</td>{% else %}<td class="heat heat-{{ cell.heat }}"><a href="{{ cell.url|default:'#' }}"{% if cell.heat == "low" %} data-testid="heat-cell-low"{% endif %} title="{{ row.org.label }} {{ cell.label }}: {{ cell.display }}{{ cell.unit }}" data-value="{{ cell.value }}">{{ cell.display }}</a></td>{% endif %}{% endfor %}</tr>
    {% endfor %}"""  # noqa: E501
RANKING = """{% for row in board.ranking %}
      <tr><td>{{ forloop.counter }}</td>
        <th scope="row"><a href="{% url 'dashboards:org' row.org.pk %}?period={{ board.period.key }}" data-testid="drill-org">{{ row.org.label }}</a></th>
        {% for f in row.figures %}<td class="text-end">{% if f.url and f.value is not None %}<a href="{{ f.url }}" data-figure="{{ f.name }}" data-value="{{ f.value }}">{{ f.display }}</a>{% else %}{{ f.display }}{% endif %}</td>{% endfor %}
      </tr>
    {% endfor %}"""  # noqa: E501


def normal(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def board():
    period = period_containing("quarter", __import__("datetime").date(2026, 11, 15))
    orgs = [Organization(pk=7, name="甲局机关党委"), Organization(pk=12, name='乙局 <"A&B"> 党委')]
    months = [period_containing("month", __import__("datetime").date(2026, m, 1)) for m in (10, 11, 12)]

    def cells(values):
        return [
            Figure("meetings.compliance_rate", m.label, "%", v, f"/meetings/?org=7&period={m.key}" if v else "")
            for m, v in zip(months, values, strict=True)
        ]

    figures = [
        Figure("members.count", "党员", "人", 1234, "/members/?org=7&x=<1>"),
        Figure("meetings.compliance_rate", "规范率", "%", 87.5, ""),
        Figure("dues.collection_rate", "收缴率", "%", None, "/dues/"),
        Figure("training.hours", "学时", "学时", 0.25, "/training/?a=1&b=2"),
    ]
    b = Dashboard(org=orgs[0], period=period, children=orgs)
    b.heatmap = [{"org": orgs[0], "cells": cells([55.0, None, 100])}, {"org": orgs[1], "cells": cells([90, 60.04, 0])}]
    b.ranking = [{"org": o, "figures": figures, "rank_value": 1} for o in orgs]
    return b


def test_the_heatmap_and_ranking_rows_are_the_templates_markup():
    b = board()
    context = Context({"board": b})
    assert normal(render.heatmap_rows(b)) == normal(Template(HEATMAP).render(context))
    assert normal(render.ranking_rows(b)) == normal(Template(RANKING).render(context))
    assert "&lt;&quot;A&amp;B&quot;&gt;" in render.heatmap_rows(b)  # names are escaped
    assert 'data-testid="heat-cell-low"' in render.heatmap_rows(b)


def test_each_value_is_formatted_as_itself_though_equal_values_share_a_memo():
    from django.utils.formats import localize

    esc, number = render._formatters()
    values = [0.0, -0.0, 0, 1, 1.0, True, "1", 60.04]
    assert [number(v) for v in values] == [localize(v) for v in values]
    assert [number(v) for v in reversed(values)] == [localize(v) for v in reversed(values)]  # memo hits
    assert esc('<"A&B">') == "&lt;&quot;A&amp;B&quot;&gt;"
