from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "journeys"
    verbose_name = "Children's journeys"

    def ready(self):
        from cases.sections import case_section_register
        from journeys.selectors import case_page_journey

        # Before the audits (order 10): the child's journey is the context its records are read in.
        case_section_register("journeys/inc/case_section.html", case_page_journey, order=5)
