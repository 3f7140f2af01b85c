"""The pool file: JSON Lines round trip, and every bad line reported with nothing loaded."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmark.demo import generate_demo_pool
from benchmark.errors import BenchmarkError, LineProblem, PoolFileError
from benchmark.pool import append_to_pool, load_pool, save_pool
from benchmark.record import PoolRecord
from rules import Rulebook, load_rulebook


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="module")
def records(book: Rulebook) -> list[PoolRecord]:
    return generate_demo_pool(6, 11, book)


def as_dict(record: PoolRecord) -> dict[str, Any]:
    return json.loads(record.model_dump_json())


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_round_trip_keeps_every_record(tmp_path: Path, records: list[PoolRecord]) -> None:
    path = tmp_path / "pool.jsonl"
    assert save_pool(records, path) == len(records)
    lines = path.read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [r.id for r in records]
    assert load_pool(path) == records


def test_round_trip_verifies_scores_against_the_rulebook(
    tmp_path: Path, records: list[PoolRecord], book: Rulebook
) -> None:
    path = tmp_path / "pool.jsonl"
    save_pool(records, path)
    assert load_pool(path, rulebook=book) == records


def test_blank_lines_are_skipped(tmp_path: Path, records: list[PoolRecord]) -> None:
    lines = [records[0].model_dump_json(), "", "   ", records[1].model_dump_json()]
    assert load_pool(write_lines(tmp_path / "p.jsonl", lines)) == records[:2]


def test_save_replaces_the_file_and_leaves_no_temporary_file(
    tmp_path: Path, records: list[PoolRecord]
) -> None:
    path = tmp_path / "sub" / "pool.jsonl"
    save_pool(records, path)
    save_pool(records[:2], path)
    assert load_pool(path) == records[:2]
    assert [p.name for p in path.parent.iterdir()] == ["pool.jsonl"]


def _set(section: str | None, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        (data[section] if section else data)[key] = value

    return mutate


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.pop(key)


BAD_RECORDS = [
    (_set("profile", "population", 0), "profile.population: Input should be greater than 0"),
    (_drop("scores"), "scores: Field required"),
    (_set(None, "source", "mystery"), "source: Input should be 'demo', 'import' or 'submitted'"),
    (_set(None, "colour", "red"), "colour: Extra inputs are not permitted"),
    (
        _set("profile", "country", "Germany"),
        "profile.country: String should match pattern '^[A-Z]{2}$'",
    ),
    (
        _set(None, "assessed_on", "2024-13-01"),
        "assessed_on: Input should be a valid date or datetime, "
        "month value is outside expected range of 1-12",
    ),
    (
        _set("answers", "strategy.document", [1]),
        "answers.strategy.document: Input should be an option value (text) or a number",
    ),
]


@pytest.mark.parametrize(("mutate", "reason"), BAD_RECORDS)
def test_a_bad_record_is_reported_with_file_line_and_reason(
    tmp_path: Path,
    records: list[PoolRecord],
    mutate: Callable[[dict[str, Any]], None],
    reason: str,
) -> None:
    bad = as_dict(records[2])
    mutate(bad)
    lines = [r.model_dump_json() for r in records[:2]] + [json.dumps(bad)]
    path = write_lines(tmp_path / "pool.jsonl", lines)
    with pytest.raises(PoolFileError) as caught:
        load_pool(path)
    assert caught.value.problems == [LineProblem(str(path), 3, reason)]
    assert f"{path}:3: {reason}" in str(caught.value)
    assert "nothing was loaded" in str(caught.value)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "invalid JSON: key must be a string at column 2"),
        ('{"id": "a"', "invalid JSON: EOF while parsing an object at column 10"),
        ("[1, 2]", "Input should be an object"),
    ],
)
def test_a_line_that_is_not_a_json_object_is_reported(
    tmp_path: Path, records: list[PoolRecord], line: str, reason: str
) -> None:
    path = write_lines(tmp_path / "pool.jsonl", [records[0].model_dump_json(), line])
    with pytest.raises(PoolFileError) as caught:
        load_pool(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}:2: {reason}"]


def test_every_bad_line_is_reported_in_order_and_nothing_loaded(
    tmp_path: Path, records: list[PoolRecord]
) -> None:
    broken = as_dict(records[3])
    broken["profile"]["population"] = -5
    broken["consent_named"] = "perhaps"
    lines = [
        records[0].model_dump_json(),
        "oops",
        records[1].model_dump_json(),
        json.dumps(broken),
        records[0].model_dump_json(),  # the same id again
    ]
    path = write_lines(tmp_path / "pool.jsonl", lines)
    with pytest.raises(PoolFileError) as caught:
        load_pool(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2: invalid JSON: expected value at column 1",
        f"{path}:4: consent_named: Input should be a valid boolean, unable to interpret input",
        f"{path}:4: profile.population: Input should be greater than 0",
        f"{path}:5: duplicate id '{records[0].id}' (first on line 1)",
    ]
    assert str(caught.value).startswith("the pool file has 3 bad lines; nothing was loaded:")
    assert isinstance(caught.value, BenchmarkError)


def test_answers_that_do_not_fit_the_rulebook_are_reported(
    tmp_path: Path, records: list[PoolRecord], book: Rulebook
) -> None:
    bad = as_dict(records[1])
    bad["answers"]["strategy.document"] = "bogus"
    path = write_lines(tmp_path / "pool.jsonl", [records[0].model_dump_json(), json.dumps(bad)])
    assert len(load_pool(path)) == 2  # the shape is fine: only the rulebook can tell
    with pytest.raises(PoolFileError) as caught:
        load_pool(path, rulebook=book)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2: answers do not fit rulebook {book.id} {book.version}: strategy.document: "
        "'bogus' is not an option of this question; choose one of: none, informal, "
        "in_preparation, adopted_dated, adopted_current"
    ]


def test_stored_scores_that_the_rulebook_does_not_give_are_reported(
    tmp_path: Path, records: list[PoolRecord], book: Rulebook
) -> None:
    bad = as_dict(records[0])
    true_score = bad["scores"]["overall_score"]
    bad["scores"]["overall_score"] = 99.5
    path = write_lines(tmp_path / "pool.jsonl", [json.dumps(bad)])
    with pytest.raises(PoolFileError) as caught:
        load_pool(path, rulebook=book)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1: stored scores differ from those of rulebook {book.id} {book.version}: "
        f"scores.overall_score 99.5 stored, {true_score!r} by the rulebook"
    ]


def test_append_creates_the_pool_then_adds_to_it(
    tmp_path: Path, records: list[PoolRecord]
) -> None:
    path = tmp_path / "pool.jsonl"
    assert append_to_pool(records[:2], path) == 2
    assert append_to_pool(records[2:], path) == len(records)
    assert load_pool(path) == records


def test_append_refuses_an_id_already_in_the_pool_and_writes_nothing(
    tmp_path: Path, records: list[PoolRecord]
) -> None:
    path = tmp_path / "pool.jsonl"
    save_pool(records[:3], path)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=f"ids already in the pool or repeated: {records[1].id}"):
        append_to_pool(records[1:], path)
    assert path.read_bytes() == before
