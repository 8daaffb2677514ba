from django.urls import include, path

from . import views

app_name = "notices"

urlpatterns = [
    path("collection/", include("notices.collection.urls")),
    path("plans/", include("notices.plans.urls")),
    path("", views.NoticeInboxView.as_view(), name="notice_inbox"),
    path("sent/", views.NoticeSentListView.as_view(), name="notice_sent"),
    path("receipts/", views.ReceiptListView.as_view(), name="receipt_list"),
    path("new/", views.NoticeCreateView.as_view(), name="notice_create"),
    path("<int:pk>/", views.NoticeDetailView.as_view(), name="notice_detail"),
    path("<int:pk>/stats/", views.NoticeStatsView.as_view(), name="notice_stats"),
    path("<int:pk>/sign/", views.SignView.as_view(), name="notice_sign"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="notice_publish"),
    path("<int:pk>/remind/", views.RemindView.as_view(), name="notice_remind"),
    path("<int:pk>/withdraw/", views.WithdrawView.as_view(), name="notice_withdraw"),
    path("<int:pk>/correct/", views.CorrectView.as_view(), name="notice_correct"),
    path("<int:pk>/upload/", views.UploadView.as_view(), name="notice_upload"),
    path("<int:pk>/files/<int:file_id>/", views.FileView.as_view(), name="notice_file"),
]
