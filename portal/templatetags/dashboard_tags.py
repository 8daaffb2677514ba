"""``{% heatmap_rows board %}``, ``{% ranking_rows board %}``: the dashboard tables (portal.dashboards.render)."""

from django import template

from ..dashboards import render

register = template.Library()
register.simple_tag(render.heatmap_rows, name="heatmap_rows")
register.simple_tag(render.ranking_rows, name="ranking_rows")
