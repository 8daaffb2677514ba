"""Training services: every state change, one transaction each, keyword-only ``actor``, audited.
Split by concept; ``from training.services import x`` keeps working for every name."""

from .assignments import (  # noqa: F401
    _materialise,
    _sweep_one,
    assign_module,
    audience_members,
    sweep_assignments,
)
from .classes import (  # noqa: F401
    _enrolled_member,
    add_session,
    close_session,
    create_class,
    create_class_for,
    record_lecture,
    request_leave,
    sign_in,
    sign_in_with_code,
)
from .common import (  # noqa: F401
    LEADER_ROLES,
    _is_system,
    _now,
    _own_member,
    _require,
    member_of,
)
from .ledger import (  # noqa: F401
    hours_in_year,
    is_leader,
    leaders_q,
    reverse_entry,
    review_claim,
    submit_claim,
    target_hours,
)
from .modules import (  # noqa: F401
    ITEM_FIELDS,
    add_item,
    add_item_with_file,
    add_question,
    create_module,
)
from .progress import (  # noqa: F401
    _complete_item,
    _credit,
    _credit_daily,
    _progress_for,
    _rule_met,
    _rule_text,
    heartbeat,
    visible_progress_filter,
)
from .quizzes import (  # noqa: F401
    QUIZ_GRACE_SECONDS,
    start_attempt,
    submit_attempt,
)
