"""An indicator's scoring parameters (``Indicator.config``): the rules they must follow, as sentences.

The editor (``forms.IndicatorEditor``) builds ``config`` from rows; the services check it here before
saving, so a crafted request cannot store what the form would refuse. The structure is exactly the one
``scoring.py`` reads (see ``Indicator``'s docstring); veto keeps its condition text in ``condition``,
which scoring does not read. Checklists and bonuses are capped at the indicator's max score.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from branches import metric_registry

from .models import Method

PERCENT_UNITS = {"%"}


def number(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return d if d.is_finite() else None


def as_json_number(value: Decimal):
    """Points as JSON numbers: 8 rather than 8.0, 7.5 as is."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def fmt(value) -> str:
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())


def points_problem(points, max_score) -> str | None:
    """A level's or a row's points: from 0 to the max score."""
    p = number(points)
    if p is None:
        return _("Enter the points as a number.")
    if p < 0:
        return _("Points cannot be negative.")
    if max_score is not None and p > max_score:
        return _("%(points)s points is more than the max score of %(max)s.") % {
            "points": fmt(p),
            "max": fmt(max_score),
        }
    return None


def levels_problems(levels, max_score) -> list[str]:
    out = []
    if len(levels) < 2:
        out.append(_("A scale needs at least two levels."))
    names = [str(lv.get("name", "")).strip() for lv in levels]
    if any(not n for n in names):
        out.append(_("Every level needs a name."))
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        out.append(_("Each level needs its own name: %(names)s appears twice.") % {"names": "、".join(dupes)})
    for lv in levels:
        problem = points_problem(lv.get("points"), max_score)
        if problem:
            out.append(f"{lv.get('name') or '—'}: {problem}")
    points = [number(lv.get("points")) for lv in levels]
    if max_score and levels and all(p is not None for p in points) and max(points) < max_score:
        out.append(_("No level gives full marks (%(max)s points).") % {"max": fmt(max_score)})
    return out


def items_problems(items, per_item, max_score) -> list[str]:
    out = []
    names = [str(i).strip() for i in items]
    if not names:
        out.append(_("A checklist needs at least one item."))
    if any(not n for n in names):
        out.append(_("Every checklist item needs a text."))
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        out.append(_("Each checklist item must differ: %(names)s appears twice.") % {"names": "、".join(dupes)})
    out.extend(per_unit_problems(per_item, max_score))
    p = number(per_item)
    if p and p > 0 and max_score and names and p * len(names) < max_score:
        out.append(
            _("Ticking all %(n)s items gives %(total)s points, less than the max score of %(max)s.")
            % {"n": len(names), "total": fmt(p * len(names)), "max": fmt(max_score)}
        )
    return out


def per_unit_problems(value, max_score) -> list[str]:
    """Points per item / per occurrence: more than 0, at most the max score (the cap)."""
    p = number(value)
    if p is None:
        return [_("Enter the points as a number.")]
    if p <= 0:
        return [_("The points must be more than 0.")]
    if max_score is not None and p > max_score:
        return [
            _("%(points)s points is more than the cap: the max score of %(max)s.")
            % {"points": fmt(p), "max": fmt(max_score)}
        ]
    return []


def _bound(value, default):
    n = number(value)
    return default if n is None else n


def table_problems(table, max_score, *, unit: str = "") -> list[str]:
    """Rows ``{"min", "max", "points"}``: bounds inclusive, rows read top to bottom (the first match counts).

    Ranges may touch (95–100 and 85–95: 95 counts in the row listed first) but not overlap, and leave no gap
    between them; below the lowest or above the highest range a value earns 0 points.
    """
    out = []
    if not table:
        return [_("Give at least one row of the points table.")]
    lo_inf, hi_inf = Decimal("-Infinity"), Decimal("Infinity")
    spans = []
    for i, row in enumerate(table, start=1):
        lo, hi = number(row.get("min")), number(row.get("max"))
        if row.get("min") not in (None, "") and lo is None or row.get("max") not in (None, "") and hi is None:
            out.append(_("Row %(n)s: the range must be numbers.") % {"n": i})
            continue
        if lo is None and hi is None:
            out.append(_("Row %(n)s: give where the range starts, ends, or both.") % {"n": i})
            continue
        if lo is not None and hi is not None and lo > hi:
            out.append(
                _("Row %(n)s: the range starts at %(lo)s, after its end %(hi)s.")
                % {"n": i, "lo": fmt(lo), "hi": fmt(hi)}
            )
            continue
        if unit in PERCENT_UNITS and any(b is not None and not (0 <= b <= 100) for b in (lo, hi)):
            out.append(_("Row %(n)s: a percentage lies between 0 and 100.") % {"n": i})
            continue
        problem = points_problem(row.get("points"), max_score)
        if problem:
            out.append(_("Row %(n)s: %(problem)s") % {"n": i, "problem": problem})
        spans.append((_bound(lo, lo_inf), _bound(hi, hi_inf)))
    spans.sort()
    covered = None  # (start, end) of the ranges read so far, merged
    for lo, hi in spans:
        if covered is not None:
            if lo < covered[1]:
                out.append(_("The ranges %(a)s and %(b)s overlap.") % {"a": _span(*covered), "b": _span(lo, hi)})
            elif lo > covered[1]:
                out.append(
                    _("No row covers the values between %(a)s and %(b)s.") % {"a": fmt(covered[1]), "b": fmt(lo)}
                )
        if covered is None or hi > covered[1]:
            covered = (lo, hi)
    points = [number(r.get("points")) for r in table]
    if max_score and all(p is not None for p in points) and max(points) < max_score:
        out.append(_("No row gives full marks (%(max)s points).") % {"max": fmt(max_score)})
    return out


