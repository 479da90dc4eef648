from django.db import models


class SubjectKind(models.TextChoices):
    CASE = "case", "A child's case"
    STAFF = "staff", "A staff member"
    FOSTER_CARER = "foster_carer", "A foster carer"
    MEETING = "meeting", "A meeting"
    PRACTICE_REVIEW = "practice_review", "A practice review (its cases named by reference)"
    SERVICE = "service", "The service as a whole"


class ScheduleBasis(models.TextChoices):
    STATUTORY = "statutory", "Statutory"
    NATIONAL = "national", "National guidance"
    LOCAL = "local", "Local default"
