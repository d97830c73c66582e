from django.contrib import admin
from django.urls import path

from config import health
from config.graphql.view import TokenGraphQLView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql", TokenGraphQLView.as_view(graphiql=True), name="graphql"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler500 = "config.health.server_error"
