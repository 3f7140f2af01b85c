"""The dashboard in the secretariat's language, whoever asked for the same figures before.

What a secretariat expects: in French, the groups of the "by group" tables (each region,
each size band, EU membership) are French — the catalog's words — while the
figures are the same; and a colleague who reads the dashboard in English just after sees
English, although the figures were worked out once, for the first reader (the pictures are
kept per state of the pool).

The French catalog gets these translations when the lead has the new messages translated;
until then :func:`catalog_helpers.with_translations` adds them to the test app's compiled
catalog, and the expected French is whatever that catalog says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from catalog_helpers import with_translations
from flask import Flask
from network_helpers import admin_app, sign_in
from web_helpers import text

from benchmark.aggregates import EU_LABELS
from benchmark.profile import SIZE_BANDS
from benchmark.wording import M49_NAMES
from web import storage

NO_SUCH_REGION = "Choose a region from the list"
FRENCH: dict[Any, Any] = {
    NO_SUCH_REGION: "Choisissez une région dans la liste",
    EU_LABELS[True]: "membre de l’UE",
    EU_LABELS[False]: "hors UE",
    **{name: f"{name} (en français)" for name in M49_NAMES},
    **{band: f"{band} (en français)" for _, band in SIZE_BANDS},
}


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[Any, Any]]]:
    """An app offering French, with its demo pool, and the French of the group names."""
    app = admin_app(tmp_path_factory.mktemp("dashboard-fr"), languages="en,fr")
    catalog = with_translations(app, "fr", FRENCH)
    yield app, catalog
    storage.dispose(app)


def _groups(page: str, grouping: str) -> list[str]:
    """The row headers of the "by group" table of ``grouping``."""
    table = page.split(f'data-testid="groups-{grouping}"')[1].split("</table>")[0]
    return [cell.strip() for cell in re.findall(r'<th scope="row">(.*?)</th>', table, re.S)]


def _figures(page: str, grouping: str) -> list[list[str]]:
    """The numbers of each cell of the table of ``grouping`` (each language writes them its
    own way: "80%", "80 %"; the digits are the same)."""
    table = page.split(f'data-testid="groups-{grouping}"')[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)
    return [re.findall(r"\d+", re.sub(r"(?<=\d)[\s.,\u202f\xa0](?=\d)", "", c)) for c in cells]


def test_groups_are_named_in_each_readers_language_with_the_same_figures(
    french: tuple[Flask, dict[Any, Any]],
) -> None:
    app, catalog = french
    client = app.test_client()
    sign_in(client)
    in_french = text(client.get("/network/?lang=fr"))
    in_english = text(client.get("/network/?lang=en"))  # the same figures, kept from above
    with app.app_context():
        records = storage.load_pool()
    regions = sorted({r.profile.region for r in records})
    assert len(regions) > 1
    assert _groups(in_english, "region") == regions
    assert _groups(in_french, "region") == [catalog[r] for r in regions]
    bands = _groups(in_english, "size_band")
    assert bands and set(bands) <= {band for _, band in SIZE_BANDS}
    assert _groups(in_french, "size_band") == [catalog[b] for b in bands]
    assert _groups(in_french, "eu_member") == [
        catalog[label] for label in _groups(in_english, "eu_member")
    ]
    for grouping in ("region", "size_band", "eu_member"):
        assert _figures(in_french, grouping) == _figures(in_english, grouping), grouping


def test_a_reader_after_another_language_gets_their_own(
    french: tuple[Flask, dict[Any, Any]],
) -> None:
    # The same filters, so the same kept picture, which holds the words of its filter
    # errors: each reader gets them in their own language, whoever came first.
    app, catalog = french
    client = app.test_client()
    sign_in(client)
    for first, then in (("fr", "en"), ("en", "fr")):
        query = f"exclude_demo=&region=Atlantis+{first}"
        pages = {lang: client.get(f"/network/?lang={lang}&{query}") for lang in (first, then)}
        assert all(page.status_code == 400 for page in pages.values())
        assert catalog[NO_SUCH_REGION] in text(pages["fr"])
        assert NO_SUCH_REGION not in text(pages["fr"])
        assert NO_SUCH_REGION in text(pages["en"])
        assert catalog[NO_SUCH_REGION] not in text(pages["en"])
        assert _groups(text(pages["en"]), "eu_member") == list(EU_LABELS.values())
        assert _groups(text(pages["fr"]), "eu_member") == [catalog[g] for g in EU_LABELS.values()]
