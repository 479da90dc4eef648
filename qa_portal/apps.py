from django.apps import AppConfig


class QaPortalConfig(AppConfig):
    name = "qa_portal"
    verbose_name = "QA Portal"

    def ready(self):
        from qa_portal import checks  # noqa: F401  (registers the system checks)
