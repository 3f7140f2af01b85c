"""The bibliography of a rulebook as Markdown: ``docs/sources.md`` is this module's output.

Regenerate it with ``python -m rules.bibliography > docs/sources.md``; a test fails when the
file and the rulebook disagree.
"""

from __future__ import annotations

from collections import defaultdict

from rules.model import Citation, Rulebook, Source, text_in

__all__ = ["sources_markdown"]


def sources_markdown(rulebook: Rulebook) -> str:
    """Every source of ``rulebook``, with the questions and figures that cite it."""
    cited: dict[str, list[tuple[str, Citation]]] = defaultdict(list)
    for dimension in rulebook.dimensions:
        for question in dimension.questions:
            cited[question.source.ref].append((f"`{question.id}`", question.source))
    for indicator in rulebook.indicators:
        for figure in indicator.references:
            what = f"indicator `{indicator.id}` ({figure.share:.0%} in {figure.year})"
            cited[figure.source.ref].append((what, figure.source))
    lines = [
        f"# Sources of rulebook {rulebook.id} {rulebook.version}",
        "",
        "Generated from `rules/rulebook/sources.yaml` and the citations in the rulebook by",
        "`python -m rules.bibliography > docs/sources.md`;",
        "`tests/rules/test_sources_doc.py` keeps it current. *Verified* means the title, authors",
        "or publisher and year were found in the publication or on its publisher's page; where",
        "something could not be confirmed, the note says what.",
        "",
    ]
    for source in rulebook.sources:
        lines += _entry(source, cited[source.id])
    return "\n".join(lines).rstrip() + "\n"


def _entry(source: Source, citations: list[tuple[str, Citation]]) -> list[str]:
    lines = [f"## {source.title}", "", f"- **Reference**: {source.cite()}"]
    if source.url:
        lines.append(f"- **Link**: <{source.url}>")
    lines.append(f"- **Verified**: {'yes' if source.verified else 'no'}")
    if source.note:
        lines.append(f"- **Note**: {' '.join(text_in(source.note).split())}")
    lines.append("- **Cited by**:")
    for what, citation in citations:
        where = f" — {citation.locator}" if citation.locator else ""
        caveat = f" (*{citation.note}*)" if citation.note else ""
        lines.append(f"  - {what}{where}{caveat}")
    return [*lines, ""]


if __name__ == "__main__":  # pragma: no cover - the command that writes docs/sources.md
    from rules.loader import load_rulebook

    print(sources_markdown(load_rulebook()), end="")
