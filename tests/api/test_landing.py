"""`/` tells a new user where to go, and every place it names answers."""

import re

from django.test import Client


def test_the_landing_page_links_graphiql_the_admin_and_the_health_endpoints(db):
    client = Client()
    page = client.get("/").content.decode()
    links = set(re.findall(r'href="(/[^"]*)"', page))

    assert {"/graphql", "/admin/", "/healthz", "/readyz"} <= links
    assert client.get("/admin/", follow=True).status_code == 200  # the login page
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.post("/graphql", {"query": "{ __typename }"}, content_type="application/json").json() == {
        "data": {"__typename": "Query"}
    }


def test_the_landing_page_refuses_writes(db):
    assert Client().post("/").status_code == 405
