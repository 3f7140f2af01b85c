"""Which groups of a pool may be published, so that no figure can be subtracted from another.

A minimum group size alone does not protect a city: "Western Europe" (6 cities) minus
"Western Europe, EU members only" (5 cities) is the one non-EU city's answers. Every figure
the aggregates publish is a sum over a *group*: the cities matching a region, a size band and
an EU membership, each either fixed or "any", with demo cities counted or not. Anyone may ask
for every such group, so which groups are published is decided here once, for the whole
pool, and every view (dashboard, exports, CLI) shows only the figures of published groups.

The method: blocks
------------------
Cities that lie in exactly the same published groups form a *block*. Every published figure
is a sum over whole blocks, so every sum or difference of published figures — two filters,
a total minus its other rows, two values of one filter, any number of figures from any
number of queries — is a sum over whole blocks too and cannot single out part of a block.
:func:`plan_publication` admits a group only if, afterwards, every block of cities that are
in at least one published group still holds at least :data:`MIN_GROUP_SIZE` cities; a group
that would split off a smaller block is suppressed. The guarantee that follows:

    No combination of published figures is a figure over 1 to 4 cities. In particular, for
    published groups H ⊂ G, G minus H holds no city or at least 5 cities.

Groups are tried from coarse to fine (all cities; one filter; two; three), larger groups of a
kind before smaller ones, so that the headline figures win over narrow ones; which grouping
goes first is chosen per pool (:data:`ORDERS`). The plan counts cities per (region, size band, EU
membership, demo) only, never their answers: what is suppressed says nothing about what
cities answered.

Each figure is planned over the cities it counts: a headline indicator over the cities
scored with it, a level distribution over the cities with a level in that dimension. A
figure is shown only when its group is published both for the cities and for that figure
(leaving groups out only merges blocks, so this keeps the guarantee).

Demo cities are counted like real ones, as the minimum group size always counted them: the
figures a page shows include them, and so do its groups. But their answers are no secret
(the demo pool is generated from a seed, and demo peers are shown), so they never shield a
real city: every block must also hold no real city or at least :data:`MIN_GROUP_SIZE` real
cities. Groups with and without demo cities are planned together, so one cannot be set
against the other either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import combinations, permutations, product

from benchmark.pool_facts import PoolFacts
from benchmark.privacy import MIN_GROUP_SIZE
from benchmark.profile import SIZE_BANDS
from benchmark.record import PoolRecord

__all__ = ["GroupKey", "Publication", "plan_publication"]

#: The attributes a group may fix, in the order rows are reported.
ATTRIBUTES = ("region", "size_band", "eu_member")

#: The orders in which the attributes' groups may be tried. Cross-cutting groupings compete:
#: once the regions are shown, EU membership splits off the few EU members of a non-European
#: region and cannot be; once EU membership is shown, the same region cannot be. Which order
#: shows more depends on the pool, so every order is tried over the cities and the one that
#: shows the most rows of the unfiltered table (then the most groups; then the first) is kept.
ORDERS: tuple[tuple[str, ...], ...] = tuple(permutations(ATTRIBUTES))

#: The finest split of the pool: (region, size band, EU member, demo, year of assessment).
Atom = tuple[str, str, bool, bool, int]


@dataclass(frozen=True)
class GroupKey:
    """A group of cities: each attribute fixed, or None for any; demo cities counted or not."""

    region: str | None = None
    size_band: str | None = None
    eu_member: bool | None = None
    include_demo: bool = True
    #: a year of assessment (the dashboard's trend); fixed only with no other attribute
    year: int | None = None

    def contains(self, record: PoolRecord) -> bool:
        """True when ``record`` is one of the group's cities."""
        return self._holds(_atom_of(record))

    def _holds(self, atom: Atom) -> bool:
        region, band, eu, demo, year = atom
        return (
            (self.region is None or self.region == region)
            and (self.size_band is None or self.size_band == band)
            and (self.eu_member is None or self.eu_member == eu)
            and (self.include_demo or not demo)
            and (self.year is None or self.year == year)
        )

    def narrowed(self, attribute: str, value: str | bool) -> GroupKey:
        """This group with ``attribute`` (one of :data:`ATTRIBUTES`) fixed to ``value``."""
        if attribute == "region" and isinstance(value, str):
            return replace(self, region=value)
        if attribute == "size_band" and isinstance(value, str):
            return replace(self, size_band=value)
        if attribute == "eu_member" and isinstance(value, bool):
            return replace(self, eu_member=value)
        raise ValueError(f"cannot fix {attribute!r} to {value!r}")


