"""WRITEUP.md and docs/ show the figures of bench/REPORT.md: regenerate with `python -m bench.writeup`."""

import pytest

from bench.writeup import FIGURE, REPORT, WRITEUP, MissingFigures, documents, render

REPORT_TEXT = """## tick

```json
{"households": 200, "provisioning_seconds_per_household": 0.02,
 "batch_50": {"household_ticks_per_s": 800.4}}
```

## history

```json
{"DAY": {"speedup_x": 101.2}, "WEEK": {"speedup_x": 260.0}, "MONTH": {"speedup_x": 273.3}}
```
"""


@pytest.mark.parametrize("document", documents(), ids=lambda path: path.name)
def test_every_document_shows_the_reports_figures(document):
    text = document.read_text()

    assert render(text, REPORT.read_text()) == text, "run: python -m bench.writeup"


def test_the_writeup_links_its_figures_to_the_report():
    assert len(FIGURE.findall(WRITEUP.read_text())) >= 5
    assert "<!-- fig" not in WRITEUP.read_text()


def test_a_figure_is_the_reports_value_in_its_format():
    text = (
        '[1](bench/REPORT.md#tick "tick.batch_50.household_ticks_per_s ,.0f") household-ticks/s, '
        '[2](bench/REPORT.md#history "derived.history_speedup_min .0f")x, '
        '[3](../bench/REPORT.md#tick "derived.provisioning_ms .0f") ms'
    )

    assert render(text, REPORT_TEXT) == (
        '[800](bench/REPORT.md#tick "tick.batch_50.household_ticks_per_s ,.0f") household-ticks/s, '
        '[101](bench/REPORT.md#history "derived.history_speedup_min .0f")x, '
        '[20](../bench/REPORT.md#tick "derived.provisioning_ms .0f") ms'
    )


def test_a_figure_the_report_lacks_is_named_not_a_crash():
    text = '[34](bench/REPORT.md#physics "physics.fleet.250000.us_per_household_tick.median .0f") µs'

    with pytest.raises(MissingFigures) as missing:
        render(text, REPORT_TEXT)

    assert missing.value.args[0] == ["physics.fleet.250000.us_per_household_tick.median"]
