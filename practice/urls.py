from .pairing.urls import urlpatterns as pairing

app_name = "practice"

urlpatterns = [*pairing]
