"""Cross-reference checks over a parsed rulebook.

Each check is a small function taking the parsed parts and yielding :class:`Finding` s; the
loader turns them into located problems. Keeping them apart from the pydantic models lets the
loader report every problem of every file in one go.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rules.claims import allowed_options, guaranteed_facts
from rules.conditions import AllOf, Condition, IsAtLeast, IsIn, IsOption, condition_atoms
from rules.model import (
    NA,
    UNKNOWN,
    Citation,
    Dimension,
    Option,
    Question,
    RulebookManifest,
    SourcesFile,
    text_in,
)
from rules.yamlsource import FieldPath, YamlSource

__all__ = ["ALL_CHECKS", "Finding", "ParsedDimension", "ParsedRulebook", "run_checks"]


@dataclass(frozen=True)
class Finding:
    """A problem found by a check, before its line is looked up."""

    source: YamlSource
    path: FieldPath
    message: str
    fix: str


@dataclass(frozen=True)
class ParsedDimension:
    """A dimension file that passed schema validation."""

    model: Dimension
    source: YamlSource


@dataclass(frozen=True)
class ParsedRulebook:
    """The manifest and the dimension files that passed schema validation.

    ``manifest`` is None when rulebook.yaml itself is broken: the checks that need it are
    skipped, the others still run, so that every file's problems are reported at once.
    ``unparsed`` names the dimensions whose file exists but is broken; conditions naming their
    questions are not reported as unknown, since the file's own problems already are.
    """

    manifest: RulebookManifest | None
    manifest_source: YamlSource | None
    dimensions: list[ParsedDimension]
    unparsed: frozenset[str] = frozenset()
    sources: SourcesFile | None = None
    sources_source: YamlSource | None = None

    def questions(self) -> Iterator[tuple[ParsedDimension, int, Question]]:
        """Every question with its dimension and index in the file."""
        for dim in self.dimensions:
            for index, question in enumerate(dim.model.questions):
                yield dim, index, question


Check = Callable[[ParsedRulebook], Iterator[Finding]]


def check_levels(book: ParsedRulebook) -> Iterator[Finding]:
    """Levels are numbered 1, 2, 3, … and their thresholds start at 0 and increase."""
    if book.manifest is None or book.manifest_source is None:
        return
    src = book.manifest_source
    levels = book.manifest.levels
    for index, level in enumerate(levels):
        if level.level != index + 1:
            yield Finding(
                src,
                ("levels", index, "level"),
                f"level number {level.level} found where {index + 1} was expected",
                "number the levels 1, 2, 3, … in order",
            )
    if levels and levels[0].min_score != 0:
        yield Finding(
            src,
            ("levels", 0, "min_score"),
            f"the first level starts at {levels[0].min_score}, so low scores get no level",
            "set min_score: 0 on the first level",
        )
    for index, level in enumerate(levels):
        if level.min_score != int(level.min_score):
            yield Finding(
                src,
                ("levels", index, "min_score"),
                f"threshold {level.min_score} is not a whole number; scores are shown as whole "
                "numbers, so a shown score could sit on a threshold it has not reached",
                "use a whole number",
            )
    for index in range(1, len(levels)):
        if levels[index].min_score <= levels[index - 1].min_score:
            yield Finding(
                src,
                ("levels", index, "min_score"),
                f"threshold {levels[index].min_score} is not above the previous level's "
                f"{levels[index - 1].min_score}",
                "make min_score strictly increasing from level to level",
            )


def check_dimension_files(book: ParsedRulebook) -> Iterator[Finding]:
    """Dimension ids are unique, match their file, and each dimension has questions."""
    seen: set[str] = set()
    listed = book.manifest.dimensions if book.manifest is not None else []
    for index, dim_id in enumerate(listed):
        if dim_id in seen and book.manifest_source is not None:
            yield Finding(
                book.manifest_source,
                ("dimensions", index),
                f"dimension '{dim_id}' is listed more than once",
                "list each dimension once",
            )
        seen.add(dim_id)
    for dim in book.dimensions:
        if not dim.model.questions:
            yield Finding(
                dim.source,
                ("questions",),
                f"dimension '{dim.model.id}' has no questions, so it can never be scored",
                "add at least one question, or remove the dimension from rulebook.yaml",
            )


def check_question_ids(book: ParsedRulebook) -> Iterator[Finding]:
    """Question ids are unique and start with their dimension's id."""
    seen: dict[str, str] = {}
    for dim, index, question in book.questions():
        prefix = question.id.split(".", 1)[0]
        if prefix != dim.model.id:
            yield Finding(
                dim.source,
                ("questions", index, "id"),
                f"question '{question.id}' is in dimension '{dim.model.id}' "
                f"but its id starts with '{prefix}'",
                f"rename it to '{dim.model.id}.{question.id.split('.', 1)[1]}'",
            )
        if question.id in seen:
            yield Finding(
                dim.source,
                ("questions", index, "id"),
                f"duplicate question id '{question.id}' (also in {seen[question.id]})",
                "give every question its own id",
            )
        seen.setdefault(question.id, dim.source.file)


