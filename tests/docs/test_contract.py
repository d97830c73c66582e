"""The contract and the settings live in the repository, next to the code that defines them."""

import re
from pathlib import Path

from django.conf import settings
from graphql import print_schema

from config.schema import schema

ROOT = Path(settings.BASE_DIR)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_docs_schema_graphql_is_the_schema_the_code_serves():
    exported = (ROOT / "docs" / "schema.graphql").read_text()

    assert exported.rstrip("\n") == print_schema(schema.graphql_schema).rstrip("\n"), (
        "docs/schema.graphql is out of date: run `make schema` and commit it"
    )


def test_the_readme_links_the_schema_and_no_doc_points_outside_the_repository():
    readme = (ROOT / "README.md").read_text()

    assert "(docs/schema.graphql)" in readme
    for doc in DOCS:
        assert "shared/spec" not in doc.read_text(), f"{doc.name} links shared/spec, not in the repo"


def test_every_relative_link_in_the_docs_exists():
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)", doc.read_text()):
            if "://" not in target and not target.startswith("mailto:"):
                assert (doc.parent / target).exists(), f"{doc.name} links {target}, which does not exist"
