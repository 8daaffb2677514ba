"""Training pages, by concept; ``training/urls.py`` routes to the names below."""

from .claims import (  # noqa: F401
    ClaimCreateView,
    ClaimDetailView,
    ClaimEvidenceView,
    ClaimListView,
)
from .classes import (  # noqa: F401
    ClassCreateView,
    ClassDetailView,
    ClassListView,
    LeaveView,
    LectureCreateView,
    LectureListView,
    SignInView,
)
from .common import (  # noqa: F401
    _apply_errors,
    _done_count,
    _int,
    _items_count,
    _overview_period,
    _year,
)
from .modules import (  # noqa: F401
    AssignView,
    ItemCreateView,
    ModuleCreateView,
    ModuleDetailView,
    ModuleListView,
    QuestionCreateView,
    _ModuleChildForm,
)
from .progress import (  # noqa: F401
    BranchMatrixView,
    CommitteeOverviewView,
    branch_matrix_data,
    matrix_members,
)
from .study import (  # noqa: F401
    MAX_CHUNK,
    RANGE_RE,
    AssignmentDetailView,
    ItemFileView,
    ItemView,
    MyStudyView,
    ranged_response,
)
