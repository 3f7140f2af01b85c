"""Benchmark peer queries: PeerFinder against a plain NearestNeighbors on the same matrix.

For pools of 1k, 10k, 100k and 1M cities: index build time, median query time for k = 10 over
200 queries, and memory (RSS growth of the process during the build, and bytes of the fitted
arrays). Queries are timed as the bare neighbour search, and as full ``comparable()``,
``same_stage()`` and ``learn_from()`` calls that also explain each peer (contributions,
reasons, position against the peer median). The finder is timed before the baseline runs: the
baseline's OpenMP and BLAS threads keep spinning for a while after each query.

Pools come from the demo pool's vectorised generator when it is available, otherwise from
random contexts and random valid answers of the same shapes. Records are materialised lazily,
only for the peers a query returns, as a large pool would be read from storage.

Run::

    .venv/bin/python perf/bench_peers.py               # all sizes, writes docs/performance.md
    .venv/bin/python perf/bench_peers.py --sizes 1000 10000 --no-write
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
from datetime import date
from pathlib import Path

import numpy as np
import psutil
import sklearn
from report import REPORT, write_section
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from benchmark.features import PoolColumns
from benchmark.peers import PeerFinder
from benchmark.profile import CityProfile
from benchmark.record import DimensionSummary, PoolRecord, ScoreSummary
from rules import CompiledRulebook, Rulebook, load_rulebook
from rules.batch import NA_CODE, UNKNOWN_CODE

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Peer queries (perf/bench_peers.py)"
QUERIES = 200
K = 10
#: Representative FTE of each staff.team_size band, for pools drawn without team sizes.
TEAM_BAND_FTE = (0.25, 0.75, 2.0, 6.0, 15.0)
_RANDOM_REGIONS = (
    "Northern Europe", "Western Europe", "Southern Europe", "Eastern Europe", "Northern America",
    "South America", "Central America", "Caribbean", "Eastern Asia", "South-eastern Asia",
    "Southern Asia", "Western Asia", "Central Asia", "Northern Africa", "Western Africa",
    "Eastern Africa", "Middle Africa", "Southern Africa", "Australia and New Zealand",
    "Melanesia", "Micronesia", "Polynesia",
)  # fmt: skip


class LazyPool:
    """A read-only sequence of PoolRecord built from arrays on demand."""

    def __init__(self, book: Rulebook, columns: PoolColumns, codes: np.ndarray, source: str):
        self.book, self.columns, self.codes, self.source = book, columns, codes, source
        self.questions = [q for d in book.dimensions for q in d.questions]

    def __len__(self) -> int:
        return len(self.columns)

    def __getitem__(self, i: int) -> PoolRecord:
        c = self.columns
        team = c.team_size[i]
        profile = CityProfile(
            name=f"Benchmark City {i}",
            country="FR",
            region=str(c.region[i]),
            population=int(c.population[i]),
            capital=bool(c.capital[i]),
            eu_member=bool(c.eu_member[i]),
            team_size=None if np.isnan(team) else float(team),
        )
        dims = {
            d: DimensionSummary(
                score=None if np.isnan(c.scores[i, j]) else float(c.scores[i, j]),
                level=int(c.levels[i, j]) or None,
            )
            for j, d in enumerate(c.dimension_ids)
        }
        return PoolRecord(
            id=str(c.ids[i]),
            profile=profile,
            answers=self._answers(i),
            scores=ScoreSummary(
                dimensions=dims,
                overall_score=None,
                overall_level=None,
                floor=None,
                indicators={},
                rulebook_hash=self.book.content_hash,
            ),
            source=self.source,  # type: ignore[arg-type]
            assessed_on=date(2024, 6, 1),
            rulebook_version=self.book.version,
            consent_named=i % 3 == 0,
        )

    def _answers(self, i: int) -> dict[str, str | int | float]:
        answers: dict[str, str | int | float] = {}
        for question, code in zip(self.questions, self.codes[i].tolist(), strict=True):
            if code == NA_CODE:
                answers[question.id] = "na"
            elif code == UNKNOWN_CODE:
                answers[question.id] = "unknown"
            elif code >= 0:
                option = question.options[code]
                answers[question.id] = option.min if option.min is not None else option.value
        return answers


def demo_pool(book: Rulebook, n: int, seed: int) -> tuple[PoolColumns, np.ndarray, str]:
    """Columns and answer codes of ``n`` cities, and where they came from."""
    try:
        from benchmark.demo import generate_demo_matrix

        matrix = generate_demo_matrix(n, seed, book)
    except Exception as exc:  # the generator is optional here: fall back, and say so
        print(f"demo generator unavailable ({type(exc).__name__}); random pool", file=sys.stderr)
        return (*_random_pool(book, n, seed), "random contexts and answers")
    compiled = CompiledRulebook.compile(book)
    team = getattr(matrix, "team_size", None)
    if team is None:  # an older generator: take a typical FTE of the answered band
        band = matrix.codes[:, compiled.question_ids.index("staff.team_size")]
        team = np.where(band >= 0, np.take(TEAM_BAND_FTE, np.maximum(band, 0)), np.nan)
    regions = np.array(matrix.regions, dtype=object)[matrix.region]
    columns = _columns(compiled, matrix.codes, regions, matrix.population, matrix.eu_member,
                       matrix.capital, team)  # fmt: skip
    return columns, matrix.codes, "demo generator (generate_demo_matrix)"


def _random_pool(book: Rulebook, n: int, seed: int) -> tuple[PoolColumns, np.ndarray]:
    rng = np.random.default_rng(seed)
    compiled = CompiledRulebook.compile(book)
    codes = compiled.random_codes(n, rng)
    regions = np.array(_RANDOM_REGIONS, dtype=object)[rng.integers(0, len(_RANDOM_REGIONS), n)]
    europe = np.array(["Europe" in r for r in regions])
    team = np.where(rng.random(n) < 0.2, np.nan, np.round(rng.lognormal(1.0, 1.0, n), 1))
    columns = _columns(compiled, codes, regions, np.round(10 ** rng.uniform(4.3, 7.3, n)),
                       europe & (rng.random(n) < 0.8), rng.random(n) < 0.03, team)  # fmt: skip
    return columns, codes


def _columns(compiled, codes, regions, population, eu, capital, team) -> PoolColumns:
    scored = compiled.score(codes)
    n = len(codes)
    return PoolColumns(
        ids=np.array([f"city-{i:07d}" for i in range(n)], dtype=object),
        population=np.asarray(population, dtype=np.float64),
        region=regions,
        eu_member=np.asarray(eu, dtype=bool),
        capital=np.asarray(capital, dtype=bool),
        team_size=np.asarray(team, dtype=np.float64),
        scores=scored.scores,
        levels=scored.levels,
        dimension_ids=tuple(d.id for d in compiled.rulebook.dimensions),
    )


def rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


def median_ms(run: Callable[[int], object], count: int) -> float:
    run(0)  # warm-up: first-call costs are not query costs
    times = []
    for i in range(count):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def finder_nbytes(finder: PeerFinder) -> int:
    arrays = [finder.ids_, finder.order_, finder.levels_, finder.scores_]
    total = sum(a.nbytes for a in arrays) + sum(sys.getsizeof(s) for s in finder.ids_)
    for index in finder.indexes_.values():
        core = index.core
        total += core.X_fit_.nbytes + core.codes_.nbytes + core.index_.nbytes()
        total += sum(rows.nbytes + part.nbytes() for rows, part in core.partitions_)
    return total


def one_hot_matrix(finder: PeerFinder, columns: PoolColumns) -> np.ndarray:
    """The comparable-mode features with the region and the continent one-hot (scaled by
    1/√2), weighted: what a plain NearestNeighbors needs for the same distances."""
    index = finder.indexes_["comparable"]
    matrix = finder.space_.matrix(columns)[finder.order_][:, index.columns]
    weights = index.core.weights_
    categorical = index.core.category_columns_.tolist()
    blocks = [np.delete(matrix * weights, categorical, axis=1)]
    for column in categorical:
        codes = matrix[:, column].astype(np.intp)
        hot = np.zeros((len(matrix), codes.max() + 1), dtype=np.float32)
        hot[np.arange(len(matrix)), codes] = weights[column] * np.sqrt(0.5)
        blocks.append(hot)
    return np.hstack(blocks).astype(np.float32)


def bench(book: Rulebook, n: int, algorithm: str, seed: int = 1) -> dict[str, object]:
    columns, codes, origin = demo_pool(book, n, seed)
    records = LazyPool(book, columns, codes, source="demo")
    titles = {d.id: str(d.title) for d in book.dimensions}
    before = rss()
    start = time.perf_counter()
    finder = PeerFinder(n_neighbors=K, algorithm=algorithm)  # type: ignore[arg-type]
    finder.fit(records, columns=columns, dimension_titles=titles)
    build = time.perf_counter() - start
    grown = rss() - before
    picks = np.random.default_rng(seed + 1).choice(n, size=QUERIES + 1, replace=n < QUERIES + 1)
    queries = [records[int(i)] for i in picks]
    index = finder.indexes_["comparable"]
    rows = [finder.space_.row(r.profile, r.scores)[index.columns][None, :] for r in queries]

    def full(i: int) -> object:
        return finder.comparable(queries[i].profile, queries[i].scores, city_id=queries[i].id)

    def search(i: int) -> object:
        return index.core._kneighbors_trusted(rows[i], K + 1)

    def same_stage(i: int) -> object:
        return finder.same_stage(queries[i].profile, queries[i].scores, city_id=queries[i].id)

    def learn_from(i: int) -> object:
        return finder.learn_from(queries[i].profile, queries[i].scores, city_id=queries[i].id)

    timed = {
        "full_ms": median_ms(full, QUERIES),
        "search_ms": median_ms(search, QUERIES),
        "same_stage_ms": median_ms(same_stage, QUERIES),
        "learn_from_ms": median_ms(learn_from, QUERIES),
    }
    plain_X = one_hot_matrix(finder, columns)
    plain_q = plain_X[np.argsort(finder.order_)[picks]][:, None, :]  # the same cities' rows
    before_nn = rss()
    start = time.perf_counter()
    plain = NearestNeighbors(n_neighbors=K + 1).fit(plain_X)
    plain_build = time.perf_counter() - start
    plain_grown = rss() - before_nn
    return {
        "n": n,
        "origin": origin,
        "algorithm": algorithm,
        "same_stage_index": finder.indexes_["same_stage"].core.index_.algorithm,
        "build_s": build,
        **timed,
        "rss_mb": grown / 2**20,
        "arrays_mb": finder_nbytes(finder) / 2**20,
        "plain_build_s": plain_build,
        "plain_ms": median_ms(lambda i: plain.kneighbors(plain_q[i]), QUERIES),
        "plain_1t_ms": _single_threaded(lambda i: plain.kneighbors(plain_q[i]), QUERIES),
        "plain_rss_mb": plain_grown / 2**20,
        "plain_arrays_mb": plain_X.nbytes / 2**20,
    }


def _single_threaded(run: Callable[[int], object], count: int) -> float:
    # Brute force runs OpenMP threads; on a busy 2-core machine they wait on each other.
    with threadpool_limits(1):
        return median_ms(run, count)


def table(results: list[dict[str, object]]) -> str:
    head = (
        "| pool | build (s) | query: search (ms) | query: `comparable()` explained (ms) "
        "| `same_stage()` (ms) | `learn_from()` (ms) | same-stage index "
        "| RSS growth (MB) | fitted arrays (MB) "
        "| baseline build (s) | baseline query (ms) | baseline query, 1 thread (ms) "
        "| baseline RSS (MB) | baseline arrays (MB) |"
    )
    lines = [head, "|" + "---|" * 14]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['build_s']:.3f} | {r['search_ms']:.3f} | {r['full_ms']:.3f} "
            f"| {r['same_stage_ms']:.3f} | {r['learn_from_ms']:.3f} | {r['same_stage_index']} "
            f"| {r['rss_mb']:.1f} "
            f"| {r['arrays_mb']:.1f} | {r['plain_build_s']:.3f} | {r['plain_ms']:.3f} "
            f"| {r['plain_1t_ms']:.3f} | {r['plain_rss_mb']:.1f} | {r['plain_arrays_mb']:.1f} |"
        )
    return "\n".join(lines)


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}, load average {load} "
        "at the end of the run), "
        f"{platform.machine()}, Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}"
    )


def section(results: list[dict[str, object]], command: str) -> str:
    first = results[0]
    return f"""{HEADING}

