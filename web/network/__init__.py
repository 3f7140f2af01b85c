"""The network secretariat's pages, and re-assessment for cities.

* ``network`` blueprint (``/network/``): admin sign-in, dashboard, import, exports, the
  members page (who is due to re-assess), the city list (find and delete a city's records).
* ``reassess`` blueprint (``/a/<token>/reassess``): start a new assessment from a previous one.

Importing this package registers every view on its blueprint.
"""

from web.network import (  # noqa: F401  (register the views)
    cities,
    dashboard,
    exports,
    import_views,
    members,
)
from web.network.blueprint import bp
from web.network.reassess import bp as reassess_bp

__all__ = ["bp", "reassess_bp"]
