"""The Flask application, storage, command line and JSON API of the toolkit."""

from web.app import create_app

__all__ = ["create_app"]