@dataclass(frozen=True)
class Publication:
    """The groups of one pool whose figures may be shown (see the module docstring)."""

    #: groups whose city counts may be shown
    groups: frozenset[GroupKey]
    #: indicator id → groups whose share of that indicator may be shown
    indicators: Mapping[str, frozenset[GroupKey]] = field(default_factory=dict)
    #: dimension id → groups whose level distribution in that dimension may be shown
    dimensions: Mapping[str, frozenset[GroupKey]] = field(default_factory=dict)

    def shows(self, group: GroupKey) -> bool:
        """True when the group's row (its count of cities) may be shown."""
        return group in self.groups

    def shows_indicator(self, group: GroupKey, indicator: str) -> bool:
        """True when the group's figures for ``indicator`` may be shown."""
        return self.shows(group) and group in self.indicators.get(indicator, frozenset())

    def shows_levels(self, group: GroupKey, dimension: str) -> bool:
        """True when the group's level distribution in ``dimension`` may be shown."""
        return self.shows(group) and group in self.dimensions.get(dimension, frozenset())


def plan_publication(records: Iterable[PoolRecord] | PoolFacts) -> Publication:
    """Choose the groups of the whole pool ``records`` (records, or their facts) that may be
    published.

    The plan must see the whole pool, never a filtered part: the attack it prevents sets
    the figures of one filter against those of another.
    """
    # Count kinds of record first: most records carry the same indicators and dimensions,
    # so the per-figure counts are built from a few hundred kinds, not from every record.
    kinds: Counter[tuple[Atom, tuple[str, ...], tuple[str, ...]]]
    if isinstance(records, PoolFacts):
        kinds = records.kinds()
    else:
        kinds = Counter((_atom_of(r), tuple(r.scores.indicators), _assessed(r)) for r in records)
    cities: Counter[Atom] = Counter()
    by_indicator: dict[str, Counter[Atom]] = {}
    by_dimension: dict[str, Counter[Atom]] = {}
    for (atom, indicators, dimensions), count in kinds.items():
        cities[atom] += count
        for indicator in indicators:
            by_indicator.setdefault(indicator, Counter())[atom] += count
        for dimension in dimensions:
            by_dimension.setdefault(dimension, Counter())[atom] += count
    planner = _Planner(sorted({atom[0] for atom in cities}), members_of=_members_of(cities))
    order = max(ORDERS, key=lambda order: _coverage(planner.plan(cities, order)))
    return Publication(
        groups=planner.plan(cities, order),
        indicators={i: planner.plan(counts, order) for i, counts in by_indicator.items()},
        dimensions={d: planner.plan(counts, order) for d, counts in by_dimension.items()},
    )


def _coverage(groups: frozenset[GroupKey]) -> tuple[int, int]:
    """How much a plan shows: rows of the unfiltered table (one attribute fixed at most),
    then groups in all."""
    rows = sum(1 for g in groups if (g.region, g.size_band, g.eu_member).count(None) >= 2)
    return rows, len(groups)


def _assessed(record: PoolRecord) -> tuple[str, ...]:
    """The dimensions in which ``record`` has a level (those a level distribution counts)."""
    return tuple(d for d, summary in record.scores.dimensions.items() if summary.level is not None)


def _atom_of(record: PoolRecord) -> Atom:
    profile = record.profile
    year = record.assessed_on.year
    return (profile.region, profile.size_band, profile.eu_member, record.is_demo, year)


