from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "casegrip.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"
