"""Advice: next steps, practices common among peers (with privacy), learning partners."""

from __future__ import annotations

import pytest
from pools import planted_pool

from benchmark.advice import Advice, advise, common_practices
from benchmark.peers import PeerFinder
from benchmark.privacy import MIN_GROUP_SIZE
from benchmark.steps import next_steps
from rules import Rulebook, load_rulebook, score_assessment, text_in, validate_answers
from rules.answers import Answers
from rules.index import RulebookIndex


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="module")
def planted(book):
    return planted_pool(book, per_group=20, seed=5)[0]


@pytest.fixture(scope="module")
def finder(planted, book) -> PeerFinder:
    titles = {d.id: text_in(d.title) for d in book.dimensions}
    return PeerFinder().fit(planted, dimension_titles=titles)


def _card(book, record):
    return score_assessment(book, {"answers": record.answers})


def test_advice_brings_the_three_parts(book, planted, finder):
    record = planted[7]
    card = _card(book, record)
    advice = advise(book, card, finder, record.profile, city_id=record.id)
    assert advice.next_steps == next_steps(book, card, record.profile)  # fitted to the city
    assert [g.target for g in advice.learning] == [
        g.target for g in finder.learn_from(record.profile, card, city_id=record.id)
    ]
    assert all(g.mode == "learn_from" for g in advice.learning)
    assert Advice.model_validate_json(advice.model_dump_json()) == advice


def test_practice_counts_are_those_of_the_peers(book, planted, finder):
    index = RulebookIndex.of(book)
    checked = 0
    for record in planted[::9]:
        card = _card(book, record)
        group = finder.comparable(record.profile, card, city_id=record.id)
        peers = [finder.record(p.id) for p in group.peers]
        chosen = [validate_answers(book, Answers(answers=p.answers)).chosen() for p in peers]
        mine = validate_answers(book, Answers(answers=record.answers)).chosen()
        practices, note = common_practices(book, card, peers)
        assert note is None
        for practice in practices:
            target = index.option_index[practice.question][practice.option]
            count = sum(c.get(practice.question, -1) >= target for c in chosen)
            assert practice.peers_with == count and 2 * count > len(peers)
            assert practice.group_size == len(peers) == 10
            assert mine.get(practice.question, -1) < target
            counted = "peers, demo cities included," if practice.demo_included else "peer cities"
            assert practice.text.startswith(f"{count} of your 10 {counted} answer “")
            checked += 1
        counts = [p.peers_with for p in practices]
        assert counts == sorted(counts, reverse=True)
    assert checked > 0


def test_no_practice_where_the_city_is_already_at_the_top(book, planted, finder):
    record = planted[0]
    answers = dict(record.answers)
    answers["strategy.priorities"] = "defined_with_objectives"
    card = score_assessment(book, {"answers": answers})
    group = finder.comparable(record.profile, card, city_id=record.id)
    peers = [finder.record(p.id) for p in group.peers]
    practices, _ = common_practices(book, card, peers)
    assert "strategy.priorities" not in {p.question for p in practices}


@pytest.mark.parametrize("k", [1, MIN_GROUP_SIZE - 1])
def test_no_counts_over_fewer_than_five_peers(book, planted, finder, k):
    record = planted[3]
    card = _card(book, record)
    advice = advise(book, card, finder, record.profile, k=k, city_id=record.id)
    assert advice.practices == []
    assert "fewer than 5" in (advice.practices_note or "")
    assert all(g.positions == [] for g in advice.learning)


def test_peers_whose_answers_do_not_fit_leave_the_group(book, planted, finder):
    record = planted[3]
    card = _card(book, record)
    group = finder.comparable(record.profile, card, city_id=record.id)
    peers = [finder.record(p.id) for p in group.peers]
    stale = [p.model_copy(update={"answers": {"old.question": "yes"}}) for p in peers[:6]]
    practices, note = common_practices(book, card, stale + peers[6:])
    assert practices == [] and note is not None and "fewer than 5" in note