class _Planner:
    """Plans the groups of one pool, figure by figure; remembers plans of identical counts,
    since most records carry every indicator and dimension and so share one plan."""

    def __init__(self, regions: list[str], *, members_of: Mapping[GroupKey, list[Atom]]) -> None:
        self._values: dict[str, list[str | bool]] = {
            "region": list(regions),
            "size_band": [label for _, label in SIZE_BANDS],
            "eu_member": [True, False],
        }
        #: every group with cities → its atoms (a figure's cities are a part of the pool's)
        self._members_of = members_of
        self._plans: dict[tuple[frozenset[tuple[Atom, int]], tuple[str, ...]], frozenset[GroupKey]]
        self._plans = {}

    def plan(self, counts: Mapping[Atom, int], order: tuple[str, ...]) -> frozenset[GroupKey]:
        """The published groups over cities counted per atom, trying groups in ``order``."""
        memo = (frozenset(counts.items()), order)
        if memo not in self._plans:
            self._plans[memo] = self._greedy(counts, order)
        return self._plans[memo]

    def _greedy(self, counts: Mapping[Atom, int], order: tuple[str, ...]) -> frozenset[GroupKey]:
        signature = dict.fromkeys(counts, 0)  # atom → bit set of the published groups it is in
        blocks: Counter[int] = Counter()  # signature → cities (block 0 is never checked)
        real_blocks: Counter[int] = Counter()  # signature → real cities
        published: list[GroupKey] = []
        for key, members in self._candidates(counts, order):
            bit = 1 << len(published)
            moved, moved_real = _moves(members, counts, signature, bit)
            if _blocks_stay_large(moved, blocks) and _blocks_stay_large(moved_real, real_blocks):
                for atom in members:
                    signature[atom] |= bit
                blocks.update(moved)
                real_blocks.update(moved_real)
                published.append(key)
        return frozenset(published)

    def _candidates(
        self, counts: Mapping[Atom, int], order: tuple[str, ...]
    ) -> Iterator[tuple[GroupKey, list[Atom]]]:
        """Every group with cities that anyone can ask for, and its atoms with cities: coarse
        to fine (see the module docstring). Within the groups of one kind, larger go first,
        so that when one must be held back (a total minus all other rows) it is the smallest."""
        for fixed_count in range(len(order) + 1):
            for fixed in combinations(order, fixed_count):
                found = []
                for values in product(*(self._values[a] for a in fixed)):
                    for include_demo in (True, False):
                        key = _key(dict(zip(fixed, values, strict=True)), include_demo)
                        members = [a for a in self._members_of.get(key, []) if counts.get(a)]
                        if members:
                            found.append((key, members))
                # sorted() is stable: groups of one size keep the order rows are reported in
                yield from sorted(found, key=lambda item: -sum(counts[a] for a in item[1]))
        # Last, the trend's years (of the whole pool, demo cities counted or not): they are
        # shown only where they split no block below the minimum.
        for year in sorted({atom[4] for atom in counts}):
            for include_demo in (True, False):
                key = GroupKey(include_demo=include_demo, year=year)
                members = [a for a in self._members_of.get(key, []) if counts.get(a)]
                if members:
                    yield key, members


def _key(fixed: Mapping[str, str | bool], include_demo: bool) -> GroupKey:
    """The group fixing the attributes ``fixed`` (others: any)."""
    region, band, eu = (fixed.get(a) for a in ATTRIBUTES)
    return GroupKey(
        region=region if isinstance(region, str) else None,
        size_band=band if isinstance(band, str) else None,
        eu_member=eu if isinstance(eu, bool) else None,
        include_demo=include_demo,
    )


def _members_of(counts: Mapping[Atom, int]) -> dict[GroupKey, list[Atom]]:
    """Group → the atoms (with cities) it holds; each atom lies in 8 or 16 groups."""
    members: dict[GroupKey, list[Atom]] = {}
    for atom in counts:
        if not counts[atom]:
            continue
        region, band, eu, demo, year = atom
        value_of: dict[str, str | bool] = {"region": region, "size_band": band, "eu_member": eu}
        for include_demo in (True,) if demo else (True, False):
            for size in range(len(ATTRIBUTES) + 1):
                for fixed in combinations(ATTRIBUTES, size):
                    key = _key({a: value_of[a] for a in fixed}, include_demo)
                    members.setdefault(key, []).append(atom)
            members.setdefault(GroupKey(include_demo=include_demo, year=year), []).append(atom)
    return members


def _moves(
    members: list[Atom], counts: Mapping[Atom, int], signature: Mapping[Atom, int], bit: int
) -> tuple[Counter[int], Counter[int]]:
    """How block sizes change when the atoms ``members`` join the group of ``bit``: in all
    cities, and in real (not demo) cities."""
    moved: Counter[int] = Counter()
    moved_real: Counter[int] = Counter()
    for atom in members:
        old, new, count = signature[atom], signature[atom] | bit, counts[atom]
        moved[old] -= count
        moved[new] += count
        if not atom[3]:  # a real city
            moved_real[old] -= count
            moved_real[new] += count
    return moved, moved_real


def _blocks_stay_large(moved: Counter[int], blocks: Counter[int]) -> bool:
    """True when every block the move touches ends empty or with enough cities. Block 0 holds
    the cities of no published group: nothing of theirs is shown, so its size does not matter."""
    return all(
        not 0 < blocks[sig] + delta < MIN_GROUP_SIZE for sig, delta in moved.items() if sig != 0
    )
