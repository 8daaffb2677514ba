"""Pages: fetch the scoped object, call one service, pick the response. Split by concept, re-exported here."""

from .cards import (  # noqa: F401
    AttachmentView,
    BoardView,
    BulletinView,
    CardDetailView,
    CardListView,
    CardRevokeView,
)
from .common import (  # noqa: F401
    PermissionRequiredMixin,
    _error_text,
)
from .configuration import SettingsView  # noqa: F401
from .findings import (  # noqa: F401
    FindingDetailView,
    FindingListView,
    RectificationCreateView,
)
from .rectifications import (  # noqa: F401
    ExtensionDecideView,
    ProgressQuery,
    RectificationActionView,
    RectificationDetailView,
    RectificationListView,
    _day_param,
    _org_param,
    _period_param,
    annotate_overdue,
)
from .tasks import (  # noqa: F401
    FindingCreateView,
    ReportReviewView,
    StageReportView,
    TargetAcknowledgeView,
    TargetChildrenView,
    TargetDetailView,
    TaskActionView,
    TaskCreateView,
    TaskDetailView,
    TaskListView,
)
