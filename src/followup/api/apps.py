from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "followup.api"
    label = "api"

    def ready(self) -> None:
        from followup.api import schema

        assert schema  # the OpenAPI description of the token authentication