def check_options(book: ParsedRulebook) -> Iterator[Finding]:
    """Option values are unique and not reserved; points rise with option order."""
    for dim, qi, question in book.questions():
        base: FieldPath = ("questions", qi, "options")
        values = [o.value for o in question.options]
        for oi, option in enumerate(question.options):
            if option.value in (NA, UNKNOWN):
                yield Finding(
                    dim.source,
                    (*base, oi, "value"),
                    f"option value '{option.value}' is reserved for "
                    f"{'not applicable' if option.value == NA else 'do not know'} answers",
                    "use allow_na / allow_unknown on the question instead of such an option",
                )
            if values.index(option.value) != oi:
                yield Finding(
                    dim.source,
                    (*base, oi, "value"),
                    f"duplicate option value '{option.value}' in question '{question.id}'",
                    "give every option of a question its own value",
                )
            if oi and option.points < question.options[oi - 1].points:
                yield Finding(
                    dim.source,
                    (*base, oi, "points"),
                    f"points {option.points} are below the previous option's "
                    f"{question.options[oi - 1].points}; options are ordinal",
                    "order options from least to most capacity with non-decreasing points",
                )
        yield from _check_next_steps(dim, qi, question)
        yield from _check_bands(dim, qi, question)


#: Wording that makes a step EU-only: a city with no EU link must not be told about it.
EU_WORDING = re.compile(
    r"\bEU\b|Brussels|European Union|European Commission|URBACT|Interreg|Covenant of Mayors"
    r"|Committee of the Regions|Horizon Europe"
)


def _check_next_steps(dim: ParsedDimension, qi: int, question: Question) -> Iterator[Finding]:
    for oi, option in enumerate(question.options[:-1]):
        if not option.next_step:
            yield Finding(
                dim.source,
                ("questions", qi, "options", oi),
                f"option '{option.value}' of '{question.id}' has no next_step advice",
                "add next_step: what moving to the next option means in practice",
            )


def check_step_wording(book: ParsedRulebook) -> Iterator[Finding]:
    """No step that speaks of the EU reaches a city with no EU link: an EU-worded next step
    needs ``step_outside_eu`` (worded without the EU) or an ``eu_link_only`` question. Run on
    the version shipped, not on a previous one kept only to read old answers."""
    for dim in book.dimensions:
        for qi, question in enumerate(dim.model.questions):
            for oi, option in enumerate(question.options[:-1]):
                if option.next_step:
                    yield from _eu_wording(dim, qi, oi, question, option)
        for si, stretch in enumerate(dim.model.stretch):
            found = EU_WORDING.search(text_in(stretch, "en"))
            if found:
                yield Finding(
                    dim.source,
                    ("stretch", si),
                    f"stretch step {si + 1} of '{dim.model.id}' speaks of '{found.group()}', "
                    "but every city at the top level is shown it",
                    "word stretch steps for every city, with or without an EU link",
                )


def _eu_wording(
    dim: ParsedDimension, qi: int, oi: int, question: Question, option: Option
) -> Iterator[Finding]:
    assert option.next_step is not None
    eu_worded = EU_WORDING.search(text_in(option.next_step, "en"))
    if eu_worded and not question.eu_link_only and not option.step_outside_eu:
        yield Finding(
            dim.source,
            ("questions", qi, "options", oi, "next_step"),
            f"the next step of option '{option.value}' of '{question.id}' speaks of "
            f"'{eu_worded.group()}' but would be shown to cities with no EU link",
            "add step_outside_eu: the same step without EU wording, or mark the question "
            "eu_link_only: true",
        )
    outside = option.step_outside_eu and EU_WORDING.search(text_in(option.step_outside_eu, "en"))
    if outside:
        yield Finding(
            dim.source,
            ("questions", qi, "options", oi, "step_outside_eu"),
            f"step_outside_eu of option '{option.value}' of '{question.id}' speaks of "
            f"'{outside.group()}'",
            "word step_outside_eu for a city with no EU link",
        )


