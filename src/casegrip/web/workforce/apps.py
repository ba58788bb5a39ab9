from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "casegrip.web.workforce"
    label = "workforce"
