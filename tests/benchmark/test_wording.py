"""Every sentence the benchmark writes for a person goes through the interface's catalog.

What a reader of another language expects: the reasons beside each peer, the notes of a peer
group, a city's anonymous label, the advice on common practices, the problems of a survey
import and the problems of a set of answers all come in their language — the words of the
catalog, and the numbers written as their language writes them — while the data behind them
(a profile's region, a size band, a group's key) stays English.

The tests read the benchmark in a pseudo-language: :func:`rules.locale.use_locale` with a
"catalog" that wraps every message in ⟦…⟧ (as the web app's French catalog would put French
words there). A text that did not go through :func:`rules.locale.phrase` comes out unwrapped.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from pools import planted_pool, random_pool

import rules.locale as locale
from benchmark.advice import advise, common_practices
from benchmark.aggregates import ALL_CITIES, EU_LABELS, group_name
from benchmark.errors import SurveyImportError
from benchmark.explain import PeerGroup, population_text
from benchmark.peers import PeerFinder
from benchmark.privacy import anonymous_label, display_name
from benchmark.profile import SIZE_BANDS, TEAM_BANDS
from benchmark.survey_csv import import_survey
from benchmark.wording import M49_NAMES, region_name
from rules import (
    Answers,
    AnswersError,
    Rulebook,
    load_rulebook,
    score_assessment,
    validate_answers,
)
from rules.locale import use_locale

REGIONS = Path(__file__).parents[2] / "benchmark" / "data" / "regions.csv"


def wrapped(text: str | None) -> bool:
    """True when ``text`` is a message of the pseudo catalog (a whole sentence)."""
    return text is not None and text.startswith("⟦") and text.endswith("⟧")


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


@pytest.fixture
def pseudo() -> Iterator[None]:
    """The context reads in a pseudo-language whose catalog wraps every message."""
    # what was installed before (English, or a test app's), put back afterwards
    previous = (locale._language, locale._translate, locale._translate_plural)
    use_locale(lambda: "fr", lambda m: f"⟦{m}⟧", lambda s, p, n: f"⟦{s if n == 1 else p}⟧")
    yield
    use_locale(*previous)


@pytest.fixture
def french_numbers() -> Iterator[None]:
    """The context is French, its catalog not translated yet: only the numbers change."""
    previous = (locale._language, locale._translate, locale._translate_plural)
    use_locale(lambda: "fr", lambda m: m, lambda s, p, n: s if n == 1 else p)
    yield
    use_locale(*previous)


@pytest.fixture(scope="module")
def mixed(book: Rulebook):
    """Named and anonymous cities of several regions and sizes (not demo)."""
    return random_pool(book, 120, seed=11, consent_share=0.5)


@pytest.fixture(scope="module")
def demo(book: Rulebook):
    """Fictional demo cities."""
    return planted_pool(book, per_group=12, seed=3)[0]


def _finder(pool, book: Rulebook) -> PeerFinder:
    return PeerFinder(n_neighbors=8).fit(
        pool, dimension_titles={d.id: d.title for d in book.dimensions}
    )


def _groups(finder: PeerFinder, record, book: Rulebook) -> list[PeerGroup]:
    card = score_assessment(book, Answers(answers=dict(record.answers)))
    return [
        finder.comparable(record.profile, card, city_id=record.id),
        finder.same_stage(record.profile, card, city_id=record.id),
        *finder.learn_from(record.profile, card, city_id=record.id),
    ]


def _check_group(group: PeerGroup, named: Callable[[str], str | None]) -> None:
    """Every sentence of ``group`` is a catalog message; a named city keeps its name."""
    assert group.note is None or wrapped(group.note), group.note
    for peer in group.peers:
        assert peer.reasons and all(wrapped(r) for r in peer.reasons), peer.reasons
        name = named(peer.id)
        assert peer.name == name if name is not None else wrapped(peer.name), peer.name
        for contribution in peer.contributions:
            if contribution.feature in ("population", "region", "continent", "eu_member"):
                assert wrapped(contribution.label), contribution.label
    for position in group.positions:
        assert wrapped(position.position_text), position.position_text


def test_every_name_of_the_region_table_is_marked_for_the_catalog() -> None:
    with REGIONS.open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    in_table = {
        row[column] for row in rows for column in ("region", "sub_region", "intermediate_region")
    }
    assert in_table - {""} == M49_NAMES


def test_peers_reasons_names_and_positions_read_in_the_readers_language(
    mixed, book: Rulebook, pseudo: None
) -> None:
    finder = _finder(mixed, book)
    by_id = {r.id: r for r in mixed}

    def named(record_id: str) -> str | None:
        record = by_id[record_id]
        return record.profile.name if record.consent_named else None

    seen = 0
    for record in mixed[:6]:
        for group in _groups(finder, record, book):
            _check_group(group, named)
            seen += len(group.peers)
    assert seen > 30
    anonymous = next(r for r in mixed if not r.consent_named)
    size, region = anonymous.profile.size_band, anonymous.profile.region
    assert anonymous_label(anonymous) == f"⟦a city of ⟦{size}⟧ in ⟦{region}⟧⟧"


def test_a_demo_city_is_marked_in_the_readers_language(demo, book: Rulebook, pseudo: None):
    record = next(r for r in demo if r.consent_named)
    assert display_name(record) == f"⟦{record.profile.name} (demo data)⟧"
    finder = _finder(demo, book)
    for group in _groups(finder, demo[0], book):
        _check_group(group, lambda _id: None)  # every demo name is marked: a message


def test_advice_on_practices_reads_in_the_readers_language(
    mixed, demo, book: Rulebook, pseudo: None
) -> None:
    finder = _finder(mixed, book)
    record = mixed[3]
    card = score_assessment(book, Answers(answers=dict(record.answers)))
    advice = advise(book, card, finder, record.profile, city_id=record.id)
    assert advice.practices, "this city lacks practices most of its peers have"
    for practice in advice.practices:
        assert wrapped(practice.text), practice.text
        assert practice.question_text in practice.text and practice.option_label in practice.text
    _practices, note = common_practices(book, card, demo[:3])
    assert wrapped(note), note


def test_one_fitted_finder_speaks_the_language_of_each_query(mixed, book: Rulebook) -> None:
    titles = {
        d.id: {"en": f"{d.id} in English", "fr": f"{d.id} en français"} for d in book.dimensions
    }
    finder = PeerFinder(n_neighbors=8).fit(mixed, dimension_titles=titles)
    record = mixed[0]
    card = score_assessment(book, Answers(answers=dict(record.answers)))
    english = finder.comparable(record.profile, card, city_id=record.id)
    previous = (locale._language, locale._translate, locale._translate_plural)
    use_locale(lambda: "fr", lambda m: m, lambda s, p, n: s if n == 1 else p)
    try:
        french = finder.comparable(record.profile, card, city_id=record.id)
    finally:
        use_locale(*previous)
    assert [p.label for p in english.positions] == [
        titles[p.dimension]["en"] for p in english.positions
    ]
    assert [p.label for p in french.positions] == [
        titles[p.dimension]["fr"] for p in french.positions
    ]


def test_numbers_in_reasons_are_written_as_the_language_writes_them(french_numbers: None):
    assert population_text(450_000) == "0,45M"
    assert population_text(1_230_000) == "1,2M"
    assert population_text(85_000) == "85k"


def test_numbers_in_english_are_as_before() -> None:
    assert [population_text(p) for p in (450_000, 1_230_000, 85_000, 999_999)] == [
        "0.45M",
        "1.2M",
        "85k",
        "1M",
    ]


def test_groups_regions_and_bands_show_in_the_readers_language_as_data_stays(pseudo: None):
    assert group_name("overall", ALL_CITIES) == "⟦all cities⟧"
    assert group_name("eu_member", EU_LABELS[False]) == "⟦not an EU member⟧"
    assert group_name("region", "Western Europe") == "⟦Western Europe⟧"
    assert group_name("size_band", SIZE_BANDS[3][1]) == "⟦0.5–1M⟧"
    assert region_name("Atlantis") == "Atlantis", "a region typed by hand is shown as typed"
    # the data: English, whatever the reader's language
    assert ALL_CITIES == "all cities" and SIZE_BANDS[3][1] == "0.5–1M"
    assert TEAM_BANDS[2][1] == "1–3 FTE"


def _survey(book: Rulebook, rows: list[list[str]], header: list[str] | None = None) -> str:
    questions = [q.id for d in book.dimensions for q in d.questions]
    columns = header or ["name", "country", "population", "capital", "consent_named", "id"]
    out = [",".join([*columns, *questions])]
    out += [",".join(row + [""] * len(questions) * (len(row) > 1)) for row in rows]
    return "\n".join(out) + "\n"


def test_survey_problems_read_in_the_readers_language(book: Rulebook, pseudo: None) -> None:
    text = _survey(
        book,
        [
            ["", "XX", "many", "perhaps", "yes", "x" * 70, "red"],
            ["Town", "DE", "1000", "no", "no", "a", "red"],
            ["Town", "DE", "1000", "no", "no", "a", "red"],
            ["Short row"],
        ],
        header=["name", "country", "population", "capital", "consent_named", "id", "colour"],
    )
    with pytest.raises(SurveyImportError) as info:
        import_survey(text, book, assessed_on=date(2025, 1, 1))
    problems = info.value.problems
    assert len(problems) > 10  # answers required, bad cells, the unknown column, the ids
    assert all(wrapped(p.message) for p in problems), [p.message for p in problems]
    assert str(info.value).startswith("⟦the survey file has problems on")
    assert all(wrapped(line.strip()) for line in str(info.value).splitlines()[1:])


def test_answer_problems_read_in_the_readers_language_and_say_their_kind(
    book: Rulebook, pseudo: None
) -> None:
    questions = {q.id: q for d in book.dimensions for q in d.questions}
    no_na = next(q for q in questions.values() if not q.allow_na and q.kind == "choice")
    given = {"nowhere.question": "x", no_na.id: "na"}
    with pytest.raises(AnswersError) as info:
        validate_answers(book, Answers(rulebook="another", answers=given, notes={"no.such": "n"}))
    problems = info.value.problems
    assert all(wrapped(p.message) for p in problems), [p.message for p in problems]
    kinds = {p.kind for p in problems}
    assert {"rulebook", "unknown_question", "unknown_note", "na_not_allowed", "required"} <= kinds
    assert next(p for p in problems if p.question == no_na.id).kind == "na_not_allowed"
