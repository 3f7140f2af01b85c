"""The pure parts of team assessment: evidence rules and when a disagreement opens."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from web.assessment.evidence import (
    evidence_counts,
    months_before,
    read_checked,
    read_link,
)
from web.storage.disputes import choose, open_disputes, updated_disputes

AT = "2026-12-04T10:00:00"
TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    "link",
    ["https://example.org/a?b=c#d", "http://intranet.city.example/doc", "HTTPS://EXAMPLE.ORG"],
)
def test_web_addresses_are_kept_as_typed(app: Flask, link: str) -> None:
    with app.test_request_context():
        assert read_link(f"  {link} ").value == link


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "data:text/html,<script>x</script>",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "//example.org/x",
        "https://",
        "https://exa mple.org",
        "https://example.org/\nSet-Cookie: x",
        "https://[::1",
        "https://example.org/" + "x" * 2000,
    ],
)
def test_anything_else_is_refused_with_a_message(app: Flask, link: str) -> None:
    with app.test_request_context():
        entry = read_link(link)
    assert entry.value is None and entry.error


def test_an_empty_link_is_no_link(app: Flask) -> None:
    with app.test_request_context():
        assert read_link("   ").value is None and read_link("").error is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("2025-06-30", "2025-06-30"), ("2026-12-04", "2026-12-04"), ("", None)],
)
def test_a_checked_date_is_a_past_iso_date(app: Flask, text: str, value: str | None) -> None:
    with app.test_request_context():
        entry = read_checked(text, today=TODAY)
    assert entry.value == value and entry.error is None


@pytest.mark.parametrize("text", ["2026-12-05", "20250101", "2025-W01-1", "30.06.2025", "x"])
def test_other_dates_are_refused(app: Flask, text: str) -> None:
    with app.test_request_context():
        assert read_checked(text, today=TODAY).error


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 4), 18, date(2025, 6, 4)),
        (date(2026, 8, 31), 18, date(2025, 2, 28)),
        (date(2028, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


def test_evidence_counts_notes_and_links_and_flags_old_checks(app: Flask) -> None:
    from web import state

    with app.app_context():
        book = state.rulebook()
    strategy = next(d for d in book.dimensions if d.id == "strategy")
    q1, q2, q3, *_ = [q.id for q in strategy.questions]
    answers = {q1: "a", q2: "b", q3: "unknown"}
    notes = {q1: "Council decision 14/2025"}
    evidence = {
        q1: {"link": None, "checked": "2025-06-04"},  # exactly 18 months: not old
        q2: {"link": "https://example.org", "checked": "2025-06-03"},  # a day older: old
        q3: {"link": "https://example.org", "checked": "2020-01-01"},  # "I don't know"
    }
    overall, per_dimension = evidence_counts(
        book, answers, notes, evidence, today=TODAY, max_age_months=18
    )
    assert (per_dimension["strategy"].answers, per_dimension["strategy"].evidenced) == (2, 2)
    assert per_dimension["strategy"].stale == 1
    assert (overall.answers, overall.evidenced, overall.stale) == (2, 2, 1)
    assert all(c.answers == 0 for d, c in per_dimension.items() if d != "strategy")


def test_a_colleague_changing_the_owners_answer_opens_a_disagreement() -> None:
    disputes = updated_disputes({}, {"q": "a"}, {"q": {"by": None}}, {"q": "b"}, by=7, at=AT)
    assert open_disputes(disputes) == ["q"]
    assert [(a["by"], a["value"]) for a in disputes["q"]["answers"]] == [(None, "a"), (7, "b")]


def test_changing_ones_own_answer_or_agreeing_opens_none() -> None:
    own = updated_disputes({}, {"q": "a"}, {"q": {"by": 7}}, {"q": "b"}, by=7, at=AT)
    assert own == {}
    first = updated_disputes({}, {}, {}, {"q": "a"}, by=7, at=AT)
    assert first == {}
    opened = updated_disputes({}, {"q": "a"}, {"q": {"by": None}}, {"q": "b"}, by=7, at=AT)
    agreed = updated_disputes(opened, {"q": "b"}, {"q": {"by": 7}}, {"q": "a"}, by=7, at=AT)
    assert agreed == {}, "everyone now gives the same answer"


def test_the_owners_own_change_settles_an_open_disagreement_and_it_is_kept() -> None:
    opened = updated_disputes({}, {"q": "a"}, {"q": {"by": None}}, {"q": "b"}, by=7, at=AT)
    settled = updated_disputes(opened, {"q": "b"}, {"q": {"by": 7}}, {"q": "c"}, by=None, at=AT)
    assert open_disputes(settled) == []
    assert settled["q"]["chosen"] == "c" and settled["q"]["resolved_at"] == AT


def test_a_question_no_longer_answered_drops_its_disagreement() -> None:
    opened = updated_disputes({}, {"q": "a"}, {"q": {"by": None}}, {"q": "b"}, by=7, at=AT)
    assert updated_disputes(opened, {"q": "b"}, {}, {}, by=None, at=AT) == {}


def test_choosing_an_answer_credits_who_gave_it() -> None:
    opened = updated_disputes({}, {"q": "a"}, {"q": {"by": None}}, {"q": "b"}, by=7, at=AT)
    entry, value, by = choose(opened["q"], 1, at=AT)
    assert (value, by, entry["resolved_at"]) == ("b", 7, AT)
    with pytest.raises(IndexError):
        choose(opened["q"], 2, at=AT)
