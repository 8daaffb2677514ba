"""The assessment's pages, by concept; ``assessment/urls.py`` routes to the names below."""

from .assessments import (  # noqa: F401
    AppealCreateView,
    AssessmentDetailView,
    AssessmentExportView,
    AssessmentPrintView,
    EvidenceFileView,
    MeetingPickerView,
    ReviewView,
    SelfAssessmentView,
)
from .cycles import (  # noqa: F401
    AssessmentHomeView,
    CycleActionView,
    CycleCreateView,
    CycleDetailView,
    CycleExportView,
    CycleWindowsView,
)
from .documents import (  # noqa: F401
    ResultNoticeView,
)
from .systems import (  # noqa: F401
    IndicatorCreateView,
    IndicatorEditorView,
    IndicatorEditView,
    SystemDetailView,
    SystemListView,
    SystemSettingsView,
)
