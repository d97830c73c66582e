"""Every example in README.md and docs/*.md runs against a live server on `make seed`'s data.

The server is gunicorn on the test database, seeded as `make seed` seeds it (seven days of one-minute
ticks) but ending at SEEDED_UNTIL, so the answers are the same on every run; the examples compute
their dates from the home's last tick, so a reader's own `make seed` answers for their own last days.
What the examples create (sign-ups, devices) is dropped afterwards. See tests/docs/examples.py for
which blocks run and how their answers are compared. DOCS_REWRITE=1 (`make docs-outputs`) writes
the answers back into the docs instead of comparing them.
"""

import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings

from bench.mosquitto import mosquitto
from tests.docs.examples import (
    FENCE,
    TOLERANCE,
    Example,
    error_problems,
    examples,
    formatted,
    json_documents,
    shape_problems,
    value_problems,
    with_placeholders,
)
from tests.gateways.bridge import mqtt_bridge
from tests.hardening.servers import demo_data, gunicorn

pytestmark = [pytest.mark.django_db, pytest.mark.server]

ROOT = Path(settings.BASE_DIR)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TIMEOUT_S = 60
SEEDED_UNTIL = "2026-12-06T14:00:00+00:00"  # 15:00 in Berlin, 08:00 in Austin, 01:00 next day in Sydney
REWRITE = os.environ.get("DOCS_REWRITE") == "1"


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """gunicorn on the seeded data, with a private Mosquitto and the MQTT bridge for the gateway examples
    (their MQTT_HOST / MQTT_PORT point at it)."""
    previous = {name: os.environ.get(name) for name in ("MQTT_HOST", "MQTT_PORT")}
    with (
        mosquitto() as broker,
        demo_data(django_db_blocker, "--until", SEEDED_UNTIL),
        gunicorn(**broker.environment()) as server,
        mqtt_bridge(broker),
    ):
        os.environ.update({"MQTT_HOST": broker.host, "MQTT_PORT": str(broker.port)})
        try:
            yield f"http://127.0.0.1:{server.port}"
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def run(example: Example, site: str, variables: dict[str, str], scratch: Path) -> tuple[str, dict[str, str]]:
    """Run one example as a reader would (bash or python3), with the variables earlier ones set."""
    code = example.for_site(site)
    if example.language == "python":
        command = ["python3", "-c", code]
    else:
        saved = scratch / "variables"
        dump = (
            f'for v in {" ".join(example.assigned)}; do printf "%s=%s\\0" "$v" "${{!v-}}"; done > "{saved}"'
        )
        command = ["bash", "-c", f"set -euo pipefail\n{code}\n{dump if example.assigned else ''}"]
    done = subprocess.run(
        command,
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=scratch,
    )
    assert done.returncode == 0, (
        f"{example} exited {done.returncode}: {done.stderr[-2000:]}{done.stdout[-1000:]}"
    )
    if example.language != "python" and example.assigned:
        pairs = (saved.read_text().split("\0"))[:-1]
        variables = {**variables, **dict(pair.split("=", 1) for pair in pairs)}
    return done.stdout, variables


def problems(example: Example, output: str) -> list[str]:
    answers = json_documents(output)
    if example.expected is None:
        return [f"{example}: {problem}" for answer in answers for problem in error_problems(answer)]
    if not answers:
        return [f"{example}: printed no JSON, the doc shows an answer: {output[-500:]!r}"]
    compare = shape_problems if example.shape_only else value_problems
    return [f"{example}: {problem}" for problem in compare(example.expected, answers[-1])]


def rewritten(doc: Path, answers: list[tuple[Example, object]]) -> str:
    """The doc with each example's answer replaced by what it printed now."""
    text = doc.read_text()
    for example, answer in sorted(answers, key=lambda pair: pair[0].answer_span or (0, 0), reverse=True):
        if example.answer_span is None:
            continue
        start, end = example.answer_span
        one_line = text[start - 1] != "\n"  # a `# {...}` comment in the example itself
        shown = formatted(with_placeholders(example.expected, answer), one_line)
        text = text[:start] + (f" {shown}" if one_line else f"{shown}\n") + text[end:]
    return text


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_example_runs_and_answers_as_the_doc_shows(site, doc, tmp_path):
    variables = {"URL": f"{site}/graphql"}
    found, answers = [], []
    for example in examples(doc):
        output, variables = run(example, site, variables, tmp_path)
        found += problems(example, output)
        printed = json_documents(output)
        if printed:
            answers.append((example, printed[-1]))
    if REWRITE:
        doc.write_text(rewritten(doc, answers))
        return

    assert found == [], f"numbers within {TOLERANCE}; after a deliberate change run: make docs-outputs"


def test_every_block_that_calls_the_api_is_an_example():
    """A curl in a block the runner does not pick up (unlabelled fence, other language) fails here."""
    for doc in DOCS:
        text = doc.read_text()
        runnable = {example.line for example in examples(doc)}
        for block in FENCE.finditer(text):
            line = text.count("\n", 0, block.start()) + 1
            if "curl " in block.group(3) and "no-run" not in block.group(2):
                assert line in runnable, f"{doc.name}:{line} calls the API but does not run in a test"


def test_the_docs_name_the_seed_their_answers_come_from():
    """The seed's end is stated where answers are shown, so a reader knows why theirs differ."""
    end = datetime.fromisoformat(SEEDED_UNTIL)
    stated = f"{end.day} {end:%B %Y}, {end:%H:%M} UTC"
    for doc in (ROOT / "README.md", ROOT / "docs" / "reporting-examples.md"):
        assert stated in " ".join(doc.read_text().split()), f"{doc.name} should say: {stated}"


def test_the_readme_shows_the_main_calls():
    shown = " ".join(example.code for example in examples(ROOT / "README.md"))

    for call in ("signUp", "tokenAuth", "registerDevice", "energySummary", "energyHistory"):
        assert call in shown, call
