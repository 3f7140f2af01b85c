"""Schemathesis over the whole OpenAPI document, in process, against a real SQLite app.

Every operation of ``/api/v1/openapi.json`` is called with examples from the document,
coverage cases (boundaries, missing and wrong-typed fields, undocumented methods) and generated
data, and every response is checked: no server error, a documented status code, content type,
headers and a body that fits its schema, schema-invalid data rejected. Generation is
derandomized, so the run is the same every time.

Schema-valid data must get a 2xx, with one exception: a schema-valid body of answers may still
be refused with a 422, since which questions must be answered depends on other answers (skip
logic), which JSON Schema cannot say; so the two operations that take answers may answer 422.
Everything else is as schemathesis' defaults.

The schema is loaded when the module is imported (schemathesis' lazy fixture loader does not
work with pytest 9): the app lives in a temporary folder removed when the process exits.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from api_helpers import create_body, created, make_api_app
from hypothesis import HealthCheck, settings

from web import storage

_FOLDER = Path(tempfile.mkdtemp(prefix="citydip-schemathesis-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
APP = make_api_app(_FOLDER)
atexit.register(storage.dispose, APP)  # runs before the folder is removed
#: An assessment to read: the token path parameter is pinned to it, so that reads, peers and
#: advice are exercised beyond their 404 (route tests cover unknown tokens).
TOKEN = created(APP.test_client(), create_body(sharing="anonymous"))["token"]
#: Only the two operations that take answers may refuse schema-valid data with a 422.
SKIP_LOGIC = {
    "include-operation-id": ["scoreAnswers", "createAssessment"],
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "422"]}},
}
CONFIG = schemathesis.Config.from_dict(
    {
        "parameters": {"path.token": TOKEN},
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx"]}},
        "operations": [SKIP_LOGIC],
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
    case.call_and_validate()
