"""The permission walk's registry.

Each app registers, in ``tests/samples/<app>.py``, a builder per scoped model::

    @sample(Meeting)
    def meeting(world):
        return make_meeting(world.branch_a1, title=MARK)   # str(obj) must contain MARK

The builder places the object inside ``world.branch_a1`` (or its subtree). The
walk test then visits every URL whose view is scoped (``scoped = True``: the
base mixins and viewsets set it) and checks the outsider (secretary of the
sibling branch) and the other unit's admin get 404 on details and never see the
object in lists, while the committee (above) can open it. A scoped URL whose
model has no sample fails the walk: new apps join by registering.

Options: ``insiders=("secretary",)`` personas that must open the detail (200);
``url_kwargs=lambda obj: {...}`` for URLs with kwargs other than ``pk``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

MARK = "SCOPEMARK"


@dataclass
class Sample:
    builder: Callable
    insiders: tuple = ("committee",)
    url_kwargs: Callable | None = None
    extra: dict = field(default_factory=dict)


SAMPLES: dict = {}


def sample(model, *, insiders=("committee",), url_kwargs=None):
    def register(builder):
        SAMPLES[model] = Sample(builder, tuple(insiders), url_kwargs)
        return builder

    return register