def _check_bands(dim: ParsedDimension, qi: int, question: Question) -> Iterator[Finding]:
    base: FieldPath = ("questions", qi, "options")
    mins = [o.min for o in question.options]
    if question.kind == "choice":
        for oi, value in enumerate(mins):
            if value is not None:
                yield Finding(
                    dim.source,
                    (*base, oi, "min"),
                    "min is only used by number questions",
                    "remove min, or set kind: number on the question",
                )
        return
    for oi, value in enumerate(mins):
        if value is None:
            yield Finding(
                dim.source,
                (*base, oi),
                "an option of a number question has no min (its band's lower bound)",
                "add min: the smallest number that falls in this option",
            )
        elif oi == 0 and value != 0:
            yield Finding(
                dim.source,
                (*base, 0, "min"),
                f"the first band starts at {value}, so smaller numbers fit no option",
                "set min: 0 on the first option",
            )
        elif oi and mins[oi - 1] is not None and value <= mins[oi - 1]:  # type: ignore[operator]
            yield Finding(
                dim.source,
                (*base, oi, "min"),
                f"band minimum {value} is not above the previous band's {mins[oi - 1]}",
                "make min strictly increasing from option to option",
            )


def check_references(book: ParsedRulebook) -> Iterator[Finding]:
    """Conditions in skip logic, gates and indicators name real questions and options."""
    options = {q.id: {o.value for o in q.options} for _, _, q in book.questions()}
    skip = book.unparsed
    max_level = len(book.manifest.levels) if book.manifest is not None else None
    for dim, qi, question in book.questions():
        if question.applies_if is not None:
            yield from _check_condition(
                question.applies_if, options, dim.source, ("questions", qi, "applies_if"), skip
            )
    for dim in book.dimensions:
        for gi, gate in enumerate(dim.model.gates):
            yield from _check_condition(
                gate.requires, options, dim.source, ("gates", gi, "requires"), skip
            )
            if max_level is not None and gate.level > max_level:
                yield Finding(
                    dim.source,
                    ("gates", gi, "level"),
                    f"gate for level {gate.level}, but the rulebook has {max_level} levels",
                    f"use a level between 2 and {max_level}",
                )
    for dim in book.dimensions:
        for li, level in enumerate(dim.model.levels):
            for ci, claim in enumerate(level.requires):
                yield from _check_condition(
                    claim, options, dim.source, ("levels", li, "requires", ci), skip
                )
    if book.manifest is None or book.manifest_source is None:
        return
    src = book.manifest_source
    for ii, indicator in enumerate(book.manifest.indicators):
        yield from _check_condition(indicator.when, options, src, ("indicators", ii, "when"), skip)
    for li, manifest_level in enumerate(book.manifest.levels):
        for ci, claim in enumerate(manifest_level.requires):
            yield from _check_condition(claim, options, src, ("levels", li, "requires", ci), skip)
    for ri, rule in enumerate(book.manifest.consistency):
        yield from _check_condition(
            AllOf(all=list(rule.conflict)), options, src, ("consistency", ri, "conflict"), skip
        )


def _check_condition(
    condition: Condition,
    options: dict[str, set[str]],
    source: YamlSource,
    path: FieldPath,
    unparsed: frozenset[str] = frozenset(),
) -> Iterator[Finding]:
    for atom in condition_atoms(condition):
        if atom.question.split(".", 1)[0] in unparsed:
            continue  # its dimension file is broken and reported; the question may well exist
        if atom.question not in options:
            yield Finding(
                source,
                path,
                f"condition names unknown question '{atom.question}'",
                "use the id of a question defined in a dimension file",
            )
            continue
        wanted = _atom_values(atom)
        for value in wanted:
            if value not in options[atom.question]:
                known = ", ".join(sorted(options[atom.question]))
                yield Finding(
                    source,
                    path,
                    f"condition names option '{value}', which question '{atom.question}' "
                    "does not have",
                    f"use one of: {known}",
                )


