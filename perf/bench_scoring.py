"""Benchmark scoring: one assessment at a time against the compiled batch path.

* *one assessment*: validate + score the example answers file (``score_assessment`` on the
  parsed file, so file reading and YAML parsing are left out), timed call by call with
  ``time.perf_counter_ns``; median and 95th percentile. The same for scoring alone
  (``score_valid`` on answers validated once) and for validation alone.
* *batch*: ``CompiledRulebook.score`` on 1,000,000 random valid assessments
  (``CompiledRulebook.random_codes``: skip logic, N/A and "don't know" honoured); only the
  ``score`` call is timed, best of 3.
* *ratio*: batch throughput ÷ one-at-a-time throughput (1 / median), against the full path and
  against scoring alone.

Targets (DESIGN §6, on the 2-core machine): ≥ 1,000,000 assessments/s batch, ≥ 100× the
one-at-a-time path, ≤ 100 µs median for one validate + score.

Run::

    .venv/bin/python perf/bench_scoring.py              # writes docs/performance.md
    .venv/bin/python perf/bench_scoring.py --repeats 2000 --n 100000 --no-write
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pydantic
from report import REPORT, write_section

from rules import (
    Answers,
    CompiledRulebook,
    Rulebook,
    load_rulebook,
    score_assessment,
    score_valid,
    validate_answers,
)
from web.cli.rules import read_answers_file

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Scoring (perf/bench_scoring.py)"
EXAMPLE = ROOT / "examples" / "answers-established.yaml"
TARGET_BATCH = 1_000_000  # assessments per second
TARGET_RATIO = 100.0
TARGET_ONE_US = 100.0


def time_calls(call: Callable[[], object], repeats: int, warmup: int) -> list[int]:
    """Nanoseconds of each of ``repeats`` calls, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    timings = []
    gc.collect()
    for _ in range(repeats):
        start = time.perf_counter_ns()
        call()
        timings.append(time.perf_counter_ns() - start)
    return timings


def summary(timings: list[int]) -> dict[str, float]:
    """Median and 95th percentile, in µs."""
    return {
        "median_us": statistics.median(timings) / 1000,
        "p95_us": float(np.percentile(timings, 95)) / 1000,
    }


