"""Every state change of supervision: tasks, reports, findings, rectifications, extensions, cards.

Each service is one transaction, takes a keyword-only ``actor``, checks the
state machine and the actor's scope, writes the audit record and queues
notifications after commit. Split by concept; everything is re-exported here so
``from supervision import services; services.accept_plan(...)`` keeps working.
"""

from .cards import (  # noqa: F401
    _issue,
    card_recipients,
    revoke_card,
    sweep_cards,
)
from .clock import clock_changes, settle_clocks  # noqa: F401
from .common import (  # noqa: F401
    _attach,
    _notify,
    _now,
    _require,
    has_inspect_scope,
    responsible_user_ids,
)
from .configuration import may_configure, update_settings  # noqa: F401
from .findings import (  # noqa: F401
    record_finding,
    repeat_candidate,
    spawn_self_inspection,
)
from .rectifications import (  # noqa: F401
    _check_owner_person,
    _clear_cards,
    _locked_rect,
    _require_inspector,
    _require_owner,
    _transition,
    accept_plan,
    create_rectification,
    decide_extension,
    propose_plan,
    recheck,
    report_progress,
    request_extension,
    submit_for_recheck,
)
from .tasks import (  # noqa: F401
    acknowledge,
    close_task,
    create_task,
    creation_scope,
    issue_task,
    may_create_tasks,
    may_run_task,
    review_stage_report,
    submit_stage_report,
)