Command: `{command}` — {date.today().isoformat()}, {machine()}.
Pool: {first["origin"]}; records are built lazily, only for the peers shown.
PeerFinder algorithm: `{first["algorithm"]}`; k = {K}; medians over {QUERIES} queries, each
query city left out of its own peers (`city_id`), as the web app asks.

* *search*: the comparable-mode neighbour search alone (`WeightedNeighbors`, exact float64
  distances and tie order by id included); *explained*: a full `comparable()` call with
  contributions, reasons, names (records built lazily) and the position against the peer
  median; `same_stage()` and `learn_from()` (up to 3 weak dimensions) likewise, timed before
  the baseline runs (its threads keep spinning after each query); *same-stage index*: the
  structure `auto` chose for the 14 same-stage columns.
* *baseline*: a plain `NearestNeighbors(n_neighbors={K + 1})` (default `algorithm="auto"`)
  over the same weighted comparable-mode features with the region and the continent one-hot
  (the same distances), in the same run; its query is `kneighbors` on one row, with scikit-learn's
  default threads and limited to one thread (brute force on a busy machine suffers from its
  OpenMP threads waiting for each other).
* *RSS growth*: growth of the process's resident memory during the build; *fitted arrays*:
  bytes of the arrays the fitted finder keeps (both modes' matrices, trees, ids, levels,
  scores).

