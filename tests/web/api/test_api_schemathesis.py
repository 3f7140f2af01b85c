"""Schemathesis over the whole OpenAPI document, in process, against a real SQLite app.

Every operation of ``/api/v1/openapi.json`` is called with examples from the document,
coverage cases (boundaries, missing and wrong-typed fields, undocumented methods) and generated
data, and every response is checked: no server error, a documented status code, content type,
headers and a body that fits its schema, schema-invalid data rejected. Generation is
derandomized, so the run is the same every time.

Schema-valid data must get a 2xx, with exceptions JSON Schema cannot express (see
``RULEBOOK_BOUND``): which answers, dimensions, choices and countries exist comes from the
rulebook, the stored draft and the gazetteer, and a name or a reply may be blank once its
invisible characters are dropped; those operations may also answer 422.

Operations on an assessment get a token pinned to one prepared for them (see
:class:`Scene`): submitted assessments for peers, advice, targets and the plan (one of them
re-assessed, so that its plan has outcomes), drafts with a team for the rest.
What the document cannot say — the current ``version``, an open disagreement, a review asked
of this reviewer, a query waiting for a reply, a draft not yet submitted — :meth:`Scene.prepare`
makes true before each call, changing only values the schema allows anyway, so that valid
data reaches the code behind each operation's refusals.

The schema is loaded when the module is imported (schemathesis' lazy fixture loader does not
work with pytest 9): the app lives in a temporary folder removed when the process exits.
"""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from api_helpers import (
    create_body,
    created,
    give_profile,
    invite,
    make_api_app,
    new_draft,
    reassess,
    save,
    score_body,
    version_of,
)
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from rules import load_rulebook
from web import storage

