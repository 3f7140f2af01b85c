"""A pseudo-locale for the web tests: every translatable text shown as ``⟦English⟧``.

The pseudo catalog translates each message the code and templates hold (what
``make translations`` would extract now) into its English wrapped in ``⟦`` and ``⟧``; the
pseudo rulebook gives every rulebook text the same wrapping as its translation. A page
rendered in that language then shows every translated piece between brackets, and whatever
English is left outside them reached the reader without gettext or the rulebook.

Placeholders stay outside the brackets (``Reviewed by %(name)s`` becomes
``⟦Reviewed by ⟧%(name)s``), so that what fills them is checked as well: a date formatted in
English inside a translated sentence is found, not hidden.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from rules.languages import TEXT_KEYS
from web import i18n

__all__ = [
    "OPEN",
    "SHUT",
    "English",
    "Leftover",
    "VisiblePage",
    "bibliography",
    "english_runs",
    "locale_words",
    "pseudo",
    "strip_pseudo",
    "write_pseudo_catalog",
    "write_pseudo_rulebook",
]

OPEN, SHUT = "⟦", "⟧"
#: a Python-format placeholder (``%(name)s``, ``%(n)d``, ``%(x).1f``): left as it is
PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")


def pseudo(message: str) -> str:
    """``message`` with each stretch of text between placeholders wrapped in ⟦…⟧."""
    out, end = [], 0
    for found in PLACEHOLDER.finditer(message):
        if found.start() > end:
            out.append(OPEN + message[end : found.start()] + SHUT)
        out.append(found.group())
        end = found.end()
    if end < len(message):
        out.append(OPEN + message[end:] + SHUT)
    return "".join(out)


def write_pseudo_catalog(target: Path, language: str) -> int:
    """Compile the pseudo catalog of every message the code and templates hold into the
    ``.mo`` file ``target`` (as ``language``, for its plural rule); returns how many."""
    catalog = Catalog(locale=language)
    for message_id in i18n.extracted_ids():
        if isinstance(message_id, str):
            catalog.add(message_id, pseudo(message_id))
        else:
            singular, plural = message_id[0], message_id[1]
            forms = catalog.num_plurals
            strings = tuple(pseudo(singular if n == 0 else plural) for n in range(forms))
            catalog.add((singular, plural), strings)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as mo:
        write_mo(mo, catalog)
    return len(catalog)


# --------------------------------------------------------------------------- the rulebook


def _pseudo_text(value: Any, language: str) -> Any:
    """A rulebook text (a string, or a map of language → string) with ``language`` set to
    its English in brackets."""
    if isinstance(value, str):
        return {"en": value, language: OPEN + value + SHUT}
    if isinstance(value, dict) and "en" in value:
        return {**value, language: OPEN + str(value["en"]) + SHUT}
    return value


def _pseudo_texts(data: Any, language: str) -> Any:
    """``data`` (a parsed rulebook file) with every text given its pseudo translation; the
    same walk as :func:`rules.languages.missing_texts` makes."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if key in TEXT_KEYS and isinstance(value, list):
                out[key] = [_pseudo_text(item, language) for item in value]
            elif key in TEXT_KEYS and isinstance(value, str | dict):
                out[key] = _pseudo_text(value, language)
            else:
                out[key] = _pseudo_texts(value, language)
        return out
    if isinstance(data, list):
        return [_pseudo_texts(item, language) for item in data]
    return data


def write_pseudo_rulebook(source: Path, target: Path, language: str) -> Path:
    """Copy the rulebook folder ``source`` to ``target``, every text of its rulebook and
    dimension files translated into ``language`` as ``⟦English⟧``; returns ``target``.

    ``sources.yaml`` (the bibliography), the worked cases and the previous rulebook are
    copied as they are: they hold no text the rulebook translates.
    """
    shutil.copytree(source, target)
    for file in [target / "rulebook.yaml", *sorted((target / "dimensions").glob("*.yaml"))]:
        data = yaml.safe_load(file.read_text("utf-8"))
        dumped = yaml.safe_dump(_pseudo_texts(data, language), allow_unicode=True, sort_keys=False)
        file.write_text(dumped, "utf-8")
    return target


# --------------------------------------------------------------------------- what a page shows

#: elements whose content a reader does not read as prose: scripts and styles, and machine
#: text (paths, field names, JSON examples), the same in every language
SKIPPED = frozenset({"script", "style", "code", "pre", "kbd", "samp"})
#: attributes a reader sees or hears
SHOWN_ATTRIBUTES = (
    "title",
    "alt",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "placeholder",
)
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
SWITCH = "language-switch"


class VisiblePage(HTMLParser):
    """The text a reader of an HTML page sees or hears.

    ``flow`` is the page's text, node after node (a newline between nodes, so that a
    translated sentence holding a link or a bold word still reads as one); ``attributes``
    the shown attributes, each on its own; ``switch`` the text of the language switch;
    ``language`` the page's declared language (``<html lang>``).
    """

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self.attributes: list[str] = []
        self.switch: list[str] = []
        self.language: str | None = None
        self._skipping = 0
        self._in_switch = False
        self.feed(page)
        self.close()

    @property
    def flow(self) -> str:
        """Every text node, in document order."""
        return "\n".join(self.nodes)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.language = found.get("lang")
        if tag in SKIPPED:
            self._skipping += 1
        if tag == "nav" and found.get("data-testid") == SWITCH:
            self._in_switch = True
        for name in SHOWN_ATTRIBUTES:
            if found.get(name, "").strip():
                self.attributes.append(found[name])
        button = tag == "input" and found.get("type", "text").lower() in BUTTON_INPUTS
        if button and found.get("value", "").strip():
            self.attributes.append(found["value"])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in SKIPPED:
            self._skipping -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self._skipping:
            self._skipping -= 1
        if tag == "nav":
            self._in_switch = False

    def handle_data(self, data: str) -> None:
        if self._skipping or not data.strip():
            return
        (self.switch if self._in_switch else self.nodes).append(data)


