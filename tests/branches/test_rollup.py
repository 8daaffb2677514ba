import random

from branches.models.tree import path_for
from branches.rollup import ancestors, subtree_sums


class Node:
    def __init__(self, pk, path):
        self.pk, self.path = pk, path


def test_ancestors_are_the_path_prefixes_at_each_level():
    assert ancestors("/00000001/00000007/00000042/") == [
        "/00000001/",
        "/00000001/00000007/",
        "/00000001/00000007/00000042/",
    ]
    assert ancestors("/") == []


def test_subtree_sums_equal_summing_every_path_that_starts_with_the_organisations():
    rng = random.Random(7)
    nodes = [Node(1, path_for(None, 1))]
    for pk in range(2, 400):
        parent = rng.choice(nodes)
        nodes.append(Node(pk, path_for(parent, pk)))
    # pk 10 and 100 share a digit prefix: a plain string prefix that is not a path segment must not count.
    values = {n.path: rng.choice([0, 1, 2, 5, 0.5]) for n in nodes if rng.random() < 0.7}
    expected = {n.pk: sum(v for p, v in values.items() if p.startswith(n.path)) for n in nodes}
    assert subtree_sums(values, nodes) == expected
    assert subtree_sums(list(values.items()), nodes[:3]) == {n.pk: expected[n.pk] for n in nodes[:3]}
    assert subtree_sums({}, nodes[:2]) == {nodes[0].pk: 0, nodes[1].pk: 0}
