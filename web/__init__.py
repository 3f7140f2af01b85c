"""The Flask application, storage, command line and JSON API of the toolkit.

``web.create_app`` is imported on first use, not with the package: the command line imports
``web.cli`` and must not pay for Flask's app, SQLAlchemy and scikit-learn to print its help.
``gunicorn 'web:create_app()'`` and ``from web import create_app`` work as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from web.app import create_app

        return create_app
    raise AttributeError(f"module 'web' has no attribute {name!r}")
