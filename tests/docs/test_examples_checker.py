"""The docs' example runner picks the right blocks and catches answers that differ from the doc."""

from tests.docs.examples import error_problems, examples, json_documents, shape_problems

DOC = """
```bash
make run
```

```bash
URL=http://localhost:8000/graphql
curl -s $URL -d '{"query": "{ me { email } }"}'
```

```json
{"data": {"me": {"email": "me@example.com", "devices": [{"powerW": 1.5}]}}}
```

```bash no-run
curl -s $URL -d '{"query": "{ me { email } }"}'
```
"""


def test_only_blocks_that_call_the_api_run_with_the_answer_after_them(tmp_path):
    doc = tmp_path / "guide.md"
    doc.write_text(DOC)

    [example] = examples(doc)

    assert example.line == 6 and example.assigned == ["URL"]
    assert example.expected["data"]["me"]["email"] == "me@example.com"
    assert example.for_site("http://127.0.0.1:4321").startswith("URL=http://127.0.0.1:4321/graphql")


def test_answers_are_split_even_without_newlines_between_them():
    assert json_documents('{"a": 1}{"b": [2]}\nnot json\n[3]') == [{"a": 1}, {"b": [2]}, [3]]


def test_a_different_shape_is_reported_and_the_same_shape_with_other_values_is_not():
    doc = {"data": {"items": [{"kind": "A", "powerW": 1.5}, {"kind": "B", "on": True}], "at": None}}

    assert shape_problems(doc, {"data": {"items": [{"kind": "B", "on": False}], "at": "2026-01-01"}}) == []
    assert shape_problems(doc, {"data": {"items": [{"kind": "A", "powerW": "1.5"}], "at": None}})
    assert shape_problems(doc, {"data": {"items": [{"kind": "A"}], "at": None}})
    assert shape_problems(doc, {"data": {"items": [], "at": None}})
    assert shape_problems({"errors": []}, {"errors": [{"code": "blank"}]})
    assert shape_problems({"on": True}, {"on": 1})


def test_errors_at_the_top_or_in_a_payload_are_reported():
    assert error_problems({"data": {"signUp": {"errors": []}}}) == []
    assert error_problems({"data": {"signUp": {"errors": [{"field": "email"}]}}})
    assert error_problems({"errors": [{"message": "Staff only."}], "data": None})
