"""Form data in, pydantic models out: every bad value becomes a message for the user.

Flask-WTF provides CSRF protection only; the fields are parsed here. Parsers never raise on
user input: they return the cleaned values plus a list of :class:`FieldError` to show in the
error summary and beside each field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from flask_babel import format_number
from flask_babel import gettext as _
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from werkzeug.datastructures import MultiDict

from benchmark.countries import country_code
from benchmark.names import clean_name
from rules import Question, text_in
from rules.model import NA, UNKNOWN
from web.assessment.cities import country_facts
from web.assessment.evidence import read_checked, read_link
from web.assessment.numbers import NumberInputError, NumberProblem, number_examples, read_number
from web.i18n import request_language

__all__ = [
    "NOTE_MAX",
    "SHARING_CHOICES",
    "FieldError",
    "PageAnswers",
    "ProfileForm",
    "field_id",
    "parse_page",
    "parse_profile",
]

NOTE_MAX = 1000
# Control characters other than tab and newlines: never meant, and PostgreSQL rejects NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NUMBER_MAX = 1_000_000
POPULATION_MAX = 50_000_000
Sharing = Literal["named", "anonymous", "private"]
SHARING_CHOICES: tuple[str, ...] = ("named", "anonymous", "private")

_Note = TypeAdapter(Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX)])
_Number = TypeAdapter(Annotated[float, Field(ge=0, le=NUMBER_MAX, allow_inf_nan=False)])


@dataclass(frozen=True)
class FieldError:
    """A message about one field; ``target`` is the id of the element to focus."""

    field: str
    target: str
    message: str
    #: a link to another page, when the field to fix is not on this one
    href: str | None = None

    @property
    def link(self) -> str:
        """Where the error summary's link points."""
        return self.href or f"#{self.target}"


def field_id(name: str) -> str:
    """An HTML id for a field name: question ids have dots, ids get dashes."""
    return "f-" + name.replace(".", "-").replace("_", "-")


