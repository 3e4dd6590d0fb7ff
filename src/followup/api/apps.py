from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The API. Its OpenAPI description of the token authentication (``followup.api.schema``,
    a drf-spectacular extension) is not imported as Django starts: the schema class every API
    view's description is made with is in that module (``DEFAULT_SCHEMA_CLASS``), so it is loaded
    before any description is, and importing it with drf-spectacular (which imports Django's and
    Django REST framework's test modules) took half a second of every process's start, the
    ``followup`` commands' and the worker's among them."""

    name = "followup.api"
    label = "api"
