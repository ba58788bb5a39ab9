from django.apps import AppConfig


class DevConfig(AppConfig):
    name = "casegrip.web.dev"
    label = "dev"
    verbose_name = "Development pages"
