from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "casegrip.web.escalations"
    label = "escalations"
