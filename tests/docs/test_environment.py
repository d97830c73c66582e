"""Every variable the code reads is in docs/operations.md's Environment table, and nothing else is.

The code is searched as text, so a new read shows up here without anyone listing it: Python's
`env("X")` / `env.int("X")` (django-environ) and `os.environ[...]` / `.get` / `.setdefault` /
`os.getenv`, and `${X:-default}` in shell scripts, the Procfile, the Dockerfile and docker-compose.yml.
"""

import re
import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NAME = r"([A-Z][A-Z0-9_]*)"
PYTHON_READS = [
    re.compile(rf"\benv(?:\.\w+)?\(\s*[\"']{NAME}[\"']"),
    re.compile(rf"\bos\.environ(?:\.get|\.setdefault)?\(\s*[\"']{NAME}[\"']"),
    re.compile(rf"\bos\.environ\[\s*[\"']{NAME}[\"']\s*\](?!\s*=[^=])"),
    re.compile(rf"\bos\.getenv\(\s*[\"']{NAME}[\"']"),
]
SHELL_READS = [re.compile(rf"\$\{{{NAME}:?[-=?+]")]
SHELL_FILES = ("*.sh", "Procfile", "Dockerfile", "docker-compose.yml")


def _tracked(*patterns: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--", *patterns], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in listed if not name.startswith(("tests/", ".ci/"))]


def variables_read_by_the_code() -> dict[str, str]:
    """Variable -> the first file reading it."""
    found: dict[str, str] = {}
    for patterns, files in ((PYTHON_READS, _tracked("*.py")), (SHELL_READS, _tracked(*SHELL_FILES))):
        for path in files:
            text = path.read_text()
            for pattern in patterns:
                for name in pattern.findall(text):
                    found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def variables_in_the_table() -> set[str]:
    operations = (ROOT / "docs" / "operations.md").read_text()
    section = operations.split("\n## Environment\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(rf"`{NAME}`", row)}


def test_the_search_finds_the_reads_it_should():
    read = variables_read_by_the_code()

    assert read["DATABASE_URL"] == "config/settings/base.py"
    assert {"WEB_PORT", "WEB_CONCURRENCY", "BENCH_DATABASE_URL", "DJANGO_SETTINGS_MODULE"} <= set(read)


def test_every_variable_the_code_reads_is_in_the_table():
    missing = {name: where for name, where in variables_read_by_the_code().items()}
    for name in variables_in_the_table():
        missing.pop(name, None)

    assert missing == {}, "add these to docs/operations.md's Environment table (and .env.example)"


def test_the_table_lists_only_variables_the_code_reads():
    assert variables_in_the_table() - set(variables_read_by_the_code()) == set()


def test_env_example_lists_every_variable_the_code_reads():
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(rf"^# ?{NAME}=", example, flags=re.MULTILINE))

    assert set(variables_read_by_the_code()) - listed == set()