def _atom_values(atom: IsOption | IsAtLeast | IsIn) -> list[str]:
    if isinstance(atom, IsOption):
        return [atom.is_]
    if isinstance(atom, IsAtLeast):
        return [atom.at_least]
    return list(atom.in_)


def check_skip_cycles(book: ParsedRulebook) -> Iterator[Finding]:
    """Skip logic has no cycles: a question never (indirectly) depends on itself."""
    depends: dict[str, list[str]] = {}
    where: dict[str, tuple[ParsedDimension, int]] = {}
    for dim, qi, question in book.questions():
        where[question.id] = (dim, qi)
        if question.applies_if is not None:
            depends[question.id] = [a.question for a in condition_atoms(question.applies_if)]
    reported: set[frozenset[str]] = set()
    for start in depends:
        cycle = _find_cycle(start, depends)
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            dim, qi = where[start]
            yield Finding(
                dim.source,
                ("questions", qi, "applies_if"),
                "skip logic forms a cycle: " + " → ".join([*cycle, cycle[0]]),
                "make sure no question's applies_if depends, directly or not, on itself",
            )


def _find_cycle(start: str, depends: dict[str, list[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        node, trail = stack.pop()
        for nxt in depends.get(node, []):
            if nxt == start:
                return trail
            if nxt not in trail:
                stack.append((nxt, [*trail, nxt]))
    return None


def check_indicator_ids(book: ParsedRulebook) -> Iterator[Finding]:
    """Indicator ids are unique."""
    if book.manifest is None or book.manifest_source is None:
        return
    seen: set[str] = set()
    for ii, indicator in enumerate(book.manifest.indicators):
        if indicator.id in seen:
            yield Finding(
                book.manifest_source,
                ("indicators", ii, "id"),
                f"duplicate indicator id '{indicator.id}'",
                "give every indicator its own id",
            )
        seen.add(indicator.id)


def check_dimension_levels(book: ParsedRulebook) -> Iterator[Finding]:
    """A dimension that describes its levels describes each level once, in order."""
    if book.manifest is None:
        return
    numbers = [level.level for level in book.manifest.levels]
    for dim in book.dimensions:
        given = [level.level for level in dim.model.levels]
        if given and given != numbers:
            yield Finding(
                dim.source,
                ("levels",),
                f"dimension '{dim.model.id}' describes levels {_join(given)}, but the rulebook "
                f"has levels {_join(numbers)}",
                "describe every level once, in order, or none",
            )


def check_claims(book: ParsedRulebook) -> Iterator[Finding]:
    """Every practice a level description claims (its ``requires``) is demanded by a gate.

    A dimension's level L may claim what a gate of that dimension at level L or below requires.
    An overall level L may claim what a gate at level L - floor_margin or below requires in a
    dimension that is always assessed, since the overall level is at most the floor plus the
    margin. A gate backs a claim when every answer that meets the gate also meets the claim.
    """
    options = {q.id: [o.value for o in q.options] for _, _, q in book.questions()}
    known = set(options)

    def backed(claim: IsOption | IsAtLeast | IsIn, gates: list[Condition]) -> bool:
        wanted = allowed_options(claim, options[claim.question])
        return any(
            question == claim.question and held <= wanted
            for gate in gates
            for question, held in guaranteed_facts(gate, options).items()
        )

    for dim in book.dimensions:
        for li, level in enumerate(dim.model.levels):
            gates = [g.requires for g in dim.model.gates if g.level <= level.level]
            for ci, claim in enumerate(level.requires):
                if claim.question in known and not backed(claim, gates):
                    yield Finding(
                        dim.source,
                        ("levels", li, "requires", ci),
                        f"level {level.level} of '{dim.model.id}' claims {_claim_text(claim)}, "
                        f"but no gate at level {level.level} or below requires it",
                        f"add a gate for level {level.level} or below that requires it, or drop "
                        "the claim and the words of the description that make it",
                    )
    if book.manifest is None or book.manifest_source is None:
        return
    margin = book.manifest.floor_margin
    always_assessed = [
        d for d in book.dimensions if not all(q.allow_na for q in d.model.questions)
    ]
    for li, overall in enumerate(book.manifest.levels):
        floor = None if margin is None else overall.level - margin
        gates = [
            g.requires
            for d in always_assessed
            for g in d.model.gates
            if floor is not None and g.level <= floor
        ]
        for ci, claim in enumerate(overall.requires):
            if claim.question in known and not backed(claim, gates):
                why = (
                    "the rulebook sets no floor_margin, so the overall level guarantees no gate"
                    if floor is None
                    else f"no gate at level {floor} or below (the floor that overall level "
                    f"{overall.level} guarantees) requires it"
                )
                yield Finding(
                    book.manifest_source,
                    ("levels", li, "requires", ci),
                    f"overall level {overall.level} claims {_claim_text(claim)}, but {why}",
                    "back the claim with a gate, or drop it and the words that make it",
                )


def _claim_text(claim: IsOption | IsAtLeast | IsIn) -> str:
    if isinstance(claim, IsOption):
        return f"'{claim.question} is {claim.is_}'"
    if isinstance(claim, IsAtLeast):
        return f"'{claim.question} at least {claim.at_least}'"
    return f"'{claim.question} in {', '.join(claim.in_)}'"


def _join(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers) or "none"


def check_consistency_ids(book: ParsedRulebook) -> Iterator[Finding]:
    """Consistency rule ids are unique."""
    if book.manifest is None or book.manifest_source is None:
        return
    seen: set[str] = set()
    for ri, rule in enumerate(book.manifest.consistency):
        if rule.id in seen:
            yield Finding(
                book.manifest_source,
                ("consistency", ri, "id"),
                f"duplicate consistency rule id '{rule.id}'",
                "give every consistency rule its own id",
            )
        seen.add(rule.id)


def check_citations(book: ParsedRulebook) -> Iterator[Finding]:
    """Citations name a source of ``sources.yaml``; every source is cited, dated or explained."""
    if book.sources is None or book.sources_source is None:
        return
    src = book.sources_source
    known: dict[str, int] = {}
    for si, source in enumerate(book.sources.sources):
        if source.id in known:
            yield Finding(
                src,
                ("sources", si, "id"),
                f"duplicate source id '{source.id}'",
                "give every source its own id",
            )
        known.setdefault(source.id, si)
        if (source.year is None or not source.verified) and not source.note:
            what = "has no year" if source.year is None else "is not verified"
            yield Finding(
                src,
                ("sources", si),
                f"source '{source.id}' {what} and no note says why",
                "add a note saying what could not be checked",
            )
        if not source.authors and not source.publisher:
            yield Finding(
                src,
                ("sources", si),
                f"source '{source.id}' names neither authors nor a publisher",
                "add authors or publisher",
            )
    cited: set[str] = set()
    citations: list[tuple[YamlSource, FieldPath, Citation]] = [
        (dim.source, ("questions", qi, "source"), q.source) for dim, qi, q in book.questions()
    ]
    if book.manifest is not None and book.manifest_source is not None:
        citations += [
            (book.manifest_source, ("indicators", ii, "references", ri, "source"), r.source)
            for ii, indicator in enumerate(book.manifest.indicators)
            for ri, r in enumerate(indicator.references)
        ]
    for where, path, citation in citations:
        cited.add(citation.ref)
        if citation.ref not in known:
            yield Finding(
                where,
                (*path, "ref"),
                f"citation of unknown source '{citation.ref}'",
                "use the id of a source in sources.yaml, or add the source there",
            )
    unparsed_files = book.unparsed or (book.manifest is None)
    for source_id, si in known.items():
        if source_id not in cited and not unparsed_files:
            yield Finding(
                src,
                ("sources", si, "id"),
                f"source '{source_id}' is cited by no question or indicator",
                "cite it or remove it from sources.yaml",
            )


ALL_CHECKS: tuple[Check, ...] = (
    check_levels,
    check_dimension_files,
    check_question_ids,
    check_options,
    check_references,
    check_skip_cycles,
    check_indicator_ids,
    check_dimension_levels,
    check_claims,
    check_consistency_ids,
    check_citations,
)


def run_checks(book: ParsedRulebook) -> list[Finding]:
    """Run every cross-reference check and return all findings."""
    return [finding for check in ALL_CHECKS for finding in check(book)]
