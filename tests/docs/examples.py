"""The runnable examples in README.md and docs/*.md, and what their answers must look like.

An example is a fenced block in `bash`, `sh`, `shell` or `python` that talks to the API: it mentions
`$URL` / `URL` or `localhost:<port>`. Blocks that do not (`make run`, ...) are prose. A block whose
info string says `no-run` (```bash no-run) is skipped on purpose.

A doc's examples run in order, in one shell session's worth of variables: `URL=...`, `TOKEN=$(...)`
assigned at the start of a line carry on to the next block, as when a reader pastes them into one
terminal. `http://localhost:<port>` is replaced by the live server's address.

The expected answer is the ```json block right after the example (nothing but blank lines between),
or else a last line `# {...}` in the example itself. The last JSON the example printed must have its
shape: the same keys at every level, lists empty where the doc's are, each list element shaped like
one of the doc's, and JSON types equal (null matches anything). Without an expected answer, nothing
it printed may carry `errors`, at the top or in a payload.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

RUNNABLE = {"bash", "sh", "shell", "python"}
FENCE = re.compile(r"^```([\w-]*)([^\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
TALKS_TO_API = re.compile(r"\$\{?URL\b|\bURL\s*=|localhost:\d+")
LOCAL_SITE = re.compile(r"http://localhost:\d+")
ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=", re.MULTILINE)


@dataclass(frozen=True)
class Example:
    doc: Path
    line: int
    language: str
    code: str
    expected: object | None

    def __str__(self) -> str:
        return f"{self.doc.name}:{self.line}"

    def for_site(self, site: str) -> str:
        return LOCAL_SITE.sub(site, self.code)

    @property
    def assigned(self) -> list[str]:
        return sorted(set(ASSIGNMENT.findall(self.code))) if self.language != "python" else []


def examples(doc: Path) -> list[Example]:
    text = doc.read_text()
    blocks = list(FENCE.finditer(text))
    found = []
    for index, block in enumerate(blocks):
        language, info, code = block.group(1), block.group(2), block.group(3)
        if language not in RUNNABLE or "no-run" in info or not TALKS_TO_API.search(code):
            continue
        found.append(
            Example(
                doc=doc,
                line=text.count("\n", 0, block.start()) + 1,
                language=language,
                code=code,
                expected=_expected(text, block, blocks[index + 1] if index + 1 < len(blocks) else None),
            )
        )
    return found


def _expected(text: str, block: re.Match, following: re.Match | None):
    if (
        following is not None
        and following.group(1) == "json"
        and not text[block.end() : following.start()].strip()
    ):
        return json.loads(following.group(3))
    lines = [line.strip() for line in block.group(3).splitlines() if line.strip()]
    if lines and re.match(r"#\s*[{\[]", lines[-1]):
        return json.loads(lines[-1].lstrip("#").strip())
    return None


def json_documents(output: str) -> list:
    """Every JSON value printed, one after another (curl -s prints no newline between answers)."""
    decoder = json.JSONDecoder()
    documents, position = [], 0
    while position < len(output):
        if output[position].isspace():
            position += 1
            continue
        try:
            document, position = decoder.raw_decode(output, position)
        except json.JSONDecodeError:
            position = output.find("\n", position) + 1 or len(output)
            continue
        documents.append(document)
    return documents


def shape_problems(expected, actual, path: str = "$") -> list[str]:
    """Where `actual` is not shaped like `expected` (see the module docstring); [] when it is."""
    if expected is None or actual is None:
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {json.dumps(actual)[:200]}"]
        if expected.keys() != actual.keys():
            return [
                f"{path}: keys {sorted(actual)} instead of {sorted(expected)}: {json.dumps(actual)[:300]}"
            ]
        return [
            problem
            for key in expected
            for problem in shape_problems(expected[key], actual[key], f"{path}.{key}")
        ]
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: expected a list, got {json.dumps(actual)[:200]}"]
        if bool(expected) != bool(actual):
            return [
                f"{path}: {len(actual)} items where the doc shows {len(expected)}: {json.dumps(actual)[:300]}"
            ]
        problems = []
        for index, item in enumerate(actual):
            tries = [shape_problems(option, item, f"{path}[{index}]") for option in expected]
            if all(tries):
                problems += min(tries, key=len)
        return problems
    kinds = (bool, int | float, str)
    same = any(isinstance(expected, kind) and isinstance(actual, kind) for kind in kinds)
    if not same or isinstance(expected, bool) != isinstance(actual, bool):
        return [f"{path}: {json.dumps(actual)} where the doc shows {json.dumps(expected)}"]
    return []


def error_problems(document, path: str = "$") -> list[str]:
    """Top-level GraphQL errors and non-empty payload `errors` lists anywhere in an answer."""
    if isinstance(document, dict):
        problems = (
            [f"{path}.errors: {json.dumps(document['errors'])[:300]}"] if document.get("errors") else []
        )
        return problems + [
            problem
            for key, value in document.items()
            if key != "errors"
            for problem in error_problems(value, f"{path}.{key}")
        ]
    if isinstance(document, list):
        return [
            problem
            for index, item in enumerate(document)
            for problem in error_problems(item, f"{path}[{index}]")
        ]
    return []