def _span(lo, hi) -> str:
    left = "" if lo.is_infinite() else fmt(lo)
    right = "" if hi.is_infinite() else fmt(hi)
    return f"{left}–{right}"


def metric_problem(name) -> str | None:
    """Only that a metric is named: a metric not provided yet (an app still to come) is allowed and shows as
    "data not available" until it is; the editor offers the registered ones."""
    if not name or not str(name).strip():
        return _("Choose the metric the points are computed from.")
    return None


def metric_unit(name) -> str:
    metric = metric_registry.available().get(name)
    return metric.unit if metric else ""


def grade_problems(rows, total_max) -> list[str]:
    """``rows``: [{"label", "min_score"}] top grade first; the last one's blank minimum means 0."""
    out = []
    if len(rows) < 2:
        return [_("Give at least two grades.")]
    labels = [r["label"] for r in rows]
    if any(not label for label in labels):
        out.append(_("Every grade needs a name."))
    dupes = sorted({x for x in labels if x and labels.count(x) > 1})
    if dupes:
        out.append(_("Each grade needs its own name: %(names)s appears twice.") % {"names": "、".join(dupes)})
    scores = [r["min_score"] for r in rows]
    if any(s is None for s in scores[:-1]):
        out.append(_("Give the minimum total of every grade except the last."))
        return out
    if scores[-1] not in (None, 0):
        out.append(_("The last grade takes every lower total: leave its minimum empty or 0."))
    scores = [*scores[:-1], Decimal("0")]
    if any(s < 0 for s in scores):
        out.append(_("A minimum total cannot be negative."))
    if any(a <= b for a, b in zip(scores, scores[1:], strict=False)):
        out.append(_("List the grades from the top down, each with a lower minimum than the one above."))
    if total_max is not None and scores[0] > total_max:
        out.append(
            _("%(label)s needs %(score)s, more than the highest possible total of %(max)s.")
            % {"label": rows[0]["label"], "score": fmt(scores[0]), "max": fmt(total_max)}
        )
    return out


def problems(method: str, config, max_score) -> list[str]:
    """Everything wrong with ``config`` for ``method`` and ``max_score``, as sentences; [] when it is right."""
    if not isinstance(config, dict):
        return [_("The method parameters must be a JSON object.")]
    max_score = number(max_score)
    out = []
    if method == Method.VETO:
        if max_score:
            out.append(_("A one-vote veto carries no points: its max score is 0."))
        if not str(config.get("condition", "")).strip():
            out.append(_("Describe the situation that triggers the veto."))
        return out
    if method not in Method.values:
        return [_("Unknown scoring method.")]
    if not max_score or max_score <= 0:
        out.append(_("Give the indicator a max score above 0."))
        max_score = None
    if method == Method.SCALE:
        levels = config.get("levels")
        if not isinstance(levels, list) or not all(isinstance(lv, dict) for lv in levels):
            return [*out, _("A scale needs at least two levels.")]
        out.extend(levels_problems(levels, max_score))
    elif method == Method.CHECKLIST:
        items = config.get("items")
        if not isinstance(items, list):
            items = []
        out.extend(items_problems(items, config.get("points_per_item"), max_score))
    elif method == Method.DEDUCTION:
        out.extend(per_unit_problems(config.get("per_occurrence"), max_score))
    elif method == Method.BONUS:
        out.extend(per_unit_problems(config.get("per_item"), max_score))
    elif method == Method.COMPUTED:
        name = config.get("metric")
        problem = metric_problem(name)
        if problem:
            out.append(problem)
        table = config.get("table")
        if not isinstance(table, list) or not all(isinstance(r, dict) for r in table):
            table = []
        out.extend(table_problems(table, max_score, unit=metric_unit(name)))
    return out
