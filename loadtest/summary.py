"""A short table of a locust run, from its --csv statistics: each page's requests, failures,
requests a second and response-time percentiles, slowest (p95) first.

    .venv/bin/python loadtest/summary.py var/loadtest/results_stats.csv
"""

import csv
import sys

COLUMNS = ("requests", "fails", "req/s", "p50 ms", "p95 ms", "p99 ms")


def main(path: str) -> None:
    with open(path, newline="") as stats:
        rows = list(csv.DictReader(stats))
    pages = [row for row in rows if row["Name"] != "Aggregated"]
    pages.sort(key=lambda row: -float(row["95%"] or 0))
    total = [row for row in rows if row["Name"] == "Aggregated"]
    width = max([len(f"{row['Type']} {row['Name']}") for row in rows] + [10])
    print(f"{'page':<{width}}" + "".join(f"{column:>10}" for column in COLUMNS))
    for row in [*pages, *total]:
        label = row["Name"] if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        values = (
            row["Request Count"],
            row["Failure Count"],
            f"{float(row['Requests/s']):.1f}",
            row["50%"],
            row["95%"],
            row["99%"],
        )
        print(f"{label:<{width}}" + "".join(f"{value:>10}" for value in values))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
