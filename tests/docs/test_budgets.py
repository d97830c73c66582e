"""The write-up and README stay brief, the docs pages stay one page, and nothing cites tracker numbers.

Words are counted as `wc -w` counts them, code blocks included: what a reader scrolls through.
"""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BUDGETS = {"WRITEUP.md": 1_500, "README.md": 1_200}
PAGE_BUDGET = 2_500
TRACKER_REFERENCE = re.compile(r"\bissues?\s*#?\s*\d+", re.IGNORECASE)


def words(path: Path) -> int:
    return len(path.read_text().split())


@pytest.mark.parametrize("name", BUDGETS)
def test_the_document_keeps_its_word_budget(name):
    assert words(ROOT / name) <= BUDGETS[name]


@pytest.mark.parametrize("page", sorted((ROOT / "docs").glob("*.md")), ids=lambda page: page.name)
def test_a_docs_page_is_one_a_reader_can_finish(page):
    assert words(page) <= PAGE_BUDGET


def test_no_document_or_comment_cites_an_issue_number():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    found = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".html", ".txt", ".toml", ".yml", ".sh", ""}:
            continue
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if TRACKER_REFERENCE.search(line):
                found.append(f"{name}:{number}: {line.strip()[:120]}")

    assert found == [], "say what the reference meant instead:\n" + "\n".join(found)
