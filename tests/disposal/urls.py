"""The project's URLs with the disposal pages where the lead includes them."""

from django.urls import include, path

from torget.urls import urlpatterns as project

urlpatterns = [path("arkiv/gallring/", include("torget.disposal.urls")), *project]
