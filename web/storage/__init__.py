"""All of the app's SQL: tables, engine, migrations and data-access functions.

Only this package (and the migration scripts in ``web/migrations/``) talks to SQLAlchemy;
views call the keyword-only functions re-exported here, which use one session per request
(opened lazily, closed on app-context teardown) and return plain frozen dataclasses, never
ORM rows. A module per group of tables::

    tables       the declarative rows (the schema itself comes from the migrations)
    engine       engine, SQLite pragmas, Alembic upgrade, the per-request session
    assessments  drafts, submission (one transaction with the pool entry), re-assessments
    pool         the peer pool: records, change detection, imports, the demo seed
    admin_sessions  admin sign-ins kept on the server (sign-out ends one at once)
    contributors    colleagues invited to an assessment, each with a personal link
    disputes     where two people answered a question differently (pure functions)
    reviews      a reviewer's verdict per dimension, the owner's replies to queries
    activity     the log of who changed what, from what to what, when
    rescore      rows scored under another rulebook, and their new results (not
                 re-exported: only ``web.rescoring`` uses it)
"""

from web.storage.activity import StoredActivity, list_activity
from web.storage.admin_sessions import (
    admin_session_valid,
    end_admin_session,
    start_admin_session,
)
from web.storage.assessments import (
    AssessmentCounts,
    StoredAssessment,
    assessment_counts,
    create_assessment,
    create_reassessment,
    create_submitted_assessment,
    find_assessment,
    get_assessment,
    later_assessment,
    resolve_dispute,
    save_answers,
    save_profile,
    submit_assessment,
)
from web.storage.contributors import (
    StoredContributor,
    add_contributor,
    find_contributor,
    list_contributors,
    revoke_contributor,
)
from web.storage.disputes import open_disputes
from web.storage.engine import (
    MIGRATIONS,
    app_engine,
    create_db_engine,
    dispose,
    init_app,
    upgrade_database,
)
from web.storage.plans import StoredAction, list_plan, save_action, save_targets
from web.storage.pool import (
    PoolConflictError,
    PoolEntry,
    PoolListing,
    add_pool_records,
    import_pool_records,
    iter_pool_entries,
    load_pool,
    load_pool_entries,
    load_pool_records,
    pool_ids,
    pool_listing,
    pool_signature,
    pool_size,
    pool_stamps,
    seed_pool,
)
from web.storage.reviews import (
    StoredReview,
    finish_review,
    latest_review,
    reply_to_query,
    request_review,
)
from web.storage.shares import (
    StoredShareLink,
    add_share_link,
    find_share_link,
    list_share_links,
    revoke_share_link,
)

__all__ = [
    "MIGRATIONS",
    "AssessmentCounts",
    "PoolConflictError",
    "PoolEntry",
    "PoolListing",
    "StoredAction",
    "StoredActivity",
    "StoredAssessment",
    "StoredContributor",
    "StoredReview",
    "StoredShareLink",
    "add_contributor",
    "add_pool_records",
    "add_share_link",
    "admin_session_valid",
    "app_engine",
    "assessment_counts",
    "create_assessment",
    "create_db_engine",
    "create_reassessment",
    "create_submitted_assessment",
    "dispose",
    "end_admin_session",
    "find_assessment",
    "find_contributor",
    "find_share_link",
    "finish_review",
    "get_assessment",
    "import_pool_records",
    "init_app",
    "iter_pool_entries",
    "later_assessment",
    "latest_review",
    "list_activity",
    "list_contributors",
    "list_plan",
    "list_share_links",
    "load_pool",
    "load_pool_entries",
    "load_pool_records",
    "open_disputes",
    "pool_ids",
    "pool_listing",
    "pool_signature",
    "pool_size",
    "pool_stamps",
    "reply_to_query",
    "request_review",
    "resolve_dispute",
    "revoke_contributor",
    "revoke_share_link",
    "save_action",
    "save_answers",
    "save_profile",
    "save_targets",
    "seed_pool",
    "start_admin_session",
    "submit_assessment",
    "upgrade_database",
]
