from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "followup.mail"
    label = "mail"
    verbose_name = "Mail"