def bench_one(book: Rulebook, answers: Answers, repeats: int) -> dict[str, dict[str, float]]:
    """Validate + score, score alone, validate alone: median and p95 per call."""
    valid = validate_answers(book, answers)
    warmup = max(200, repeats // 20)
    return {
        "validate_and_score": summary(
            time_calls(lambda: score_assessment(book, answers), repeats, warmup)
        ),
        "score": summary(time_calls(lambda: score_valid(valid), repeats, warmup)),
        "validate": summary(time_calls(lambda: validate_answers(book, answers), repeats, warmup)),
    }


@dataclass(frozen=True)
class BatchTiming:
    """Seconds of each timed ``CompiledRulebook.score`` call on ``n`` assessments."""

    n: int
    seconds: list[float]

    @property
    def best_s(self) -> float:
        """The fastest run."""
        return min(self.seconds)

    @property
    def per_s(self) -> float:
        """Assessments per second in the fastest run."""
        return self.n / self.best_s


def bench_batch(book: Rulebook, n: int, rounds: int, seed: int) -> BatchTiming:
    """Time ``CompiledRulebook.score`` ``rounds`` times on ``n`` random assessments."""
    compiled = CompiledRulebook.compile(book)
    codes = compiled.random_codes(n, np.random.default_rng(seed))
    compiled.score(codes[:1000])  # warm up
    seconds = []
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter_ns()
        compiled.score(codes)
        seconds.append((time.perf_counter_ns() - start) / 1e9)
    return BatchTiming(n, seconds)


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or the platform's processor string."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """One line describing where the benchmark ran."""
    return (
        f"{cpu_model()}, nproc {len(os.sched_getaffinity(0))} ({os.cpu_count()} CPUs), "
        f"{platform.machine()}, Python {platform.python_version()}, numpy {np.__version__}, "
        f"pydantic {pydantic.VERSION}"
    )


def load() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews timings."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def section(one: dict[str, dict[str, float]], batch: BatchTiming, info: dict[str, str]) -> str:
    """The report section in Markdown."""
    full = one["validate_and_score"]
    alone = one["score"]
    per_s_full = 1e6 / full["median_us"]
    per_s_alone = 1e6 / alone["median_us"]
    ratio_full = batch.per_s / per_s_full
    ratio_alone = batch.per_s / per_s_alone
    rounds = ", ".join(f"{s:.3f}" for s in batch.seconds)
    return f"""{HEADING}

Command: `{info["command"]}` — {info["date"]}; {info["machine"]}.
Load average (1, 5, 15 min) before: {info["load_before"]}; after: {info["load_after"]}
(the machine is shared; figures are single runs, not averages over days).

*One assessment*: `{EXAMPLE.relative_to(ROOT)}` parsed once, then each call timed with
`time.perf_counter_ns` over {info["repeats"]} calls after a warm-up. *Batch*:
`CompiledRulebook.score` on {batch.n:,} random valid assessments
(`CompiledRulebook.random_codes`, seed {info["seed"]}), the `score` call alone, best of
{info["rounds"]} ({rounds} s). Ratio: batch assessments/s ÷ (1 / median one-at-a-time time).

| measure | median | p95 | throughput | target | |
|---|---|---|---|---|---|
| one assessment: validate + score (`score_assessment`) | {full["median_us"]:.1f} µs | {full["p95_us"]:.1f} µs | {per_s_full:,.0f} /s | ≤ {TARGET_ONE_US:.0f} µs median | {verdict(full["median_us"] <= TARGET_ONE_US)} |
| one assessment: score alone (`score_valid`) | {alone["median_us"]:.1f} µs | {alone["p95_us"]:.1f} µs | {per_s_alone:,.0f} /s | | |
| one assessment: validate alone (`validate_answers`) | {one["validate"]["median_us"]:.1f} µs | {one["validate"]["p95_us"]:.1f} µs | | | |
| batch (`CompiledRulebook.score`), {batch.n:,} assessments | {batch.best_s:.3f} s (best) | | {batch.per_s:,.0f} /s | ≥ {TARGET_BATCH:,} /s | {verdict(batch.per_s >= TARGET_BATCH)} |
| ratio batch ÷ one at a time (validate + score) | | | {ratio_full:,.0f}× | ≥ {TARGET_RATIO:.0f}× | {verdict(ratio_full >= TARGET_RATIO)} |
| ratio batch ÷ one at a time (score alone) | | | {ratio_alone:,.0f}× | | |

Both paths give identical results (scores bit for bit, levels, overall, floor, indicators):
`tests/rules/test_properties.py` checks it on random answer sets.

How the figures were reached (results unchanged, checked as above): the batch path scores one
dimension at a time on contiguous columns, with one table lookup per question giving points
scored and points possible together, and gates applied as `minimum(level, cap)`; the single
path prepares per rulebook what does not depend on the answers (texts, maxima, conditions
compiled to closures, the frozen trace lines and next steps of text answers), resolves each
text answer once, and builds the scorecard as plain data validated by pydantic in one call.
"""  # noqa: E501


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20_000, help="timed one-at-a-time calls")
    parser.add_argument("--n", type=int, default=1_000_000, help="assessments in the batch")
    parser.add_argument("--rounds", type=int, default=3, help="batch runs; the best counts")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    load_before = load()
    book = load_rulebook()
    answers = read_answers_file(EXAMPLE)  # as `citydip score` reads it
    one = bench_one(book, answers, args.repeats)
    batch = bench_batch(book, args.n, args.rounds, args.seed)
    info = {
        "command": " ".join([".venv/bin/python", "perf/bench_scoring.py", *sys.argv[1:]]),
        "date": date.today().isoformat(),
        "machine": machine(),
        "load_before": load_before,
        "load_after": load(),
        "repeats": f"{args.repeats:,}",
        "rounds": str(args.rounds),
        "seed": str(args.seed),
    }
    text = section(one, batch, info)
    print(text)
    if not args.no_write:
        write_section(HEADING, text, first=True)
        print(f"written to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
