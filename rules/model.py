"""Pydantic models of the rulebook: levels, dimensions, questions, options, gates, indicators.

These models check the shape of each file on its own; checks that span entities (unknown
question in a gate, thresholds not increasing, ...) live in :mod:`rules.checks` so that every
problem can be reported at once with its location.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from rules.conditions import Atom, Condition
from rules.locale import current_language

__all__ = [
    "CarryOver",
    "Citation",
    "Claim",
    "ConsistencyRule",
    "Dimension",
    "DimensionLevel",
    "Gate",
    "Indicator",
    "Level",
    "Migration",
    "Option",
    "Question",
    "ReferenceFigure",
    "Removal",
    "Rulebook",
    "RulebookManifest",
    "Source",
    "SourcesFile",
    "Text",
    "text_in",
]

#: A user-facing text: plain English, or a map of language code → text.
Text = str | dict[str, str]

#: Answer values reserved for "not applicable" and "don't know".
NA = "na"
UNKNOWN = "unknown"

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
OptionValue = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-+]*$")]


def text_in(text: Text, lang: str | None = None) -> str:
    """Return ``text`` in ``lang`` (by default the context's, :mod:`rules.locale`), falling
    back to English, then to any language given."""
    if isinstance(text, str):
        return text
    wanted = lang if lang is not None else current_language()
    return text.get(wanted) or text.get("en") or next(iter(text.values()), "")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """One publication of the bibliography (``sources.yaml``), so that a reader can find it.

    ``verified`` says whether the reference (title, authors, year) was checked against the
    publication or a record of it; ``note`` says what is uncertain or how it was checked.
    """

    id: Identifier
    title: str = Field(min_length=3)
    #: people, as "Surname, I."
    authors: list[str] = Field(default_factory=list)
    #: the organisation(s) that published it
    publisher: str | None = None
    #: None only for undated web pages; ``note`` then says so
    year: int | None = Field(default=None, ge=1900, le=2100)
    url: str | None = Field(default=None, pattern=r"^https?://")
    verified: bool
    note: str | None = None

    def cite(self) -> str:
        """The reference as one line: who (year). Title. (who. Title. when undated)"""
        who = "; ".join(self.authors) if self.authors else (self.publisher or "")
        if self.authors and self.publisher:
            who += f" ({self.publisher})"
        # An undated page has no year, rather than an English "n.d." on every language's page.
        return (
            f"{who}. {self.title}." if self.year is None else f"{who} ({self.year}). {self.title}."
        )


class Citation(_Strict):
    """Where a question's topic or a figure comes from: a source and the place in it."""

    ref: Identifier
    #: the question, section, chapter or page, where one exists
    locator: str | None = None
    #: what this citation does not establish, if anything
    note: str | None = None
    #: the reference as shown to people (source and locator), filled in by the loader
    text: str | None = None

    def __str__(self) -> str:
        return self.text or self.ref


class SourcesFile(_Strict):
    """The file ``sources.yaml``: the rulebook's bibliography."""

    sources: list[Source] = Field(min_length=1)


#: A claim a level description makes, as data: one comparison over one question's answer.
Claim = Atom


class Option(_Strict):
    """One ordinal answer option; later options mean more capacity."""

    value: OptionValue
    label: Text
    points: int = Field(ge=0, le=100)
    #: For ``number`` questions: the smallest number that falls in this band.
    min: float | None = None
    #: What moving from this option to the next one means in practice.
    next_step: Text | None = None
    #: How much that step takes: the advice orders steps by points gained per unit of effort.
    step_effort: Literal["low", "medium", "high"] = "medium"
    #: The same step worded for a city with no EU link (no EU, Brussels or EU-programme
    #: wording); ``rules check`` requires it where ``next_step`` speaks of the EU.
    step_outside_eu: Text | None = None


class Question(_Strict):
    """A question of the self-assessment."""

    id: QuestionId
    text: Text
    help: Text
    kind: Literal["choice", "number"] = "choice"
    #: The survey or study the question's topic comes from.
    source: Citation
    options: list[Option] = Field(min_length=2)
    applies_if: Condition | None = None
    allow_na: bool = False
    allow_unknown: bool = True
    #: Why N/A may apply, shown beside the N/A choice.
    na_help: Text | None = None
    #: Its next steps fit only a city with an EU link (member, EEA or candidate country).
    eu_link_only: bool = False
    #: False for a perception (e.g. "the workload is adequate"): never advised as a practice
    #: that peers have.
    practice: bool = True

    @property
    def max_points(self) -> int:
        """Points of the highest option."""
        return max(o.points for o in self.options)


class Gate(_Strict):
    """A must-have: the dimension reaches ``level`` or above only if ``requires`` holds."""

    level: int = Field(ge=2, le=10)
    requires: Condition
    reason: Text


class DimensionLevel(_Strict):
    """What one level means in one dimension.

    ``requires`` lists, as data, every practice the description claims; ``rules check`` makes
    sure the dimension's gates up to this level demand each of them, so that a description never
    promises what the level does not require.
    """

    level: int = Field(ge=1, le=10)
    description: Text
    requires: list[Claim] = Field(default_factory=list)


class Dimension(_Strict):
    """One capacity dimension, in its own file ``dimensions/<id>.yaml``."""

    id: Identifier
    title: Text
    description: Text
    weight: float = Field(default=1.0, gt=0)
    questions: list[Question] = Field(default_factory=list)
    gates: list[Gate] = Field(default_factory=list)
    #: the meaning of each level in this dimension (all levels, or none)
    levels: list[DimensionLevel] = Field(default_factory=list)
    #: steps for a city already at the top level (mentoring peers, leading a working group...)
    stretch: list[Text] = Field(default_factory=list)


class Level(_Strict):
    """A maturity level and the score (0–100) from which it starts.

    ``requires`` lists the practices the (overall) description claims, as data checked against
    the gates that the floor rule guarantees (see ``floor_margin``).
    """

    level: int = Field(ge=1, le=10)
    name: Text
    min_score: float = Field(ge=0, le=100)
    description: Text
    requires: list[Claim] = Field(default_factory=list)


class ConsistencyRule(_Strict):
    """Answers that cannot all be true at once; validation refuses them with ``message``."""

    id: Identifier
    conflict: list[Claim] = Field(min_length=2)
    message: Text


class ReferenceFigure(_Strict):
    """A published figure an indicator can be set beside."""

    share: float = Field(ge=0, le=1)
    year: int
    source: Citation


class Indicator(_Strict):
    """A binary headline indicator, defined as a condition over the answers."""

    id: Identifier
    label: Text
    when: Condition
    references: list[ReferenceFigure] = Field(default_factory=list)


class RulebookManifest(_Strict):
    """The top file ``rulebook.yaml``: identity, levels, dimension order and indicators."""

    id: Identifier
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]
    title: Text
    levels: list[Level] = Field(min_length=2)
    #: the overall level is at most the floor plus this many levels (None: no such cap)
    floor_margin: int | None = Field(default=None, ge=0)
    dimensions: list[Identifier] = Field(min_length=1)
    indicators: list[Indicator] = Field(default_factory=list)
    #: answers that cannot all hold; validation refuses them
    consistency: list[ConsistencyRule] = Field(default_factory=list)


