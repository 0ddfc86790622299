from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gosportal.api"
    label = "api"
    verbose_name = "API"