_FOLDER = Path(tempfile.mkdtemp(prefix="citydip-schemathesis-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
APP = make_api_app(_FOLDER)
atexit.register(storage.dispose, APP)  # runs before the folder is removed

ANSWERS: dict[str, Any] = score_body()["answers"]
DIMENSIONS = [d.id for d in load_rulebook().dimensions]
CHOICES = {q.id for d in load_rulebook().dimensions for q in d.questions if q.kind == "choice"}
DOC = "strategy.document"
QUERIED = "staff"
ID_MAX = 2_147_483_647


def _verdicts(**queries: str) -> dict[str, Any]:
    accepted = {d: {"verdict": "accepted", "comment": ""} for d in DIMENSIONS}
    return {
        "verdicts": accepted
        | {d: {"verdict": "queried", "comment": c} for d, c in queries.items()}
    }


def _whole(value: Any, low: int) -> bool:
    """A value the schema takes as an integer from ``low`` (``2.0`` included): replacing it
    by another keeps a valid case valid and an invalid one invalid."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return float(value).is_integer() and low <= value <= ID_MAX


@dataclass
class Scene:
    """The assessments the run works on, and what keeps each operation's preconditions."""

    client: FlaskClient
    #: submitted and in the pool: read, peers, advice
    submitted: str
    #: a draft with everything a team leaves: colleagues, a disagreement, a finished review
    #: with a replied query, another review asked
    rich: str
    rich_colleague: str
    #: drafts of their own for the operations that change things
    profile: str
    answers: str
    answers_colleague: str
    team: str
    team_colleague_id: int
    review: str
    reviewer_id: int
    verdicts: str
    verdicts_reviewer: str
    verdicts_reviewer_id: int
    queried: str
    #: submitted: targets to set; targets set, re-assessed since (its plan has outcomes), and
    #: the key of an action of that plan
    targets: str
    planned: str
    action_key: str
    disputed: str = ""
    _turns: dict[str, Iterator[bool]] = field(default_factory=dict)

    @classmethod
    def build(cls, client: FlaskClient) -> Scene:
        """Prepare every assessment through the API itself."""
        submitted = created(client, create_body(sharing="anonymous"))["token"]
        rich, rich_colleague = cls._rich(client)
        answers = new_draft(client)
        answers_colleague, _ = invite(client, answers)
        team = new_draft(client)
        _, team_colleague_id = invite(client, team)
        review = new_draft(client)
        _, reviewer_id = invite(client, review, reviewer=True)
        verdicts = new_draft(client)
        verdicts_reviewer, verdicts_reviewer_id = invite(client, verdicts, reviewer=True)
        queried = new_draft(client)
        planned, action_key = cls._planned(client)
        scene = cls(
            client=client,
            submitted=submitted,
            rich=rich,
            rich_colleague=rich_colleague,
            profile=new_draft(client),
            answers=answers,
            answers_colleague=answers_colleague,
            team=team,
            team_colleague_id=team_colleague_id,
            review=review,
            reviewer_id=reviewer_id,
            verdicts=verdicts,
            verdicts_reviewer=verdicts_reviewer,
            verdicts_reviewer_id=verdicts_reviewer_id,
            queried=queried,
            targets=created(client, create_body())["token"],
            planned=planned,
            action_key=action_key,
        )
        scene._query(queried)
        scene.disputed = scene._disputed()
        return scene

    @staticmethod
    def _rich(client: FlaskClient) -> tuple[str, str]:
        owner = new_draft(client)
        give_profile(client, owner)
        evidence = {DOC: {"link": "https://example.org/strategy.pdf", "checked": "2025-01-31"}}
        notes = {DOC: "Adopted by the council."}
        assert (
            save(client, owner, 0, answers=ANSWERS, notes=notes, evidence=evidence).status_code
            == 200
        )
        colleague, _ = invite(client, owner, name="Jonas Berg", role="Mayor's office")
        _, reviewer_id = invite(client, owner, reviewer=True)
        _revoked, revoked_id = invite(client, owner, dimensions=["eu"])
        assert save(client, colleague, 1, answers={DOC: "informal"}).status_code == 200
        client.delete(f"/api/v1/assessments/{owner}/contributors/{revoked_id}")
        ask = f"/api/v1/assessments/{owner}/review"
        reviewer = Scene._ask(client, owner)
        Scene._give(client, reviewer, _verdicts(staff="Five people?"))
        client.post(f"{ask}/staff/reply", json={"reply": "Yes, since 2024."})
        client.post(ask, json={"reviewer_id": reviewer_id})  # asked again, not finished
        return owner, colleague

    @staticmethod
    def _planned(client: FlaskClient) -> tuple[str, str]:
        """A submitted assessment with the defaults set as its targets, and re-assessed with
        one action's answer raised to the option it aims at; that action's key."""
        owner = created(client, create_body())["token"]
        path = f"/api/v1/assessments/{owner}"
        offered = client.get(f"{path}/targets").get_json()
        targets = {"levels": offered["levels"], "date": offered["date"]}
        assert client.put(f"{path}/targets", json=targets).status_code == 200
        actions = client.get(f"{path}/plan").get_json()["actions"]
        action = next(a for a in actions if a["question"] in CHOICES)
        again = reassess(client, owner)
        raised = {action["question"]: action["aim"]}
        assert save(client, again, version_of(client, again), answers=raised).status_code == 200
        assert client.post(f"/api/v1/assessments/{again}/submit").status_code == 200
        return owner, action["key"]

    @staticmethod
    def _ask(client: FlaskClient, owner: str) -> str:
        """Invite a reviewer to ``owner``'s draft and ask them; returns their token."""
        token, new_id = invite(client, owner, reviewer=True, name="Eva Lind", role="Reviewer")
        asked = client.post(f"/api/v1/assessments/{owner}/review", json={"reviewer_id": new_id})
        assert asked.status_code == 201, asked.get_json()
        return token

    @staticmethod
    def _give(client: FlaskClient, reviewer: str, body: dict[str, Any]) -> None:
        given = client.post(f"/api/v1/assessments/{reviewer}/review/verdicts", json=body)
        assert given.status_code == 200, given.get_json()

    def _query(self, owner: str) -> None:
        """A finished review of ``owner``'s draft whose query on staff waits for a reply."""
        reviewer = self._ask(self.client, owner)
        self._give(self.client, reviewer, _verdicts(**{QUERIED: "Five people?"}))

    def _disputed(self) -> str:
        """A new draft with a disagreement on ``strategy.document``."""
        owner = new_draft(self.client)
        colleague, _ = invite(self.client, owner)
        assert save(self.client, owner, 0, answers={DOC: "none"}).status_code == 200
        assert save(self.client, colleague, 1, answers={DOC: "informal"}).status_code == 200
        return owner

    def _complete(self) -> str:
        owner = new_draft(self.client)
        give_profile(self.client, owner)
        assert save(self.client, owner, 0, answers=ANSWERS).status_code == 200
        return owner

    def _alternate(self, operation_id: str, owner: str, colleague: str) -> str:
        turns = self._turns.setdefault(operation_id, itertools.cycle([True, False]))
        return owner if next(turns) else colleague

    def _read(self, token: str) -> dict[str, Any]:
        body: dict[str, Any] = self.client.get(f"/api/v1/assessments/{token}").get_json()
        return body

    def prepare(self, case: schemathesis.Case) -> None:
        """Make the case's precondition hold, as a client that just read the draft would."""
        operation_id = case.operation.definition.raw["operationId"]
        path = case.path_parameters if case.path_parameters is not None else {}
        body = case.body if isinstance(case.body, dict) else {}
        if operation_id in ("getAssessment", "getActivity"):
            path["token"] = self._alternate(operation_id, self.rich, self.rich_colleague)
        elif operation_id in ("getTargets", "getPlan"):
            path["token"] = self._alternate(operation_id, self.submitted, self.planned)
        elif operation_id == "saveAnswers":
            path["token"] = self._alternate(operation_id, self.answers, self.answers_colleague)
        elif operation_id == "resolveDispute":
            if DOC not in [d["question"] for d in self._read(self.disputed)["disputes"]]:
                self.disputed = self._disputed()
            path["token"] = self.disputed
        elif operation_id == "requestReview" and _whole(body.get("reviewer_id"), 1):
            body["reviewer_id"] = self.reviewer_id
        elif operation_id == "giveVerdicts":
            pending = self._read(self.verdicts)["review_request"]
            if pending is None or pending["reviewer_id"] != self.verdicts_reviewer_id:
                ask = f"/api/v1/assessments/{self.verdicts}/review"
                self.client.post(ask, json={"reviewer_id": self.verdicts_reviewer_id})
        elif operation_id == "replyToQuery":
            review = self._read(self.queried)["review"]
            if review is None or QUERIED not in review["open_queries"]:
                self._query(self.queried)
        elif operation_id == "submitAssessment":
            path["token"] = self._complete()
        if operation_id in ("saveAnswers", "resolveDispute") and _whole(body.get("version"), 0):
            body["version"] = version_of(self.client, path["token"])


SCENE = Scene.build(APP.test_client())

#: Operations whose schema-valid data may still be refused with a 422, because what is
#: valid depends on more than JSON Schema says: skip logic and the rulebook's ids (answers,
#: dimensions), the gazetteer (countries), the stored disagreement (choices), names or
#: replies that are blank once invisible characters are dropped, target levels above the
#: current ones and dates that exist (and, for targets, are not past).
RULEBOOK_BOUND = {
    "include-operation-id": [
        "scoreAnswers",
        "createAssessment",
        "putProfile",
        "saveAnswers",
        "resolveDispute",
        "inviteContributor",
        "giveVerdicts",
        "replyToQuery",
        "putTargets",
        "updatePlanAction",
    ],
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "422"]}},
}


def _pinned(operation_id: str, **parameters: Any) -> dict[str, Any]:
    return {
        "include-operation-id": operation_id,
        "parameters": {f"path.{name}": value for name, value in parameters.items()},
    }


CONFIG = schemathesis.Config.from_dict(
    {
        "parameters": {"path.token": SCENE.submitted},
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx"]}},
        "operations": [
            RULEBOOK_BOUND,
            _pinned("putProfile", token=SCENE.profile),
            _pinned("resolveDispute", question_id=DOC),
            _pinned("inviteContributor", token=SCENE.team),
            _pinned("revokeContributor", token=SCENE.team, contributor_id=SCENE.team_colleague_id),
            _pinned("requestReview", token=SCENE.review),
            _pinned("giveVerdicts", token=SCENE.verdicts_reviewer),
            _pinned("replyToQuery", token=SCENE.queried, dimension_id=QUERIED),
            _pinned("putTargets", token=SCENE.targets),
            _pinned("updatePlanAction", token=SCENE.planned, key=SCENE.action_key),
        ],
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_document(case: schemathesis.Case) -> None:
    SCENE.prepare(case)
    case.call_and_validate()
