#!/usr/bin/env python3
"""`python scripts/money_plot.py`: a simulated week of day-ahead prices per zone beside each zone's
published yearly mean, written to docs/img/money-week-prices.png (no database; tariffs.market only)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tariffs import market  # noqa: E402
from tariffs.zones import ZONES  # noqa: E402

WEEKS = {"a week in May 2024": date(2024, 5, 13), "a week in January 2025": date(2025, 1, 13)}


def main() -> None:
    figure, axes = plt.subplots(len(ZONES), 2, figsize=(13, 2.3 * len(ZONES)), sharex="col")
    for column, (title, first) in enumerate(WEEKS.items()):
        for row, (code, zone) in enumerate(ZONES.items()):
            axis = axes[row][column]
            hours, prices = [], []
            for offset in range(7):
                day = first + timedelta(days=offset)
                start = market.day_start(zone, first)
                for interval in market.day_prices(code, day):
                    hours.append((interval.start - start).total_seconds() / 3600)
                    prices.append(float(interval.price_per_mwh))
            axis.step(hours, prices, where="post", linewidth=0.8, label="simulated")
            axis.axhline(zone.mean_per_mwh, color="tab:orange", linestyle="--", label="published yearly mean")
            axis.axhline(0, color="grey", linewidth=0.5)
            axis.set_ylabel(f"{code}\n{zone.currency}/MWh")
            if row == 0:
                axis.set_title(title)
        axes[-1][column].set_xticks(range(0, 169, 24), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", ""])
    axes[0][0].legend(loc="upper right", fontsize="small")
    figure.tight_layout()
    target = ROOT / "docs" / "img" / "money-week-prices.png"
    figure.savefig(target, dpi=80)
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
