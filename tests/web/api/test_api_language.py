"""The API's error messages follow the request's language (issue 16, part 3).

What a client expects: asked in French — with ``Accept-Language`` or with ``?lang=`` — the
``message`` of an error and each detail's ``message`` are French, the words of the French
catalog; the ``code`` and the detail ``path`` are the same in every language, so a program
need not know the language; asked in a language the service does not offer, or in none, the
messages are English, as they always were.

The French catalog gets its translations of these messages when the lead has the new messages
translated; until then :func:`catalog_helpers.with_translations` adds them to the test app's
compiled catalog, and the expected French is whatever that catalog says.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from api_helpers import create_body, make_api_app
from catalog_helpers import plural_form, with_translations
from flask import Flask
from flask.testing import FlaskClient
from pydantic import BaseModel, Field, StringConstraints, ValidationError

from web import storage
from web.api.errors import validation_error

NOT_FOUND = "There is no API resource at %(path)s; see %(docs)s."
PROBLEMS = (
    "The request has %(num)s problem; see details.",
    "The request has %(num)s problems; see details.",
)
REQUIRED = "this field is required"
NOT_AN_OBJECT = "must be an object"
FRENCH = {
    NOT_FOUND: "Il n’y a pas de ressource de l’API à l’adresse %(path)s ; voir %(docs)s.",
    PROBLEMS: (
        "La requête comporte %(num)s problème ; voir les détails.",
        "La requête comporte %(num)s problèmes ; voir les détails.",
    ),
    REQUIRED: "ce champ est obligatoire",
    NOT_AN_OBJECT: "doit être un objet",
}
#: the two ways a client asks for French
IN_FRENCH: dict[str, dict[str, Any]] = {
    "Accept-Language": {"headers": {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}},
    "?lang=": {"query_string": {"lang": "fr"}},
}


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[Any, Any]]]:
    """An app that offers French, and the French of the messages these tests look at."""
    app = make_api_app(tmp_path_factory.mktemp("api-fr"), languages="en,fr")
    catalog = with_translations(app, "fr", FRENCH)
    yield app, catalog
    storage.dispose(app)


@pytest.fixture
def client(french: tuple[Flask, dict[Any, Any]]) -> FlaskClient:
    return french[0].test_client()


def _no_profile() -> dict[str, Any]:
    body = create_body()
    del body["profile"]
    return body


@pytest.mark.parametrize("asked", list(IN_FRENCH))
def test_a_404_is_in_french_when_asked(
    client: FlaskClient, french: tuple[Flask, dict[Any, Any]], asked: str
) -> None:
    catalog = french[1]
    response = client.get("/api/v1/nowhere", **IN_FRENCH[asked])
    error = response.get_json()["error"]
    assert response.status_code == 404 and error["code"] == "not_found"
    assert error["message"] == catalog[NOT_FOUND] % {
        "path": "/api/v1/nowhere",
        "docs": "/api/v1/docs",
    }
    # a client of its own: ``?lang=`` is remembered in a cookie, for the API too
    english = french[0].test_client().get("/api/v1/nowhere").get_json()["error"]
    assert english["message"] == "There is no API resource at /api/v1/nowhere; see /api/v1/docs."
    assert error["message"] != english["message"] and error["code"] == english["code"]


@pytest.mark.parametrize("asked", list(IN_FRENCH))
def test_a_422_and_its_details_are_in_french_when_asked(
    client: FlaskClient, french: tuple[Flask, dict[Any, Any]], asked: str
) -> None:
    catalog = french[1]
    response = client.post("/api/v1/assessments", json=_no_profile(), **IN_FRENCH[asked])
    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == "validation_error"
    assert error["message"] == catalog[PROBLEMS][plural_form("fr", 1)] % {"num": 1}
    assert error["details"] == [{"path": "profile", "message": catalog[REQUIRED]}]


def test_several_problems_take_the_plural_and_keep_their_paths(
    client: FlaskClient, french: tuple[Flask, dict[Any, Any]]
) -> None:
    catalog = french[1]
    body = {**_no_profile(), "answers": [1, 2]}
    french_error = client.post("/api/v1/assessments", json=body, **IN_FRENCH["?lang="])
    english_error = french[0].test_client().post("/api/v1/assessments", json=body)
    fr, en = french_error.get_json()["error"], english_error.get_json()["error"]
    assert fr["message"] == catalog[PROBLEMS][plural_form("fr", 2)] % {"num": 2}
    assert fr["message"] != catalog[PROBLEMS][plural_form("fr", 1)] % {"num": 2}
    assert en["message"] == "The request has 2 problems; see details."
    assert [d["path"] for d in fr["details"]] == [d["path"] for d in en["details"]]
    assert {d["path"]: d["message"] for d in fr["details"]} == {
        "answers": catalog[NOT_AN_OBJECT],
        "profile": catalog[REQUIRED],
    }
    assert {d["path"]: d["message"] for d in en["details"]} == {
        "answers": NOT_AN_OBJECT,
        "profile": REQUIRED,
    }


@pytest.mark.parametrize("language", [None, "de", "en"])
def test_without_french_asked_the_messages_are_english(
    client: FlaskClient, language: str | None
) -> None:
    # German is not offered by this app: English, not the French the app also has
    headers = {} if language is None else {"Accept-Language": language}
    response = client.post("/api/v1/assessments", json=_no_profile(), headers=headers)
    error = response.get_json()["error"]
    assert error["message"] == "The request has 1 problem; see details."
    assert error["details"] == [{"path": "profile", "message": REQUIRED}]


class _Limits(BaseModel):
    """Fields with each constraint whose pydantic message the API words itself."""

    short: Annotated[str, StringConstraints(max_length=3)] = "x"
    long: Annotated[str, StringConstraints(min_length=2)] = "xx"
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "DE"
    above: Annotated[int, Field(gt=0)] = 1
    at_least: Annotated[int, Field(ge=1)] = 1
    below: Annotated[int, Field(lt=10)] = 1
    at_most: Annotated[int, Field(le=9)] = 1
    few: list[int] = Field(default=[], max_length=2)
    whole: int = 0
    number: float = 0.0
    flag: bool = False


@pytest.mark.parametrize(
    "given",
    [
        {"short": "four"},
        {"short": "x" * 9, "long": "y"},
        {"code": "de"},
        {"above": 0, "at_least": 0},
        {"below": 10, "at_most": 10},
        {"few": [1, 2, 3]},
        {"few": 5},
        {"whole": 1.5},
        {"number": "many"},
        {"flag": "perhaps"},
    ],
)
def test_in_english_pydantic_messages_are_worded_as_pydantic_words_them(
    french: tuple[Flask, dict[Any, Any]], given: dict[str, Any]
) -> None:
    # The API words these itself so that they can be translated; English stays as it was.
    with pytest.raises(ValidationError) as info:
        _Limits.model_validate(given)
    with french[0].test_request_context("/api/v1/score"):
        error = validation_error(info.value)
    assert [d.message for d in error.details] == [e["msg"] for e in info.value.errors()]
