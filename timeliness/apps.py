from django.apps import AppConfig


class TimelinessConfig(AppConfig):
    name = "timeliness"
    verbose_name = "Timeliness"

    def ready(self):
        from audits.due_offers import due_offer_register
        from timeliness import receivers  # noqa: F401  (connects the receivers to the signals)
        from timeliness.selectors import due_offer_for

        due_offer_register(due_offer_for)
