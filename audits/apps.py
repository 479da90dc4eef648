from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits and records"

    def ready(self):
        from audits import receivers  # noqa: F401  (connects the receivers to the signals)
        from audits.selectors import case_page_audits
        from cases.sections import case_section_register

        case_section_register("audits/inc/case_section.html", case_page_audits, order=10)
