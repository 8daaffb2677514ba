from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization_list"),
    path("<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
]

from .register import views as register_views  # noqa: E402

urlpatterns += [
    path("new/", register_views.OrganizationCreateView.as_view(), name="organization_create"),
    path("<int:pk>/rename/", register_views.organization_rename, name="organization_rename"),
    path("<int:pk>/move/", register_views.organization_move, name="organization_move"),
    path("<int:pk>/terms/", register_views.TermListView.as_view(), name="term_list"),
    path("members/", register_views.MemberListView.as_view(), name="member_list"),
    path("members/new/", register_views.MemberCreateView.as_view(), name="member_create"),
    path("members/export/", register_views.MemberExportView.as_view(), name="member_export"),
    path("members/import/", register_views.MemberImportView.as_view(), name="member_import"),
    path("members/import/template/", register_views.import_template, name="member_import_template"),
    path("members/<int:pk>/", register_views.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", register_views.MemberUpdateView.as_view(), name="member_edit"),
    path("members/<int:pk>/unmask/", register_views.member_unmask, name="member_unmask"),
    path("members/<int:pk>/steps/", register_views.member_step, name="member_step"),
    path("members/<int:pk>/transfer/", register_views.MemberTransferView.as_view(), name="member_transfer"),
    path("development/", register_views.DevelopmentView.as_view(), name="development"),
    path("transfers/", register_views.TransferListView.as_view(), name="transfer_list"),
    path("transfers/<int:pk>/", register_views.TransferDetailView.as_view(), name="transfer_detail"),
]

from .documents import views as document_views  # noqa: E402

urlpatterns += [
    path("transfers/<int:pk>/letter.docx", document_views.TransferLetterView.as_view(), name="transfer_letter"),
    path(
        "transfers/<int:pk>/letter.pdf",
        document_views.TransferLetterView.as_view(fmt="pdf"),
        name="transfer_letter_pdf",
    ),
    path("members/<int:pk>/public-notice.docx", document_views.PublicNoticeView.as_view(), name="public_notice"),
    path(
        "members/<int:pk>/public-notice.pdf",
        document_views.PublicNoticeView.as_view(fmt="pdf"),
        name="public_notice_pdf",
    ),
    path(
        "documents/<slug:kind>/<str:ref>/number/", document_views.NumberDocumentView.as_view(), name="document_number"
    ),
]
