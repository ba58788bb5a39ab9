from django.apps import AppConfig


class RisksConfig(AppConfig):
    """The risk register: a Django app of its own inside the Improvement section."""

    name = "casegrip.web.improvement.risks"
    label = "risks"
