"""The assessment's services: every state change, one transaction each, keyword-only ``actor``,
audited. Split by concept; ``from assessment.services import x`` keeps working for every name."""

from .common import (  # noqa: F401
    ASSESSMENT_FIELDS,
    EDITABLE,
    EVIDENCE_FIELDS,
    RESULT_FIELDS,
    SYSTEM_FIELDS,
    _now,
    _require,
)
from .cycles import (  # noqa: F401
    DATE_FIELDS,
    WINDOW_FIELDS,
    _metric_values,
    _refresh_computed,
    check_windows,
    close_window,
    freeze_computed,
    open_cycle,
    recompute,
    recompute_diff,
    reschedule_cycle,
)
from .publication import (  # noqa: F401
    _final_score,
    _grade_assessment,
    _vetoed,
    apply_quota,
    decide_appeal,
    file_appeal,
    finalize_cycle,
    name_honor,
    publish_results,
    start_calibration,
)
from .review import (  # noqa: F401
    _reviewable,
    review_assessment,
    send_back,
)
from .self_assessment import (  # noqa: F401
    _editable_by_secretary,
    _sum,
    add_evidence,
    consistency_warnings,
    link_meetings,
    remove_evidence,
    save_self_assessment,
    submit_self_assessment,
)
from .systems import (  # noqa: F401
    INDICATOR_FIELDS,
    _check_indicator,
    _copy_system,
    _dimensions_snapshot,
    _grades_snapshot,
    _require_draft,
    _require_manager,
    add_indicator,
    copy_system_to_year,
    new_version,
    publish_system,
    remove_indicator,
    update_indicator,
    update_system,
)
