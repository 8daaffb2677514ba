from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization_list"),
    path("<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
]

from . import views_register  # noqa: E402

urlpatterns += [
    path("new/", views_register.OrganizationCreateView.as_view(), name="organization_create"),
    path("<int:pk>/rename/", views_register.organization_rename, name="organization_rename"),
    path("<int:pk>/move/", views_register.organization_move, name="organization_move"),
    path("<int:pk>/terms/", views_register.TermListView.as_view(), name="term_list"),
    path("members/", views_register.MemberListView.as_view(), name="member_list"),
    path("members/new/", views_register.MemberCreateView.as_view(), name="member_create"),
    path("members/export/", views_register.MemberExportView.as_view(), name="member_export"),
    path("members/import/", views_register.MemberImportView.as_view(), name="member_import"),
    path("members/import/template/", views_register.import_template, name="member_import_template"),
    path("members/<int:pk>/", views_register.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", views_register.MemberUpdateView.as_view(), name="member_edit"),
    path("members/<int:pk>/unmask/", views_register.member_unmask, name="member_unmask"),
    path("members/<int:pk>/steps/", views_register.member_step, name="member_step"),
    path("members/<int:pk>/transfer/", views_register.member_transfer, name="member_transfer"),
    path("development/", views_register.DevelopmentView.as_view(), name="development"),
    path("transfers/", views_register.TransferListView.as_view(), name="transfer_list"),
    path("transfers/<int:pk>/", views_register.TransferDetailView.as_view(), name="transfer_detail"),
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
