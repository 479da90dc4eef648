from django.apps import AppConfig


class TimelinessConfig(AppConfig):
    name = "timeliness"
    verbose_name = "Timeliness"

    def ready(self):
        from timeliness import receivers  # noqa: F401  (connects the receivers to the signals)
