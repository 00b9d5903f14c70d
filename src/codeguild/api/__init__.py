"""The REST API and web page: ``create_app()`` builds the FastAPI app, ``serve()`` runs it."""

from codeguild.api.app import create_app

__all__ = ["create_app"]
