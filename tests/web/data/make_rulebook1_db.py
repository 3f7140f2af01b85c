"""Write ``rulebook1.sqlite3``: a real database of toolkit 0.1 with rulebook 1.0.0.

Run it in a checkout of commit 830d4ad (the last one with rulebook 1 and no migration 0004):

    git worktree add --detach /tmp/old830 830d4ad
    cd /tmp/old830 && PYTHONPATH=$PWD python /path/to/make_rulebook1_db.py OUT.sqlite3

It goes through that version's own API and storage, as an instance would have: three cities
(named, anonymous, private) from the rulebook-1 examples, a draft, and 30 imported pool
records made by the rulebook-1 demo generator (source "import"). The resume tokens go to
``rulebook1.tokens.json`` beside it.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from benchmark.demo import generate_demo_pool
from web import state, storage
from web.app import create_app

CITIES = [
    ("answers-established.yaml", "Nordhaven", "DK", 900000, "named"),
    ("answers-emerging.yaml", "Velmora", "PT", 180000, "anonymous"),
    ("answers-non-eu.yaml", "Karandu", "KE", 1200000, "private"),
]


def main(out: Path) -> None:
    folder = Path(tempfile.mkdtemp())
    app = create_app({"instance_path": str(folder), "demo_pool": False, "TESTING": True})
    client = app.test_client()
    tokens = {}
    for example, name, country, population, sharing in CITIES:
        data = yaml.safe_load((Path("examples") / example).read_text("utf-8"))
        body = {
            "rulebook": data["rulebook"],
            "answers": data["answers"],
            "notes": data.get("notes", {}),
            "profile": {"name": name, "country": country, "population": population},
            "sharing": sharing,
        }
        response = client.post("/api/v1/assessments", json=body)
        assert response.status_code == 201, response.get_json()
        tokens[name] = response.get_json()["links"]["resume"].rstrip("/").split("/")[-1]
    with app.app_context():
        book = state.rulebook()
        storage.create_assessment(
            token_hash="0" * 64,
            rulebook_id=book.id,
            rulebook_version=book.version,
            rulebook_hash=book.content_hash,
        )
        records = [
            r.model_copy(update={"id": f"import-{n}", "source": "import"})
            for n, r in enumerate(generate_demo_pool(30, 7, book))
        ]
        storage.add_pool_records(records=records)
    storage.dispose(app)
    shutil.copy(folder / "citydip.sqlite3", out)
    # The resume tokens (only their hashes are stored), so that tests can open the results.
    out.with_suffix(".tokens.json").write_text(json.dumps(tokens, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
