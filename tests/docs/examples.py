"""The runnable examples in README.md and docs/*.md, and what their answers must look like.

An example is a fenced block in `bash`, `sh`, `shell` or `python` that talks to the API: it mentions
`$URL` / `URL` or `localhost:<port>`. Blocks that do not (`make run`, ...) are prose. A block whose
info string says `no-run` (```bash no-run) is skipped on purpose.

A doc's examples run in order, in one shell session's worth of variables: `URL=...`, `TOKEN=$(...)`
assigned at the start of a line carry on to the next block, as when a reader pastes them into one
terminal. `http://localhost:<port>` is replaced by the live server's address.

The expected answer is the ```json block right after the example (nothing but blank lines between),
or else a last line `# {...}` in the example itself. The last JSON the example printed must equal it:
the same keys at every level, lists of the same length in the same order, strings equal (a doc string
with `...` only fixes what comes before it: tokens, ids), numbers within TOLERANCE. A ```json shape
block is compared by shape only (keys, list emptiness, JSON types; null matches anything), for answers
that depend on more than the seeded data (fleet totals over every household in the database).
Without an expected answer, nothing it printed may carry `errors`, at the top or in a payload.

The answers in the docs are regenerated, not typed: `make docs-outputs` runs every example against a
freshly seeded server and writes what it printed back into the docs (placeholders with `...` kept).
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from pathlib import Path

RUNNABLE = {"bash", "sh", "shell", "python"}
FENCE = re.compile(r"^```([\w-]*)([^\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
TALKS_TO_API = re.compile(r"\$\{?URL\b|\bURL\s*=|localhost:\d+")
LOCAL_SITE = re.compile(r"http://localhost:\d+")
ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=", re.MULTILINE)
READ = re.compile(r"^\s*read\s+(?:-r\s+)?([A-Za-z_][A-Za-z0-9_ ]*?)\s*<", re.MULTILINE)
PLACEHOLDER = "..."


def within_tolerance(shown: float, actual: float) -> bool:
    """Numbers agree to 0.5 of their unit (the API rounds to 0.1) or 1 % of the doc's value."""
    return abs(actual - shown) <= max(0.5, 0.01 * abs(shown))


TOLERANCE = "0.5 of the unit or 1 % of the value shown, whichever is larger"


@dataclass(frozen=True)
class Example:
    doc: Path
    line: int
    language: str
    code: str
    expected: object | None
    shape_only: bool = False
    answer_span: tuple[int, int] | None = None  # where the expected JSON sits in the doc's text

    def __str__(self) -> str:
        return f"{self.doc.name}:{self.line}"

    def for_site(self, site: str) -> str:
        return LOCAL_SITE.sub(site, self.code)

    @property
    def assigned(self) -> list[str]:
        if self.language == "python":
            return []
        read = [name for names in READ.findall(self.code) for name in names.split()]
        return sorted(set(ASSIGNMENT.findall(self.code)) | set(read))


def examples(doc: Path) -> list[Example]:
    text = doc.read_text()
    blocks = list(FENCE.finditer(text))
    found = []
    for index, block in enumerate(blocks):
        language, info, code = block.group(1), block.group(2), block.group(3)
        if language not in RUNNABLE or "no-run" in info or not TALKS_TO_API.search(code):
            continue
        expected, shape_only, span = _expected(
            text, block, blocks[index + 1] if index + 1 < len(blocks) else None
        )
        found.append(
            Example(
                doc=doc,
                line=text.count("\n", 0, block.start()) + 1,
                language=language,
                code=code,
                expected=expected,
                shape_only=shape_only,
                answer_span=span,
            )
        )
    return found


def _expected(text: str, block: re.Match, following: re.Match | None):
    """The doc's answer, whether only its shape counts, and where its JSON sits in the text."""
    if (
        following is not None
        and following.group(1) == "json"
        and not text[block.end() : following.start()].strip()
    ):
        return json.loads(following.group(3)), "shape" in following.group(2), following.span(3)
    code_start = block.start(3)
    offset = 0
    last = None
    for line in block.group(3).splitlines(keepends=True):
        if line.strip():
            last = (offset, line)
        offset += len(line)
    if last and re.match(r"\s*#\s*[{\[]", last[1]):
        start = code_start + last[0] + last[1].index("#") + 1
        end = code_start + last[0] + len(last[1].rstrip("\n"))
        return json.loads(text[start:end]), False, (start, end)
    return None, False, None


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


def _placeholder_matches(expected, actual) -> bool:
    return (
        isinstance(expected, str)
        and isinstance(actual, str)
        and PLACEHOLDER in expected
        and actual.startswith(expected.split(PLACEHOLDER, 1)[0])
    )


def _scalar_matches(expected, actual) -> bool:
    if _placeholder_matches(expected, actual):
        return True
    numbers = (int, float)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, numbers) and isinstance(actual, numbers):
        return within_tolerance(expected, actual)
    return type(expected) is type(actual) and expected == actual


def value_problems(expected, actual, path: str = "$") -> list[str]:
    """Where `actual` differs from the doc's `expected` answer (see the module docstring)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() != actual.keys():
            return [f"{path}: keys {sorted(actual)} instead of {sorted(expected)}"]
        return [p for key in expected for p in value_problems(expected[key], actual[key], f"{path}.{key}")]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            shown = json.dumps(actual)[:300]
            return [f"{path}: {len(actual)} items where the doc shows {len(expected)}: {shown}"]
        pairs = zip(expected, actual, strict=True)
        return [p for i, (e, a) in enumerate(pairs) for p in value_problems(e, a, f"{path}[{i}]")]
    if _scalar_matches(expected, actual):
        return []
    return [f"{path}: {json.dumps(actual)} where the doc shows {json.dumps(expected)}"]


def _opaque_id(value) -> bool:
    """A GraphQL global id (base64 of `Type:uuid`): new on every run, so the docs show its start."""
    if not isinstance(value, str) or len(value) < 40:
        return False
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    return re.fullmatch(r"\w+:[0-9a-f-]{36}", decoded) is not None


def with_placeholders(expected, actual):
    """`actual`, keeping the doc's `...` placeholders (tokens, ids) where it still matches them."""
    if _opaque_id(actual):
        return actual[:9] + PLACEHOLDER
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {key: with_placeholders(expected.get(key), value) for key, value in actual.items()}
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [with_placeholders(e, a) for e, a in zip(expected, actual, strict=True)]
    return expected if _placeholder_matches(expected, actual) else actual


def formatted(answer, one_line: bool) -> str:
    """An answer as the docs show it: one line, or a long list one element a line."""
    text = json.dumps(answer, ensure_ascii=False)
    if one_line or len(text) <= 110:
        return text
    data = answer.get("data") if isinstance(answer, dict) else None
    if isinstance(data, dict) and len(data) == 1:
        [(field, value)] = data.items()
        if isinstance(value, list) and value:
            items = ",\n".join(f"  {json.dumps(item, ensure_ascii=False)}" for item in value)
            return f'{{"data": {{"{field}": [\n{items}\n]}}}}'
    return text