# --------------------------------------------------------------------------- what is left

_BRACKETED = re.compile(f"{OPEN}[^{OPEN}{SHUT}]*{SHUT}")
_URL = re.compile(r"\b(?:https?|mailto)://\S+|\bmailto:\S+|\bwww\.\S+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: a link's token (256 bits in URL-safe base64) and the addresses that carry one
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}|/a/\S*|/network/\S*|/api/\S*")
#: machine names: question ids (``strategy.priorities``), settings (``CITYDIP_K``), files
_IDENTIFIER = re.compile(r"\b\w{2,}(?:[._]\w+)+\b|\b\w+(?:[._]\w{2,})+\b")
#: a figure with an SI prefix (``100k``, ``1M``), the same in every language
_FIGURE = re.compile(r"\b\d+(?:[.,]\d+)?\s?[kM]\b")
#: a run of words: letters, joined by spaces, apostrophes or hyphens
_WORDS = re.compile(r"[^\W\d_]+(?:[ \t'’-]+[^\W\d_]+)*")


def strip_pseudo(text: str) -> str:
    """``text`` without its ⟦…⟧ stretches (innermost first, should a translation hold
    another), each replaced by the line breaks it held, so that lines keep their numbers."""

    def blank(found: re.Match[str]) -> str:
        return " " + "\n" * found.group().count("\n") + " "

    while True:
        shorter = _BRACKETED.sub(blank, text)
        if shorter == text:
            return text
        text = shorter


def _without(text: str, phrases: Iterable[str]) -> str:
    for phrase in sorted(phrases, key=len, reverse=True):
        if phrase in text:
            text = re.sub(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", " ", text)
    return text


#: a leftover: the run of words, and the line (text node) it was found in
Leftover = tuple[str, str]


class English:
    """What may legitimately stay untranslated on a page; :meth:`runs` finds the rest."""

    def __init__(self, phrases: Iterable[str], words: Iterable[str]) -> None:
        #: exact texts (people's names, notes, city names, the bibliography...)
        self.phrases = frozenset(" ".join(p.split()) for p in phrases if p.strip())
        #: single words (the language's own month and day names...)
        self.words = frozenset(words)

    def also(self, phrases: Iterable[str]) -> English:
        """These rules, and ``phrases`` allowed as well."""
        return English({*self.phrases, *phrases}, self.words)

    def runs(self, text: str) -> list[Leftover]:
        """The runs of words of ``text`` that neither went through a translation nor are
        allowed to stay as they are, with their line; a run never spans two lines."""
        found: list[Leftover] = []
        for line, left in zip(text.split("\n"), strip_pseudo(text).split("\n"), strict=True):
            context = " ".join(line.split())
            found.extend((run, context) for run in self._line_runs(" ".join(left.split())))
        return found

    def _line_runs(self, line: str) -> list[str]:
        line = _without(line, self.phrases)
        for pattern in (_URL, _EMAIL, _TOKEN, _IDENTIFIER, _FIGURE):
            line = pattern.sub(" ", line)
        found = []
        for run in _WORDS.findall(line):
            kept = [w for w in re.split(r"[ \t'’-]+", run) if w and w not in self.words]
            if kept:
                found.append(run)
        return found


def english_runs(texts: Iterable[str], allowed: English) -> list[Leftover]:
    """Every leftover of ``texts``, each run once (with the first line it was found in)."""
    seen: dict[str, str] = {}
    for text in texts:
        for run, context in allowed.runs(text):
            seen.setdefault(run, context)
    return list(seen.items())


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def _citations(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value) if key == "source" else _citations(value)
    elif isinstance(data, list):
        for value in data:
            yield from _citations(value)


def bibliography(folder: Path) -> Iterator[str]:
    """Every string of the rulebook's ``sources.yaml`` and of its citations (``source``:
    the place cited in a publication): titles, authors and publishers stay as published."""
    yield from _strings(yaml.safe_load((folder / "sources.yaml").read_text("utf-8")))
    for file in [folder / "rulebook.yaml", *sorted((folder / "dimensions").glob("*.yaml"))]:
        yield from _citations(yaml.safe_load(file.read_text("utf-8")))


def locale_words(language: str, languages: Iterable[str] = i18n.KNOWN) -> Iterator[str]:
    """The words a page takes from ``language``'s locale data, not from the catalog: month
    and day names (wide and abbreviated) of its dates, the names of ``languages`` in it, the
    words that join a list ("A et B")."""
    locale = Locale.parse(language)
    names: list[str] = []
    for table in (locale.months, locale.days):
        for context in table.values():
            for width in ("wide", "abbreviated"):  # narrow ones are single letters
                names.extend(context[width].values())
    names.extend(Locale.parse(code).get_display_name(language) or "" for code in languages)
    names.extend(re.sub(r"\{\d\}", " ", p) for p in locale.list_patterns["standard"].values())
    for name in names:
        yield from (w for w in re.split(r"[\W\d_]+", name) if w)
