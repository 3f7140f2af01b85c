"""Write large survey CSV files for the import benchmark: demo cities as a secretariat's rows.

The rows are the survey format of ``benchmark/survey_csv.py`` (the template's columns: the
profile, then one column per question id): the answers of fictional demo cities, each row a
city of its own (its own name, a jittered size, a date in 2022–2026), so that every row is
valid, scores like a real one and is a new city on its first import.

Run::

    .venv/bin/python perf/survey_rows.py 50000 -o /tmp/survey.csv
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmark.demo import generate_demo_pool  # noqa: E402
from benchmark.record import PoolRecord  # noqa: E402
from rules import Rulebook, load_rulebook  # noqa: E402

#: demo cities generated; the rows cycle through them with other names and sizes
BASE_CITIES = 2_000
PROFILE = ("name", "country", "population", "capital", "consent_named", "assessed_on")


def write_survey_csv(path: Path, n: int, *, seed: int = 7, book: Rulebook | None = None) -> None:
    """Write ``n`` valid survey rows (and a header) to ``path``."""
    book = book or load_rulebook()
    base = generate_demo_pool(min(n, BASE_CITIES), seed=seed, rulebook=book)
    question_ids = [q.id for d in book.dimensions for q in d.questions]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*PROFILE, *question_ids])
        for i in range(n):
            writer.writerow(_row(base[i % len(base)], i, question_ids))


def _row(record: PoolRecord, i: int, question_ids: list[str]) -> list[str]:
    profile = record.profile
    population = max(10_000, min(49_000_000, int(profile.population * (0.8 + i % 5 / 10))))
    assessed = date(2022 + i % 5, 1 + i % 12, 1 + i % 28)
    cells = [f"{profile.name} {i}", profile.country, str(population)]
    cells += [_yes_no(profile.capital), _yes_no(record.consent_named), assessed.isoformat()]
    return cells + [_answer(record.answers.get(q)) for q in question_ids]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _answer(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_survey_csv(args.output, args.rows, seed=args.seed)
    print(f"Wrote {args.rows} rows to {args.output}")


if __name__ == "__main__":
    main()
