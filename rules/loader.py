"""Load a rulebook folder, collecting every problem before failing.

Layout of a rulebook folder::

    rulebook.yaml            manifest: id, version, levels, dimension order, indicators
    dimensions/<id>.yaml     one dimension each, with its questions, gates and level meanings
    sources.yaml             the bibliography the questions cite
    migration.yaml           optional: how answers of the previous version carry over
    previous/<version>/      optional: the previous version, for the migration
    cases/<name>.yaml        worked examples (see :mod:`rules.cases`)

Loading runs in two phases. First every file is parsed and checked on its own and against the
others (schema, references); every problem of every file is collected. Only when that phase
finds nothing are the whole-rulebook checks run, which score consistent answers (reachable
levels, level gaps) and compare with the previous version (migration): they need a rulebook
whose references hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from rules.checks import Finding, ParsedDimension, ParsedRulebook, run_checks
from rules.errors import Problem, RulebookError
from rules.model import Citation, Dimension, Migration, Rulebook, RulebookManifest, SourcesFile
from rules.yamlsource import FieldPath, YamlSource, YamlSyntaxError, read_yaml

__all__ = ["DEFAULT_RULEBOOK", "load_previous", "load_rulebook"]

#: The rulebook shipped with the toolkit.
DEFAULT_RULEBOOK = Path(__file__).parent / "rulebook"

_ModelT = TypeVar("_ModelT", bound=BaseModel)

# Names pydantic puts in error locations for union members; they are not YAML fields.
_UNION_TAGS = {"IsOption", "IsAtLeast", "IsIn", "AllOf", "AnyOf", "Not", "str", "dict[str,str]"}

_FIXES = {
    "missing": "add the field",
    "extra_forbidden": "remove this field or correct its spelling",
    "string_pattern_mismatch": "use lowercase letters, digits and underscores as the pattern says",
    "condition_kind": "write the condition as {question: ID, at_least: OPTION} or similar",
    "too_short": "add the missing entries",
    "greater_than_equal": "use a larger number",
    "less_than_equal": "use a smaller number",
    "greater_than": "use a larger number",
}


def load_rulebook(path: Path | str = DEFAULT_RULEBOOK, *, scale_checks: bool = True) -> Rulebook:
    """Load and check the rulebook in folder ``path``.

    ``scale_checks=False`` skips the checks of the scale (reachable levels, level gaps), of
    the steps' wording (no EU step for a city with no EU link) and of the migration: for a
    previous version kept only so that old answers can be read.

    Raises :class:`~rules.errors.RulebookError` listing every problem found, each with
    file:line, field path, what was expected and how to fix it.
    """
    root = Path(path)
    problems: list[Problem] = []
    manifest_file = root / "rulebook.yaml"
    if not manifest_file.is_file():
        raise RulebookError(
            [
                Problem(
                    str(manifest_file),
                    None,
                    "",
                    "no rulebook.yaml here",
                    "point to a rulebook folder",
                )
            ]
        )
    manifest, manifest_source = _parse(manifest_file, root, RulebookManifest, problems)
    dimensions, unparsed = _load_dimensions(root, manifest, manifest_source, problems)
    sources, sources_source = _parse_required(root / "sources.yaml", root, SourcesFile, problems)
    migration, migration_source = (None, None)
    if (root / "migration.yaml").is_file():
        migration, migration_source = _parse(root / "migration.yaml", root, Migration, problems)
    # Run the checks even when rulebook.yaml is broken: those that need it skip themselves.
    book = ParsedRulebook(manifest, manifest_source, dimensions, unparsed, sources, sources_source)
    problems.extend(_locate(f) for f in run_checks(book))
    if problems:
        raise RulebookError(problems)
    assert manifest is not None and sources is not None  # no problems: both parsed
    rulebook = _assemble(manifest, [d.model for d in dimensions], sources, migration)
    if scale_checks:
        # Imported here: the scale checks score answers, which needs the engine.
        from rules.checks import check_step_wording
        from rules.migration import check_migration
        from rules.scale import run_scale_checks

        findings = [*run_scale_checks(rulebook, book), *check_step_wording(book)]
        if migration is not None and migration_source is not None:
            try:
                previous: Rulebook | RulebookError = load_previous(root, migration)
            except RulebookError as exc:
                previous = exc
            findings += check_migration(rulebook, migration, migration_source, previous)
        if findings:
            raise RulebookError([_locate(f) for f in findings])
    return rulebook


def _load_dimensions(
    root: Path,
    manifest: RulebookManifest | None,
    manifest_source: YamlSource | None,
    problems: list[Problem],
) -> tuple[list[ParsedDimension], frozenset[str]]:
    """Parse the dimension files; also return the ids of those present but broken."""
    files = {p.stem: p for p in sorted((root / "dimensions").glob("*.yaml"))}
    listed = manifest.dimensions if manifest is not None else list(files)
    parsed: list[ParsedDimension] = []
    unparsed: set[str] = set()
    for dim_id in dict.fromkeys(listed):
        file = files.get(dim_id)
        if file is None:
            assert manifest_source is not None
            problems.append(
                _locate(
                    Finding(
                        manifest_source,
                        ("dimensions", listed.index(dim_id)),
                        f"dimension '{dim_id}' is listed but dimensions/{dim_id}.yaml is missing",
                        f"create dimensions/{dim_id}.yaml or remove '{dim_id}' from the list",
                    )
                )
            )
            continue
        model, source = _parse(file, root, Dimension, problems)
        if model is None or source is None:
            unparsed.add(dim_id)
            continue
        if model.id != dim_id:
            problems.append(
                _locate(
                    Finding(
                        source,
                        ("id",),
                        f"dimension id '{model.id}' does not match its file name '{dim_id}.yaml'",
                        f"set id: {dim_id} or rename the file",
                    )
                )
            )
            unparsed.add(dim_id)
            continue
        parsed.append(ParsedDimension(model, source))
    for stray in sorted(set(files) - set(listed)) if manifest is not None else []:
        problems.append(
            Problem(
                _display(files[stray], root),
                1,
                "",
                f"dimension file '{stray}.yaml' is not listed in rulebook.yaml",
                f"add '{stray}' to dimensions in rulebook.yaml or delete the file",
            )
        )
    return parsed, frozenset(unparsed)


def _parse_required(
    file: Path, root: Path, model: type[_ModelT], problems: list[Problem]
) -> tuple[_ModelT | None, YamlSource | None]:
    if not file.is_file():
        problems.append(
            Problem(
                _display(file, root),
                None,
                "",
                f"{file.name} is missing",
                f"create {file.name} beside rulebook.yaml",
            )
        )
        return None, None
    return _parse(file, root, model, problems)


def _parse(
    file: Path, root: Path, model: type[_ModelT], problems: list[Problem]
) -> tuple[_ModelT | None, YamlSource | None]:
    name = _display(file, root)
    try:
        source = read_yaml(file, name)
    except YamlSyntaxError as exc:
        problems.append(
            Problem(name, exc.line, "", f"not valid YAML: {exc}", "correct the YAML syntax")
        )
        return None, None
    for path, line in source.duplicate_keys:
        problems.append(
            Problem(
                name,
                line,
                _dotted(path),
                "key given twice; YAML keeps only the last",
                "remove one of them",
            )
        )
    if not isinstance(source.data, dict):
        problems.append(
            Problem(
                name,
                1,
                "",
                "expected a mapping of fields at the top",
                "start the file with `id: ...`",
            )
        )
        return None, source
    try:
        return model.model_validate(source.data), source
    except ValidationError as exc:
        problems.extend(_from_validation(exc, source))
        return None, source


def _from_validation(exc: ValidationError, source: YamlSource) -> list[Problem]:
    found: dict[FieldPath, Problem] = {}
    for error in exc.errors():
        path = tuple(p for p in error["loc"] if p not in _UNION_TAGS)
        if path in found:  # a union reports each member's failure; the first says enough
            continue
        message = f"{error['msg']} (got {_short(error.get('input'))})"
        if error["type"] == "missing":
            message = "required field is missing"
        fix = _FIXES.get(error["type"], "give a value of the expected type")
        found[path] = Problem(source.file, source.line_of(path), _dotted(path), message, fix)
    return list(found.values())


def _locate(finding: Finding) -> Problem:
    return Problem(
        finding.source.file,
        finding.source.line_of(finding.path),
        _dotted(finding.path),
        finding.message,
        finding.fix,
    )


def _assemble(
    manifest: RulebookManifest,
    dimensions: list[Dimension],
    sources: SourcesFile,
    migration: Migration | None,
) -> Rulebook:
    cite = _citation_texts(sources)
    body: dict[str, Any] = {
        "id": manifest.id,
        "version": manifest.version,
        "title": manifest.title,
        "levels": manifest.levels,
        "dimensions": [
            d.model_copy(
                update={
                    "questions": [
                        q.model_copy(update={"source": cite(q.source)}) for q in d.questions
                    ]
                }
            )
            for d in dimensions
        ],
        "indicators": [
            i.model_copy(
                update={
                    "references": [
                        r.model_copy(update={"source": cite(r.source)}) for r in i.references
                    ]
                }
            )
            for i in manifest.indicators
        ],
        "floor_margin": manifest.floor_margin,
        "consistency": manifest.consistency,
        "sources": sources.sources,
        "migration": migration,
    }
    draft = Rulebook(**body)
    canonical = json.dumps(draft.model_dump(mode="json", by_alias=True), sort_keys=True)
    return draft.model_copy(
        update={"content_hash": hashlib.sha256(canonical.encode()).hexdigest()}
    )


def _citation_texts(sources: SourcesFile) -> Callable[[Citation], Citation]:
    """A function that gives a citation its text: "Authors (year). Title, locator."."""
    by_id = {source.id: source for source in sources.sources}

    def cite(citation: Citation) -> Citation:
        text = by_id[citation.ref].cite()
        if citation.locator:
            text = f"{text.removesuffix('.')}, {citation.locator}."
        return citation.model_copy(update={"text": text})

    return cite


def _display(file: Path, root: Path) -> str:
    try:
        return str(file.relative_to(root.parent))
    except ValueError:
        return str(file)


def _dotted(path: FieldPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def load_previous(rulebook_root: Path | str, migration: Migration) -> Rulebook:
    """The previous version named by ``migration``, loaded from ``rulebook_root``.

    Its scale is not checked (it is kept only to read old answers). Raises
    :class:`~rules.errors.RulebookError` when it does not load.
    """
    return load_rulebook(Path(rulebook_root) / migration.previous, scale_checks=False)
