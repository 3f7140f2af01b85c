"""A city's answers, and their validation against a rulebook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from rules.errors import AnswerProblem, AnswersError
from rules.index import RulebookIndex
from rules.locale import phrase
from rules.model import NA, UNKNOWN, Question, Rulebook, text_in

__all__ = ["Answers", "Resolved", "ValidAnswers", "validate_answers"]

AnswerValue = StrictStr | StrictInt | StrictFloat


class Answers(BaseModel):
    """What a city answered: question id → option value, ``"na"``, ``"unknown"`` or a number.

    ``notes`` carries an optional free-text evidence note per question.
    """

    model_config = ConfigDict(extra="forbid")

    rulebook: str | None = Field(default=None, description="id of the rulebook answered")
    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)


Status = Literal["answered", "na", "unknown", "skipped"]


@dataclass(frozen=True, slots=True)
class Resolved:
    """One question's answer after validation."""

    status: Status
    #: index of the chosen option when ``status == "answered"``
    option: int | None
    #: the answer as given (option value, number, "na", "unknown"), or None when skipped
    given: str | int | float | None
    note: str | None


@dataclass(frozen=True)
class ValidAnswers:
    """Answers that fit the rulebook, one :class:`Resolved` per question in rulebook order."""

    index: RulebookIndex
    resolved: dict[str, Resolved]

    def chosen(self) -> dict[str, int]:
        """Question id → chosen option index, for questions answered with an option."""
        return {q: r.option for q, r in self.resolved.items() if r.option is not None}


def validate_answers(rulebook: Rulebook, answers: Answers) -> ValidAnswers:
    """Check ``answers`` against ``rulebook`` and resolve each to an option.

    Raises :class:`~rules.errors.AnswersError` listing every problem: unknown question,
    invalid option, N/A or "don't know" where not allowed, a required answer missing, an
    answer to a question that does not apply, or answers that cannot all hold (the rulebook's
    consistency rules; the problem names the rule's first question).
    """
    index = RulebookIndex.of(rulebook)
    problems: list[AnswerProblem] = []
    if answers.rulebook is not None and answers.rulebook != rulebook.id:
        problems.append(
            AnswerProblem(
                None,
                phrase(
                    "the answers are for rulebook '%(given)s', not '%(rulebook)s'",
                    given=answers.rulebook,
                    rulebook=rulebook.id,
                ),
                "rulebook",
            )
        )
    for qid in answers.answers.keys() - index.questions.keys():
        problems.append(
            AnswerProblem(qid, phrase("no such question in the rulebook"), "unknown_question")
        )
    for qid in answers.notes.keys() - index.questions.keys():
        problems.append(
            AnswerProblem(
                qid, phrase("note given for a question that does not exist"), "unknown_note"
            )
        )
    chosen: dict[str, int] = {}
    given: dict[str, Resolved] = {}
    known = _text_answers(index)
    for qid, raw in answers.answers.items():
        note = answers.notes.get(qid)
        # A text answer resolves the same way every time: look it up, then add the note.
        key = (qid, raw) if isinstance(raw, str) else None
        resolved = known.get(key) if key is not None else None
        if resolved is None:
            question = index.questions.get(qid)
            if question is None:
                continue
            resolved = _resolve(question, raw, None, index, problems)
            if resolved is None:
                continue
            if key is not None:
                known[key] = resolved
        if note is not None:
            resolved = Resolved(resolved.status, resolved.option, resolved.given, note)
        given[qid] = resolved
        if resolved.option is not None:
            chosen[qid] = resolved.option
    resolved_all = _apply_skip_logic(index, answers, chosen, given, problems)
    if index.conflicts:
        # Without problems every chosen option belongs to a question that applies.
        applying = (
            chosen
            if not problems
            else {q: r.option for q, r in resolved_all.items() if r.option is not None}
        )
        for rule, conflicts in index.conflicts:
            if conflicts(applying):
                problems.append(
                    AnswerProblem(rule.conflict[0].question, text_in(rule.message), "conflict")
                )
    if problems:
        raise AnswersError(sorted(problems, key=lambda p: (p.question or "", p.message)))
    return ValidAnswers(index, resolved_all)


_SKIPPED = Resolved("skipped", None, None, None)

#: per rulebook index: (question id, text answer) → its resolution without a note, for valid
#: answers only (so a few per question)
_TEXT_ANSWERS: dict[int, tuple[RulebookIndex, dict[tuple[str, str], Resolved]]] = {}


def _text_answers(index: RulebookIndex) -> dict[tuple[str, str], Resolved]:
    cached = _TEXT_ANSWERS.get(id(index))
    if cached is None or cached[0] is not index:
        if len(_TEXT_ANSWERS) > 32:
            _TEXT_ANSWERS.clear()
        cached = _TEXT_ANSWERS[id(index)] = (index, {})
    return cached[1]


def _apply_skip_logic(
    index: RulebookIndex,
    answers: Answers,
    chosen: dict[str, int],
    given: dict[str, Resolved],
    problems: list[AnswerProblem],
) -> dict[str, Resolved]:
    resolved: dict[str, Resolved] = {}
    for qid in index.order:
        applies = index.applies(qid, chosen)
        present = qid in answers.answers
        if applies and not present:
            problems.append(AnswerProblem(qid, phrase("an answer is required"), "required"))
        elif not applies and present:
            problems.append(
                AnswerProblem(
                    qid,
                    phrase("answered, but the question does not apply given other answers"),
                    "not_applicable",
                )
            )
        elif not applies:
            note = answers.notes.get(qid)
            resolved[qid] = _SKIPPED if note is None else Resolved("skipped", None, None, note)
        elif qid in given:
            resolved[qid] = given[qid]
    return resolved


def _resolve(
    question: Question,
    raw: str | int | float,
    note: str | None,
    index: RulebookIndex,
    problems: list[AnswerProblem],
) -> Resolved | None:
    if raw == NA:
        if question.allow_na:
            return Resolved("na", None, raw, note)
        problems.append(
            AnswerProblem(
                question.id, phrase("'na' (not applicable) is not allowed here"), "na_not_allowed"
            )
        )
        return None
    if raw == UNKNOWN:
        if question.allow_unknown:
            return Resolved("unknown", None, raw, note)
        problems.append(
            AnswerProblem(
                question.id,
                phrase("'unknown' (don't know) is not allowed here"),
                "unknown_not_allowed",
            )
        )
        return None
    option = _option_for(question, raw, index)
    if option is None:
        problems.append(AnswerProblem(question.id, _invalid_message(question, raw)))
        return None
    return Resolved("answered", option, raw, note)


def _option_for(question: Question, raw: str | int | float, index: RulebookIndex) -> int | None:
    options = index.option_index[question.id]
    if isinstance(raw, str):
        return options.get(raw)
    if question.kind == "number":
        if raw < 0 or raw != raw:  # negative or NaN fits no band
            return None
        band = None
        for i, option in enumerate(question.options):
            if option.min is not None and raw >= option.min:
                band = i
        return band
    # YAML reads an option value such as 0 as a number; accept it when it names an option.
    return options.get(str(raw))


def _invalid_message(question: Question, raw: str | int | float) -> str:
    values = ", ".join(o.value for o in question.options)
    if question.kind == "number":
        return phrase(
            "%(given)s is not a valid answer: give a number of 0 or more, or one of: %(values)s",
            given=repr(raw),
            values=values,
        )
    return phrase(
        "%(given)s is not an option of this question; choose one of: %(values)s",
        given=repr(raw),
        values=values,
    )
