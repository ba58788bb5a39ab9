from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "casegrip.web.organisation"
    label = "organisation"
    verbose_name = "Organisation"
