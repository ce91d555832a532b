from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "wenku.api"
    label = "api"
    verbose_name = "API"
