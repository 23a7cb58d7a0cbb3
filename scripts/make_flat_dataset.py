#!/usr/bin/env python3
"""Write the bundled example data set datasets/flat/sqls.csv (synthetic, seeded).

Run from the repository root:

    python3 scripts/make_flat_dataset.py

One row per closed sales-qualified lead (SQL), with firmographic, BANT, engagement and
follow-up features as of the cut-off, and the label `outcome` (`won` / `lost`). There is
no id column: the trainer treats every non-label column as a feature.

The generating model follows beliefs common in B2B sales (buying-team breadth, speed to lead, follow-up), so a fitted model should
recover their signs: five or more buying-team contacts engaged in the first 14 days raises
the odds, the finance contact reading the ROI paper raises them, a slow first touch lowers
them, more sales touches raise them (no touch at all is a warning), and budget plus
authority raise them. Outcomes are drawn from the model's probabilities, so the classes
overlap (no separation).
"""

import csv
import math
import sys
from pathlib import Path

import numpy as np

SEED = 20240614
ROWS = 5_000
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "datasets" / "flat" / "sqls.csv"

# Category: (share of SQLs, effect on the log-odds of winning)
SOURCES = {
    "trade_show": (0.15, 0.20),
    "organic_search": (0.25, 0.00),
    "referral": (0.10, 0.70),
    "paid_ads": (0.22, -0.40),
    "partner": (0.13, 0.40),
    "trade_media": (0.15, -0.10),
}
# Industry: (share, effect, median revenue per employee in dollars)
INDUSTRIES = {
    "software": (0.22, 0.25, 250_000),
    "manufacturing": (0.18, 0.00, 300_000),
    "financial_services": (0.14, 0.10, 450_000),
    "healthcare": (0.12, -0.15, 180_000),
    "retail": (0.10, -0.20, 220_000),
    "logistics": (0.09, 0.05, 200_000),
    "education": (0.08, -0.30, 120_000),
    "public_sector": (0.07, -0.35, 150_000),
}
REGIONS = {"NA": (0.45, 0.00), "EMEA": (0.30, -0.10), "APAC": (0.15, -0.20),
           "LATAM": (0.10, -0.30)}


def pick(rng, table, n):
    names = list(table)
    shares = np.array([table[k][0] for k in names])
    return np.array(names)[rng.choice(len(names), size=n, p=shares / shares.sum())]


def main():
    rng = np.random.default_rng(SEED)
    n = ROWS
    source = pick(rng, SOURCES, n)
    industry = pick(rng, INDUSTRIES, n)
    region = pick(rng, REGIONS, n)

    # Firmographics: employees lognormal around 250; revenue = employees x revenue per
    # employee (industry dependent); deal amount grows sub-linearly with company size.
    employees = np.maximum(5, np.round(np.exp(rng.normal(math.log(250), 1.3, n)))).astype(int)
    per_employee = np.array([INDUSTRIES[k][2] for k in industry])
    annual_revenue = (np.round(employees * per_employee * np.exp(rng.normal(0, 0.4, n)), -3)
                      .astype(np.int64))
    amount = np.maximum(1_000, np.round(20_000 * (employees / 250) ** 0.4
                                        * np.exp(rng.normal(0, 0.6, n)), -2)).astype(np.int64)

    # BANT answers; a budget above the threshold is likelier in larger companies.
    size = np.log(employees / 250)
    bant_budget = rng.binomial(1, 1 / (1 + np.exp(-(0.1 + 0.4 * size))))
    bant_authority = rng.binomial(1, 0.4, n)
    bant_need = rng.binomial(1, 0.75, n)
    bant_timeline = rng.binomial(1, 0.5, n)

    # Engagement in the first 14 days after SQL: buying-team breadth grows with company size.
    contacts_engaged_14d = 1 + rng.poisson(np.exp(0.75 + 0.15 * size + rng.normal(0, 0.3, n)))
    finance_read_roi_paper = rng.binomial(1, np.where(contacts_engaged_14d >= 5, 0.32, 0.18))

    # Speed to lead: most companies are slow (median about 20 hours, capped at ten days), and
    # about 4% answer within five minutes. Follow-up: about one SQL in ten is never touched.
    slow = np.minimum(240.0, np.exp(rng.normal(math.log(20), 1.3, n)))
    instant = rng.uniform(0.02, 5 / 60, n)
    hours_to_first_touch = np.round(np.where(rng.binomial(1, 0.04, n) == 1, instant, slow), 2)
    never_touched = rng.binomial(1, 0.1, n) == 1
    sales_touches = np.where(never_touched, 0, 1 + rng.negative_binomial(3, 0.5, n))

    eta = (-1.35
           + np.array([SOURCES[k][1] for k in source])
           + np.array([INDUSTRIES[k][1] for k in industry])
           + np.array([REGIONS[k][1] for k in region])
           + 0.10 * size
           - 0.25 * np.log(amount / 20_000)
           + 0.55 * bant_budget + 0.45 * bant_authority
           + 0.30 * bant_budget * bant_authority
           + 0.40 * bant_need + 0.45 * bant_timeline
           + 0.45 * (contacts_engaged_14d >= 5) + 0.05 * contacts_engaged_14d
           + 0.35 * finance_read_roi_paper
           - 0.25 * np.log1p(hours_to_first_touch)
           + 0.12 * np.minimum(sales_touches, 10) - 0.50 * (sales_touches == 0)
           - 1.0)
    won = rng.binomial(1, 1 / (1 + np.exp(-eta)))
    outcome = np.where(won == 1, "won", "lost")

    columns = {
        "source": source,
        "industry": industry,
        "region": region,
        "employees": employees,
        "annual_revenue": annual_revenue,
        "amount": amount,
        "bant_budget": bant_budget,
        "bant_authority": bant_authority,
        "bant_need": bant_need,
        "bant_timeline": bant_timeline,
        "contacts_engaged_14d": contacts_engaged_14d,
        "finance_read_roi_paper": finance_read_roi_paper,
        "hours_to_first_touch": [repr(float(v)) for v in hours_to_first_touch],
        "sales_touches": sales_touches,
        "outcome": outcome,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in zip(*columns.values()):
            writer.writerow([str(v) for v in row])

    print(f"Wrote {OUTPUT.relative_to(ROOT)}: {n} SQLs, {len(columns) - 1} feature columns, "
          f"win rate {won.mean():.1%} (seed {SEED})")
    def ratio(mask):
        return won[mask].mean() / won[~mask].mean()

    for name, mask in [
        ("contacts_engaged_14d >= 5", contacts_engaged_14d >= 5),
        ("finance_read_roi_paper = 1", finance_read_roi_paper == 1),
        ("hours_to_first_touch <= 1", hours_to_first_touch <= 1),
        ("bant_budget = bant_authority = 1", (bant_budget == 1) & (bant_authority == 1)),
        ("sales_touches = 0", sales_touches == 0),
    ]:
        print(f"  win rate when {name}: {ratio(mask):.2f} x the rest")

if __name__ == "__main__":
    sys.exit(main())
