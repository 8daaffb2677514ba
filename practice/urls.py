from .deeds.urls import urlpatterns as deeds
from .pairing.urls import urlpatterns as pairing
from .research.urls import urlpatterns as research
from .service.urls import urlpatterns as service
from .village.urls import urlpatterns as village

app_name = "practice"

urlpatterns = [*pairing, *service, *deeds, *research, *village]
