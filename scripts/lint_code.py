"""Architecture checks that import-linter and ruff cannot see (run by `make lint`, so by CI).

Plain Python (ast and re, no Django), over the production packages. It fails when:

- layers: SQL or any string literal in an app names a database table of an app above it (the layer
  order below; Django names a table `<app>_<model>`, partitions add a suffix). A dependency that
  goes through SQL text shows up in no import, so import-linter cannot see it.
- kinds: a device-kind list is written by hand outside the registry (devices/kinds.py): a tuple,
  list or set of two or more kind names or values (`"BATTERY"`, `"solar_panel"`,
  `DeviceKind.BATTERY`, ...). Every such list derives from devices.kinds.KINDS.
- sql: SQL text is built by string formatting: an f-string, `%` or `.format` on SQL text, SQL
  concatenated with a non-literal, psycopg2's `sql.SQL` wrapping anything but a literal, or a
  composed statement's `.string` read back to join it. Identifiers go through `sql.Identifier`,
  values through query parameters.
- core: the bottom package (core/) names an app (an import of one is import-linter's job; a
  string such as an operation or field name of an app's schema is this check's).

Usage: `python scripts/lint_code.py [root]` prints one line per offence and exits 1 when any.
`check_source(path, text)` checks one file's text as if it were at `path` (tests feed it snippets).
"""

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

LAYERS = ("core", "accounts", "households", "tariffs", "devices", "telemetry", "planning", "reporting")
"""Bottom to top: an app may name the tables of the apps before it, never after."""
SQL_PACKAGES = (*LAYERS, "gateways", "config", "demo")
"""Packages whose SQL must be composed, not formatted."""
KIND_REGISTRY = {"devices/kinds.py", "devices/choices.py"}
SKIPPED_PARTS = {"migrations", "tests", "__pycache__"}

_SQL_WORDS = re.compile(
    r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|FROM|WHERE|JOIN|ON CONFLICT|DO UPDATE SET|VALUES|COPY|"
    r"ALTER TABLE|CREATE TABLE|DROP TABLE|TRUNCATE|UNION ALL|RETURNING)\b"
)
# A string the bottom package could only know from an app: an app's name or one of its operations.
_APP_WORDS = re.compile(
    r"(" + "|".join((*LAYERS[1:], "gateways")) + r")(\.\w+)*|energyHistory|energySummary|fleetSummary|devices"
)


def _kind_names(root: Path) -> frozenset[str]:
    """The registry's kind names and values, read from the KindSpec(...) calls of devices/kinds.py."""
    tree = ast.parse((root / "devices" / "kinds.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "KindSpec":
            for argument in node.args[:2]:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    names.add(argument.value)
    return frozenset(names)


def _app_tables(root: Path) -> dict[str, frozenset[str]]:
    """Per layered app: `<app>_<class name lowered>` of each class its models.py defines."""
    tables: dict[str, frozenset[str]] = {}
    for app in LAYERS:
        models = root / app / "models.py"
        if not models.exists():
            continue
        classes = [node.name for node in ast.parse(models.read_text()).body if isinstance(node, ast.ClassDef)]
        tables[app] = frozenset(f"{app}_{name.lower()}" for name in classes)
    return tables


class Checker:
    def __init__(self, root: Path) -> None:
        self.kinds = _kind_names(root)
        tables = _app_tables(root)
        self.above: dict[str, re.Pattern[str] | None] = {}
        for index, app in enumerate(LAYERS):
            names = sorted(name for upper in LAYERS[index + 1 :] for name in tables.get(upper, ()))
            self.above[app] = re.compile(r"\b(" + "|".join(names) + r")(?![a-z0-9])") if names else None

    def check_source(self, path: str, text: str) -> list[str]:
        """Offences of one file, `path` relative to the repository root (e.g. `telemetry/writes.py`)."""
        parts = Path(path).parts
        if not parts or parts[0] not in SQL_PACKAGES or SKIPPED_PARTS & set(parts):
            return []
        tree = ast.parse(text, filename=path)
        app = parts[0]
        found: list[str] = []
        for node in ast.walk(tree):
            found += [f"{path}:{node.lineno}: {message}" for message in self._node(app, path, node)]
        return found

    def _node(self, app: str, path: str, node: ast.AST) -> Iterator[str]:
        above = self.above.get(app)
        if above is not None and isinstance(node, ast.Constant) and isinstance(node.value, str):
            for match in above.finditer(node.value):
                yield f"layers: names {match.group(1)}, a table of an app above {app}"
        if app == "core" and isinstance(node, ast.Constant) and _APP_WORDS.fullmatch(str(node.value)):
            yield f"core: names {node.value!r} of an app (core imports and names no app)"
        if path not in KIND_REGISTRY and isinstance(node, ast.Tuple | ast.List | ast.Set):
            named = [element for element in node.elts if self._kind(element)]
            if len(named) >= 2:
                yield "kinds: a device-kind list written by hand; derive it from devices.kinds.KINDS"
        yield from _sql(node)

    def _kind(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value in self.kinds
        # DeviceKind.BATTERY, Kind.BATTERY: members of an enum of kinds (not flows' Node.BATTERY).
        return (
            isinstance(node, ast.Attribute)
            and node.attr in self.kinds
            and isinstance(node.value, ast.Name | ast.Attribute)
            and (node.value.id if isinstance(node.value, ast.Name) else node.value.attr).endswith("Kind")
        )


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_sql_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_SQL_WORDS.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_sql_text(value) for value in node.values)
    return False


def _is_sql_call(node: ast.Call) -> bool:
    """`sql.SQL(...)` or `SQL(...)` (psycopg2.sql)."""
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == "SQL") or (
        isinstance(func, ast.Name) and func.id == "SQL"
    )


def _sql(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.JoinedStr) and _is_sql_text(node):
        yield "sql: SQL built with an f-string; compose it with psycopg2.sql"
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _is_sql_text(node.left):
        yield "sql: SQL built with %; pass the values as query parameters"
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        sides = (node.left, node.right)
        if any(_is_sql_text(side) for side in sides) and not all(
            isinstance(side, ast.Constant) or _is_sql_text(side) for side in sides
        ):
            yield "sql: SQL concatenated with a value; compose it with psycopg2.sql"
    elif isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format" and _is_sql_text(func.value):
            yield "sql: SQL built with str.format; use sql.SQL(...).format(sql.Identifier(...))"
        elif _is_sql_call(node) and not (len(node.args) == 1 and _is_text(node.args[0])):
            yield "sql: sql.SQL wraps a computed string; it takes literal text only"
    elif isinstance(node, ast.Attribute) and node.attr == "string" and isinstance(node.ctx, ast.Load):
        yield "sql: a composed statement's .string read back (joined as text); keep it composed"


def check_tree(root: Path) -> list[str]:
    checker = Checker(root)
    found: list[str] = []
    for package in SQL_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            found += checker.check_source(relative, path.read_text())
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    found = check_tree(root)
    for line in found:
        print(line)
    print(f"lint_code: {len(found)} offence(s)" if found else "lint_code: layers, kinds, sql, core clean")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