class ProfileForm(BaseModel):
    """The city profile page, as posted."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    #: cleaned first (NFC, no invisible or control characters), so a blank name is refused
    name: Annotated[str, BeforeValidator(clean_name)] = Field(min_length=1, max_length=120)
    country: Annotated[str, StringConstraints(to_upper=True, pattern=r"^[A-Z]{2}$")]
    population: int = Field(gt=0, le=POPULATION_MAX)
    capital: Literal["yes", "no"]
    sharing: Sharing
    geonameid: int | None = Field(default=None, gt=0)


def _profile_messages() -> dict[str, dict[str, str]]:
    # Built per call so that gettext sees the request's locale.
    examples = number_examples(request_language())
    return {
        "name": {
            "missing": _("Enter the name of your city"),
            "short": _("Enter the name of your city"),
            "range": _("City name must be 120 characters or fewer"),
        },
        "country": {
            "missing": _("Enter the country as a two-letter code, like DE or BR, or its name"),
            "invalid": _("Enter the country as a two-letter code, like DE or BR, or its name"),
        },
        "unknown_country": {"missing": _("Enter a country code we know, like DE or BR")},
        "population": {
            "missing": _("Enter the population of your city"),
            "invalid": _("Enter the population as a whole number, like 250000"),
            "separators": _(
                "Enter the population as a whole number, like %(plain)s or %(grouped)s",
                plain=examples["plain"],
                grouped=examples["grouped"],
            ),
            "range": _(
                "Population must be between 1 and %(max)s", max=format_number(POPULATION_MAX)
            ),
        },
        "capital": {"missing": _("Select yes if your city is the capital of its country")},
        "sharing": {"missing": _("Select whether other cities may see your results")},
    }


_RADIO_FIELDS = {"capital", "sharing"}
_RANGE_ERRORS = {
    "string_too_long",
    "string_too_short",
    "too_long",
    "too_short",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
}


def _kind(error_type: str, value: Any) -> str:
    if error_type == "missing" or value in (None, ""):
        return "missing"
    if error_type == "string_too_short":
        return "short"  # e.g. a name with nothing visible once cleaned
    if error_type in _RANGE_ERRORS:
        return "range"
    return "invalid"


def _clean(value: str) -> str:
    """``value`` without control characters (tab and newlines stay)."""
    return _CONTROL.sub("", value)


def _single_values(form: MultiDict[str, str], names: list[str]) -> dict[str, str | None]:
    """One value per field; empty strings become None so that 'missing' is one case."""
    data: dict[str, str | None] = {}
    for name in names:
        values = form.getlist(name)
        value = _clean(values[0]).strip() if values else None
        data[name] = value or None
    return data


def parse_profile(
    form: MultiDict[str, str],
) -> tuple[ProfileForm | None, list[FieldError], dict[str, str | None]]:
    """Validate the profile form; returns (model or None, errors, the raw values to re-show)."""
    raw = _single_values(form, list(ProfileForm.model_fields))
    # The GeoNames id is a hidden field the user cannot fix: one that is not a plain id is
    # dropped, and the profile is kept as typed.
    geonameid = raw.get("geonameid") or ""
    if not (
        geonameid.isascii() and geonameid.isdigit() and len(geonameid) < 12 and int(geonameid) > 0
    ):
        raw["geonameid"] = None
    data: dict[str, Any] = {k: v for k, v in raw.items() if v is not None}
    # People type "de", "uk" (for GB), "el" (for GR) or "Germany": all mean one ISO code.
    if raw.get("country"):
        data["country"] = country_code(raw["country"] or "") or data["country"]
    messages = _profile_messages()
    errors: dict[str, FieldError] = {}
    # Read before the model, as the reader's language writes numbers; when it cannot be,
    # the model finds the population missing and this message is the one kept.
    population = _read_population(raw.get("population"))
    if isinstance(population, str):
        errors["population"] = FieldError(
            "population", field_id("population"), messages["population"][population]
        )
        data.pop("population")
    elif population is not None:
        data["population"] = population
    try:
        parsed: ProfileForm | None = ProfileForm.model_validate(data)
    except ValidationError as exc:
        parsed = None
        for problem in exc.errors():
            name = str(problem["loc"][0])
            options = messages.get(name, {})
            kind = _kind(problem["type"], raw.get(name))
            text = options.get(kind) or options.get("invalid") or options.get("missing", "")
            target = field_id(name) + ("-0" if name in _RADIO_FIELDS else "")
            errors.setdefault(name, FieldError(name, target, text))
    code = data.get("country")
    if code is not None and "country" not in errors and country_facts(code) is None:
        text = messages["unknown_country"]["missing"]
        errors["country"] = FieldError("country", field_id("country"), text)
        parsed = None
    order = list(ProfileForm.model_fields)
    return parsed, sorted(errors.values(), key=lambda e: order.index(e.field)), raw


def _read_population(text: str | None) -> int | str | None:
    """The population typed, as the reader's language writes it ("520 774" in French); the
    kind of message to show when it cannot be read; None when nothing was typed."""
    if text is None:
        return None
    try:
        return int(read_number(text, request_language(), whole=True))
    except NumberInputError as exc:
        return "separators" if exc.problem is NumberProblem.SEPARATORS else "invalid"


@dataclass
class PageAnswers:
    """The answers and notes parsed from one dimension page, with the problems found."""

    answers: dict[str, str | int | float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    #: question id → ``{"link", "checked"}`` for answers with a note or a link
    evidence: dict[str, dict[str, str | None]] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)
    #: what the user typed or picked, to fill the form again when it has errors
    raw: dict[str, str] = field(default_factory=dict)


def parse_page(
    questions: list[Question],
    form: MultiDict[str, str],
    *,
    required: set[str],
    today: date | None = None,
) -> PageAnswers:
    """Parse the answers to ``questions``; those in ``required`` must be answered. Evidence
    given without the date it was checked is taken as checked ``today``."""
    page = PageAnswers()
    for question in questions:
        qid = question.id
        if question.kind == "number":
            _parse_number(question, form, page, qid in required)
        else:
            _parse_choice(question, form, page, qid in required)
        _parse_note(qid, form, page)
        _parse_evidence(qid, form, page, today or date.today())
    return page


def _allowed(question: Question) -> list[str]:
    values = [o.value for o in question.options]
    if question.allow_na:
        values.append(NA)
    if question.allow_unknown:
        values.append(UNKNOWN)
    return values


def _error(page: PageAnswers, name: str, target: str, message: str) -> None:
    page.errors.append(FieldError(name, target, message))


def _parse_choice(
    question: Question, form: MultiDict[str, str], page: PageAnswers, required: bool
) -> None:
    qid = question.id
    values = form.getlist(qid)
    target = field_id(qid) + "-0"
    if len(values) > 1:
        _error(page, qid, target, _("Select one answer only"))
        return
    value = values[0] if values else ""
    page.raw[qid] = value
    if not value:
        if required:
            _error(page, qid, target, _("Select an answer: %(q)s", q=text_in(question.text)))
        return
    if value not in _allowed(question):
        _error(page, qid, target, _("Select one of the options shown"))
        return
    page.answers[qid] = value


def _parse_number(
    question: Question, form: MultiDict[str, str], page: PageAnswers, required: bool
) -> None:
    qid = question.id
    text = (form.get(qid) or "").strip()
    unknown = form.get(f"{qid}--unknown") == UNKNOWN and question.allow_unknown
    page.raw[qid] = text
    page.raw[f"{qid}--unknown"] = UNKNOWN if unknown else ""
    target = field_id(qid)
    if text and unknown:
        _error(page, qid, target, _("Enter a number or select “I don't know”, not both"))
    elif unknown:
        page.answers[qid] = UNKNOWN
    elif not text:
        if required:
            _error(page, qid, target, _("Enter a number, or select “I don't know”"))
    else:
        _store_number(qid, text, page, target)


def _store_number(qid: str, text: str, page: PageAnswers, target: str) -> None:
    # Read as the reader's language writes numbers: "1,000" is a thousand in English and
    # one in French, so what does not fit the language is refused, never guessed at.
    language = request_language()
    try:
        number = _Number.validate_python(read_number(text, language))
    except NumberInputError as exc:
        _error(page, qid, target, _number_message(exc.problem, language))
        return
    except ValidationError:
        message = _("Enter a number from 0 to %(max)s", max=format_number(NUMBER_MAX))
        _error(page, qid, target, message)
        return
    page.answers[qid] = int(number) if number.is_integer() else number


def _number_message(problem: NumberProblem, language: str) -> str:
    examples = number_examples(language)
    if problem is NumberProblem.SEPARATORS:
        return _(
            "Enter a number written like %(decimal)s, %(plain)s or %(grouped)s",
            **examples,
        )
    return _("Enter a number, like %(decimal)s", decimal=examples["decimal"])


def _parse_note(qid: str, form: MultiDict[str, str], page: PageAnswers) -> None:
    name = f"{qid}--note"
    text = _clean(form.get(name) or "")
    page.raw[name] = text
    try:
        note = _Note.validate_python(text)
    except ValidationError:
        _error(
            page,
            name,
            field_id(name),
            _("Notes must be %(max)s characters or fewer", max=format_number(NOTE_MAX)),
        )
        return
    if note:
        page.notes[qid] = note


def _parse_evidence(qid: str, form: MultiDict[str, str], page: PageAnswers, today: date) -> None:
    link = read_link(_clean(form.get(f"{qid}--link") or ""))
    checked = read_checked(form.get(f"{qid}--checked") or "", today=today)
    page.raw[f"{qid}--link"] = (form.get(f"{qid}--link") or "").strip()
    page.raw[f"{qid}--checked"] = (form.get(f"{qid}--checked") or "").strip()
    for name, entry in (("link", link), ("checked", checked)):
        if entry.error:
            _error(page, f"{qid}--{name}", field_id(f"{qid}--{name}"), entry.error)
    if link.error or checked.error:
        return
    if link.value or qid in page.notes:
        page.evidence[qid] = {"link": link.value, "checked": checked.value or today.isoformat()}


def form_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Stored values as strings, to fill a form."""
    return {k: "" if v is None else str(v) for k, v in data.items()}