class CarryOver(_Strict):
    """How one question of the new rulebook gets its answer from the previous version.

    With ``from``: the old answer is carried over, option values renamed by ``options`` (values
    not listed keep their name). Without ``from``: a new question. ``default`` is used when there
    is nothing to carry (new question, or no old answer although the question now applies) or
    the old answer does not fit (e.g. "na" where N/A is no longer allowed).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    to: QuestionId
    from_: QuestionId | None = Field(default=None, alias="from")
    options: dict[str, str] = Field(default_factory=dict)
    default: str = "unknown"
    note: str | None = None


class Removal(_Strict):
    """A question of the previous version with no successor, and why."""

    question: QuestionId
    reason: str


class Migration(_Strict):
    """The file ``migration.yaml``: how answers of the previous rulebook version carry over."""

    from_version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]
    #: folder of the previous version, relative to this rulebook's folder
    previous: str
    questions: list[CarryOver] = Field(default_factory=list)
    removed: list[Removal] = Field(default_factory=list)


class Rulebook(_Strict):
    """A whole, checked rulebook: the manifest with its dimensions in order."""

    id: str
    version: str
    title: Text
    levels: list[Level]
    dimensions: list[Dimension]
    indicators: list[Indicator]
    floor_margin: int | None = None
    consistency: list[ConsistencyRule] = Field(default_factory=list)
    #: the bibliography (``sources.yaml``), in file order
    sources: list[Source] = Field(default_factory=list)
    #: how answers given under the previous version carry over (``migration.yaml``)
    migration: Migration | None = None
    #: sha256 of the canonical JSON of the content above, set by the loader.
    content_hash: str = ""

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension ``dimension_id``; raises KeyError when there is none."""
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)

    def source(self, citation: Citation) -> Source:
        """The bibliography entry a citation refers to; raises KeyError when there is none."""
        for source in self.sources:
            if source.id == citation.ref:
                return source
        raise KeyError(citation.ref)
