"""Helpers of the web tests: an app on a real database (see ``database.py``), forms with CSRF
tokens, examples."""

from __future__ import annotations

import html
import re
import weakref
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from database import database_url
from flask import Flask
from flask.testing import FlaskClient

from benchmark.peers import PeerFinder
from benchmark.record import PoolRecord
from rules import text_in
from web import create_app, state, storage

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEMO_SIZE = 40


def make_app(tmp_path: Path, **overrides: Any) -> Flask:
    """An app whose instance folder and database live in ``tmp_path``."""
    config: dict[str, Any] = {
        "TESTING": True,
        "instance_path": tmp_path / "instance",
        "database_url": database_url(tmp_path),
        "demo_pool_size": DEMO_SIZE,
        "write_rate_limit": "10000 per minute",
    }
    config.update(overrides)
    app = create_app(config)
    CREATED_APPS.add(app)
    return app


#: The apps :func:`make_app` built that are still alive; their connections are closed after
#: each test (the engines stay usable), so none is left for the garbage collector to warn about.
CREATED_APPS: weakref.WeakSet[Flask] = weakref.WeakSet()


def dispose_apps() -> None:
    """Close the pooled connections of every live app built by :func:`make_app`."""
    for app in list(CREATED_APPS):
        storage.dispose(app)


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on the page at ``url``."""
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def start(client: FlaskClient) -> str:
    """Start an assessment; returns its resume token."""
    token = csrf_token(client, "/")
    response = client.post("/start", data={"csrf_token": token})
    assert response.status_code == 303
    match = re.fullmatch(r".*/a/([A-Za-z0-9_-]{43})/profile", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    """POST ``data`` to ``url`` with the CSRF token of the page at ``url``."""
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


PROFILE = {
    "name": "Nordhaven",
    "country": "DE",
    "population": "900000",
    "capital": "no",
    "sharing": "anonymous",
}


def example_answers(name: str = "answers-established.yaml") -> dict[str, Any]:
    """The answers and notes of an example file."""
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / name).read_text("utf-8"))
    return data


def fill_everything(client: FlaskClient, token: str, app: Flask, name: str = "") -> None:
    """Fill the profile and every dimension page with an example's answers."""
    from web import state

    response = post_form(client, f"/a/{token}/profile", PROFILE)
    assert response.status_code == 303, response.get_data(as_text=True)
    data = example_answers(name or "answers-established.yaml")
    with app.app_context():
        book = state.rulebook()
    for dimension in book.dimensions:
        form: dict[str, Any] = {}
        for question in dimension.questions:
            if question.id in data["answers"]:
                form[question.id] = str(data["answers"][question.id])
            if question.id in data.get("notes", {}):
                form[f"{question.id}--note"] = data["notes"][question.id]
        response = post_form(client, f"/a/{token}/step/{dimension.id}", form)
        assert response.status_code == 303, response.get_data(as_text=True)


def page_answers(app: Flask, dimension_id: str, option: int) -> dict[str, str]:
    """The same option (a number for number questions) for every question of a dimension
    page that applies whatever else is answered."""
    from web import state

    with app.app_context():
        book = state.rulebook()
    page = next(d for d in book.dimensions if d.id == dimension_id)
    return {
        q.id: q.options[option].value if q.kind == "choice" else "2"
        for q in page.questions
        if q.applies_if is None
    }


def text(response: Any) -> str:
    """The page as the user reads it: HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def assert_same_as_a_full_fit(finder: PeerFinder | None) -> None:
    """``finder`` holds the stored pool and finds what a finder fitted from scratch finds."""
    assert finder is not None
    pool = storage.load_pool()
    titles = {d.id: text_in(d.title) for d in state.rulebook().dimensions}
    fresh = PeerFinder(n_neighbors=finder.n_neighbors).fit(pool, dimension_titles=titles)
    assert list(finder.ids_) == list(fresh.ids_)
    np.testing.assert_array_equal(finder.scores_, fresh.scores_)
    np.testing.assert_array_equal(finder.levels_, fresh.levels_)
    assert [finder.record(i) for i in finder.ids_] == pool  # load_pool is in id order
    city = pool[0]
    for mode in ("comparable", "same_stage"):
        ours = getattr(finder, mode)(city.profile, city.scores, city_id=city.id)
        theirs = getattr(fresh, mode)(city.profile, city.scores, city_id=city.id)
        assert ours == theirs


def copy_city(record: PoolRecord, record_id: str, **changes: Any) -> PoolRecord:
    """``record`` under another id, its profile changed by ``changes``: another city (its own
    name; one city's assessments would be one peer)."""
    profile = record.profile.model_copy(update={"name": f"City {record_id}", **changes})
    return record.model_copy(update={"id": record_id, "source": "import", "profile": profile})
