"""The API's endpoints for targets and the action plan of a submitted assessment, each
declared once with :func:`~web.api.routes.operation`.

Who may call: the owner's token only (a colleague's answers 404, as the pages do); a draft
answers 409, as for peers and advice.
"""

from __future__ import annotations

from flask import Response

from web.api import plan
from web.api.models import ActionPatch, TargetsRequest
from web.api.parsing import json_body
from web.api.responses import ActionOut, PlanOut, TargetsOut
from web.api.routes import operation
from web.api.team_views import OWNER_ONLY, owner_only
from web.api.views import json_response

__all__: list[str] = []


@operation(
    "GET",
    "/assessments/<token>/targets",
    operation_id="getTargets",
    summary="The targets of a submitted assessment",
    tag="Plan",
    response=TargetsOut,
    extra_errors=(409,),
    error_texts={404: OWNER_ONLY},
)
def get_targets(token: str) -> Response:
    """The owner's. The target level per dimension and the date to reach them by — until the
    city sets its own, the defaults the results page offers (`offered: true`): one level up
    in the weakest dimensions, a year from today. `choices` lists the dimensions that take a
    target and the levels each can aim at."""
    return json_response(plan.targets_view(token), private=True)


@operation(
    "PUT",
    "/assessments/<token>/targets",
    operation_id="putTargets",
    summary="Set the targets of a submitted assessment",
    tag="Plan",
    body=TargetsRequest,
    response=TargetsOut,
    rate_limit="api_write_rate_limit",
    extra_errors=(409,),
    error_texts={
        404: OWNER_ONLY,
        422: "A target is not a level above the dimension's current one "
        "(`levels.<dimension>`), or the date is missing, not a day or in the past (`date`).",
    },
)
def put_targets(token: str) -> Response:
    """The owner's. Replaces the targets, as the results page's form does: a level above the
    current one per dimension (dimensions left out get none) and a date from today on,
    required when any target is set. The plan follows the targets."""
    return json_response(plan.set_targets(token, json_body(TargetsRequest)), private=True)


@operation(
    "GET",
    "/assessments/<token>/plan",
    operation_id="getPlan",
    summary="The action plan of a submitted assessment",
    tag="Plan",
    response=PlanOut,
    extra_errors=(409,),
    error_texts={404: OWNER_ONLY},
)
def get_plan(token: str) -> Response:
    """The owner's. The actions towards the targets, best first, each with its owner, due
    date and status as recorded and — once the city re-assessed — its `outcome`; and the
    dimensions where the actions, all done, would still fall `short` of the target."""
    return json_response(plan.plan_view(token), private=True)


@operation(
    "PATCH",
    "/assessments/<token>/plan/actions/<key>",
    operation_id="updatePlanAction",
    summary="Record an action's owner, due date and status",
    tag="Plan",
    body=ActionPatch,
    response=ActionOut,
    rate_limit="api_write_rate_limit",
    extra_errors=(409,),
    error_texts={404: owner_only("the plan has no action with this key")},
)
def update_plan_action(token: str, key: str) -> Response:
    """The owner's. Changes what is given of `owner`, `due` and `status`, as the plan page
    does; what is left out stays. A change that changes nothing stores nothing."""
    edited = plan.edit_action(token, key, json_body(ActionPatch))
    return json_response(edited, private=True)
