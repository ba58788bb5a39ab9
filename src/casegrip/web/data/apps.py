from django.apps import AppConfig


class DataConfig(AppConfig):
    name = "casegrip.web.data"
    label = "data"
