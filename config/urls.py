from django.contrib import admin
from django.urls import path

from config.graphql.view import TokenGraphQLView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql", TokenGraphQLView.as_view(graphiql=True), name="graphql"),
]
