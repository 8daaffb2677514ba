"""An organisation picker that opens the tree level by level.

Listing every organisation a committee may choose writes one checkbox per organisation: 1,100 at
``city`` (270 KB), 5,400 at ``province`` (1.2 MB), too much for a phone. The picker shows the roots
of the scope and their children; every other level is fetched when its parent is opened
(``children``). On a form shown again after an error, the branches that hold a chosen organisation
are open, so every ticked box is on the page. Each read is a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from .models import Organization
from .params import BadParameter, parse_id


@dataclass
class Node:
    org: Organization
    checked: bool
    has_children: bool
    # Loaded children, or None where they are fetched when the node is opened.
    children: list[Node] | None = field(default=None)


def _nodes(scope, where: Q, chosen: set[int]) -> list[Node]:
    rows = (
        scope.filter(where)
        .annotate(has_children=Exists(scope.filter(parent=OuterRef("pk"))))
        .with_labels()  # the unit's name for ``label``, as the form's own queryset carries it
        .order_by("path")
    )
    return [Node(org, org.pk in chosen, org.has_children) for org in rows]


def chosen_ids(values) -> set[int]:
    """The ids among a form's submitted values; anything else (text, out of range) is the form's to refuse."""
    ids = set()
    for value in values or ():
        try:
            ids.add(parse_id("targets", value))
        except BadParameter:
            continue
    return ids


def roots_of(scope, *, whole_tree: bool = False):
    """The scope's top organisations, as a queryset: those whose parent lies outside it. A scope over the whole
    tree (``querysets.covers_whole_tree``) has the single root (``org_single_root``): no anti-join needed."""
    if whole_tree:
        return scope.filter(parent__isnull=True)
    return scope.exclude(parent__in=scope.values("pk"))


def opened(roots, way) -> Q:
    """What a picker lists: the roots, their children, and the children of each organisation on ``way``."""
    return Q(pk__in=roots) | Q(parent_id__in=roots) | Q(parent_id__in=way)


def tree(scope, chosen=()) -> list[Node]:
    """The scope's roots with their children, and every level down to each chosen organisation."""
    chosen = chosen_ids(chosen)
    roots = set(roots_of(scope).values_list("pk", flat=True))
    way = set()
    for org in scope.filter(pk__in=chosen).only("path"):
        way.update(org.ancestor_ids())
    found = _nodes(scope, opened(roots, way), chosen)
    by_pk = {node.org.pk: node for node in found}
    top: list[Node] = []
    for node in found:
        if node.org.pk in roots or node.org.pk in way:
            node.children = []
        parent = by_pk.get(node.org.parent_id)
        if parent is not None and parent.children is not None and node.org.pk not in roots:
            parent.children.append(node)
        else:
            top.append(node)
    return top


def children(scope, parent: Organization) -> list[Node]:
    """One level: ``parent``'s children within the scope, each to be opened in turn."""
    return _nodes(scope, Q(parent=parent), set())