Targets at 100,000 cities (DESIGN §6): query ≤ 2 ms median, build ≤ 1 s, ≤ 100 MB.

What makes the queries fast (each found by profiling this script):

* the world region is one categorical column, not 20-odd one-hot columns: from about 48,000
  cities each region has its own KD tree over the 5 remaining context columns (below, one
  pass over all rows is faster), and a query looks beyond its own region only when another
  region could still be nearer than its k-th neighbour; over the
  one-hot matrix a query took about 2.5 ms with a KD tree and 4 ms by brute force at 100,000
  cities (the search column above is the same search now);
* scikit-learn's `KDTree` is queried directly: `NearestNeighbors.kneighbors` spends about
  0.3 ms validating a one-row query, ten times the search;
* weights are multiplied into a float32 matrix once, at build time; the finder builds the
  query row itself, weighs it once for both the search and the contributions, does not
  validate it again, and reads records only for the k peers found;
* same stage: up to about 380,000 cities (`15000 * 2 ** (14 / 3)` rows), a pass over all rows
  beats a KD tree in 14 columns (search 0.46 against 0.81 ms at 100,000): the rows are stored
  transposed and by region, one single-threaded `np.einsum` gives `|x|² - 2 x·q` for all,
  the region mismatch is one slice, and partial sorts of a 2,048-row sample and of the few
  hundred rows under its bound find the k-th; a float32 rounding-error bound keeps the cut
  exact, and the survivors are ranked in float64 as before (same peers, same order). With
  the KD tree and per-peer explanations, `same_stage()` took 2.1–2.4 ms at 100,000 in this
  script on this machine;
* explanations are computed for the k peers at once: contributions, distances and stage
  reasons as arrays, and each `Peer` is validated in one pydantic call with its contributions
  as plain dicts;
* peer scores are kept in float64, like the city's own, so that peer medians carry no float32
  artefacts (`77.77777777777777`, not `77.77777862548828`): 36 MB more at 1,000,000 cities.

{table(results)}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 10**6])
    parser.add_argument(
        "--algorithm", default="auto", choices=["auto", "brute", "kd_tree", "ball_tree"]
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    book = load_rulebook()
    results = []
    for n in args.sizes:
        results.append(bench(book, n, args.algorithm))
        print(table(results[-1:]).splitlines()[-1], flush=True)
    command = " ".join([".venv/bin/python", "perf/bench_peers.py", *sys.argv[1:]])
    text = section(results, command)
    print(text)
    if not args.no_write:
        write_section(HEADING, text)
        print(f"written to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
