"""`rules check --languages` (issue 16, part 2): every text lacking a language, with its file
and line; publication titles in sources.yaml are not texts to translate."""

from __future__ import annotations

import shutil
from pathlib import Path

from rules.languages import TEXT_KEYS, missing_texts
from rules.loader import DEFAULT_RULEBOOK

SIX = ["en", "fr", "de", "es", "it", "pl"]


def copy_rulebook(tmp_path: Path) -> Path:
    folder = tmp_path / "rulebook"
    shutil.copytree(DEFAULT_RULEBOOK, folder)
    return folder


def test_the_texts_are_the_models_text_fields() -> None:
    assert {"text", "help", "label", "next_step", "name", "description", "title"} <= TEXT_KEYS
    assert not {"id", "value", "ref", "locator", "kind"} & TEXT_KEYS


def test_the_shipped_rulebook_has_every_text_in_the_six_languages() -> None:
    assert missing_texts(DEFAULT_RULEBOOK, SIX) == []


def test_a_text_lacking_a_language_is_named_with_its_line(tmp_path: Path) -> None:
    folder = copy_rulebook(tmp_path)
    budget = folder / "dimensions" / "budget.yaml"
    lines = budget.read_text("utf-8").splitlines()
    at = lines.index("title:")
    polish = next(n for n in range(at, at + 8) if lines[n].startswith("  pl: "))
    del lines[polish]  # the title in every language but Polish
    asked = next(n for n, line in enumerate(lines) if line.startswith("    text:"))
    english = lines[asked + 1].split("en: ", 1)[1]
    lines[asked : asked + 7] = [f"    text: {english}"]  # a plain string: English only
    budget.write_text("\n".join(lines) + "\n", "utf-8")

    missing = missing_texts(folder, SIX)
    title = [m for m in missing if m.file.endswith("budget.yaml") and m.path == ("title",)]
    assert len(title) == 1 and title[0].languages == ("pl",) and title[0].line == at + 1
    assert str(title[0]) == f"rulebook/dimensions/budget.yaml:{at + 1}: title: no pl"
    [plain] = [m for m in missing if m.path[-1] == "text"]
    assert plain.languages == ("fr", "de", "es", "it", "pl"), "a plain string is English only"
    assert plain.line == asked + 1
    assert len(missing) == 2
    assert not [m for m in missing if m.file.endswith("sources.yaml")]
    assert missing_texts(folder, ["en"]) == [], "English alone: nothing lacks"
