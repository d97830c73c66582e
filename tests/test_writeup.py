"""WRITEUP.md shows the figures of bench/REPORT.md: regenerate with `python -m bench.writeup`."""

from bench.writeup import FIGURE, REPORT, WRITEUP, render

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


def test_the_writeup_shows_the_reports_figures():
    writeup = WRITEUP.read_text()

    assert len(FIGURE.findall(writeup)) >= 20
    assert render(writeup, REPORT.read_text()) == writeup, "run: python -m bench.writeup"


def test_a_figure_is_the_reports_value_in_its_format():
    text = (
        "<!-- fig tick.batch_50.household_ticks_per_s ,.0f -->1<!-- /fig --> household-ticks/s, "
        "<!-- fig derived.history_speedup_min .0f -->2<!-- /fig -->x, "
        "<!-- fig derived.provisioning_ms .0f -->3<!-- /fig --> ms"
    )

    assert render(text, REPORT_TEXT) == (
        "<!-- fig tick.batch_50.household_ticks_per_s ,.0f -->800<!-- /fig --> household-ticks/s, "
        "<!-- fig derived.history_speedup_min .0f -->101<!-- /fig -->x, "
        "<!-- fig derived.provisioning_ms .0f -->20<!-- /fig --> ms"
    )
