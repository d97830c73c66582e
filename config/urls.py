from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from config import health, views
from config.graphql.view import TokenGraphQLView
from gateways.views import ingest_readings

admin.site.site_header = "Home energy admin"
admin.site.site_title = "Home energy admin"
# The app list is one click away (Home); at 1280 px the fleet list needs the width.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("graphql", TokenGraphQLView.as_view(graphiql=settings.GRAPHIQL), name="graphql"),
    path("ingest/readings", ingest_readings, name="ingest-readings"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler500 = "config.health.server_error"
