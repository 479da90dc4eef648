from django.apps import AppConfig


class FosteringConfig(AppConfig):
    name = "fostering"
    verbose_name = "Fostering"
