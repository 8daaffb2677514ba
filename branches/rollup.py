"""Sum values counted per organisation up the tree, by materialised path.

Apps count their rows grouped by the organisation's ``path`` in one query; ``subtree_sums``
then gives every requested organisation the total of its whole subtree. Each row is added to
its few ancestors (the tree is at most a handful of levels deep), so the cost grows with the
number of grouped rows, not with rows x organisations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping


def ancestors(path: str) -> list[str]:
    """``"/00000001/00000007/"`` -> ``["/00000001/", "/00000001/00000007/"]`` (itself included)."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def subtree_sums(values: Mapping[str, float] | Iterable[tuple[str, float]], orgs) -> dict:
    """``{path: value}`` (or ``(path, value)`` pairs) -> ``{org.pk: sum over the org's subtree}``."""
    pairs = values.items() if isinstance(values, Mapping) else values
    totals: dict[str, float] = defaultdict(int)
    for path, value in pairs:
        if path is None or not value:
            continue
        for prefix in ancestors(path):
            totals[prefix] += value
    return {org.pk: totals.get(org.path, 0) for org in orgs}
