from django.urls import path

from .views import arrears, bases, collection, payments, statements

app_name = "dues"

urlpatterns = [
    path("", collection.HomeView.as_view(), name="home"),
    path("mine/", collection.MineView.as_view(), name="mine"),
    path("collection/", collection.CollectionView.as_view(), name="collection"),
    path("payments/", payments.PaymentListView.as_view(), name="payment_list"),
    path("payments/new/", payments.PaymentCreateView.as_view(), name="payment_new"),
    path("payments/payroll/", payments.PayrollImportView.as_view(), name="payroll_import"),
    path("payments/<int:pk>/", payments.PaymentDetailView.as_view(), name="payment_detail"),
    path("bases/", bases.BaseListView.as_view(), name="base_list"),
    path("bases/new/", bases.BaseCreateView.as_view(), name="base_new"),
    path("bases/import/", bases.BaseImportView.as_view(), name="base_import"),
    path("reductions/", bases.ReductionListView.as_view(), name="reduction_list"),
    path("reductions/new/", bases.ReductionCreateView.as_view(), name="reduction_new"),
    path("reductions/<int:pk>/", bases.ReductionDetailView.as_view(), name="reduction_detail"),
    path("statements/", statements.StatementListView.as_view(), name="statement_list"),
    path("statements/<int:pk>/", statements.StatementDetailView.as_view(), name="statement_detail"),
    path("arrears/", arrears.ArrearsListView.as_view(), name="arrears"),
    path("arrears/member/<int:pk>/", arrears.ArrearsMemberView.as_view(), name="arrears_member"),
]
