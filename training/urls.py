from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "training"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="training:my_study"), name="index"),
    path("my/", views.MyStudyView.as_view(), name="my_study"),
    path("a/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment_detail"),
    path("a/<int:pk>/items/<int:item>/", views.ItemView.as_view(), name="item"),
    path("a/<int:pk>/items/<int:item>/files/<int:file>/", views.ItemFileView.as_view(), name="item_file"),
    path("modules/", views.ModuleListView.as_view(), name="module_list"),
    path("modules/new/", views.ModuleCreateView.as_view(), name="module_create"),
    path("modules/<int:pk>/", views.ModuleDetailView.as_view(), name="module_detail"),
    path("modules/<int:pk>/items/new/", views.ItemCreateView.as_view(), name="item_create"),
    path(
        "modules/<int:pk>/items/<int:item>/questions/new/", views.QuestionCreateView.as_view(), name="question_create"
    ),
    path("modules/<int:pk>/assign/", views.AssignView.as_view(), name="assign"),
    path("orgs/<int:pk>/matrix/", views.BranchMatrixView.as_view(), name="branch_matrix"),
    path("overview/", views.CommitteeOverviewView.as_view(), name="committee_overview"),
    path("claims/", views.ClaimListView.as_view(), name="claim_list"),
    path("claims/new/", views.ClaimCreateView.as_view(), name="claim_create"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim_detail"),
    path("claims/<int:pk>/evidence/", views.ClaimEvidenceView.as_view(), name="claim_evidence"),
    path("classes/", views.ClassListView.as_view(), name="class_list"),
    path("classes/new/", views.ClassCreateView.as_view(), name="class_create"),
    path("classes/<int:pk>/", views.ClassDetailView.as_view(), name="class_detail"),
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sessions/<int:session>/leave/", views.LeaveView.as_view(), name="leave"),
    path("lectures/", views.LectureListView.as_view(), name="lecture_list"),
    path("lectures/new/", views.LectureCreateView.as_view(), name="lecture_create"),
]
