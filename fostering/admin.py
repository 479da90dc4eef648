"""The register in the admin: QA administrators add and change carers (fostering.add_fostercarer /
change_fostercarer, held by their role). Nothing is deleted: a household that stops fostering is
deregistered with the date. Every save says why and goes through fostering.services."""

from django.contrib import admin

from fostering.models import FosterCarer
from fostering.selectors import reviewing_officers
from fostering.services import foster_carer_save
from processes.admin import ChangeReasonForm, NoDeleteHistoryAdmin
from workforce.models import Team


class FosterCarerForm(ChangeReasonForm):
    class Meta:
        model = FosterCarer
        fields = [
            "reference",
            "name",
            "approved_on",
            "approval_kind",
            "status",
            "ended_on",
            "supervising_team",
            "reviewing_officer",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervising_team"].queryset = Team.objects.filter(is_active=True)
        self.fields["reviewing_officer"].queryset = reviewing_officers()


@admin.register(FosterCarer)
class FosterCarerAdmin(NoDeleteHistoryAdmin):
    form = FosterCarerForm
    list_display = ["name", "reference", "approved_on", "approval_kind", "status", "supervising_team"]
    list_filter = ["status", "approval_kind", "supervising_team"]
    search_fields = ["name", "reference"]
    list_select_related = ["supervising_team"]

    def save_model(self, request, obj, form, change):
        foster_carer_save(actor=request.user, carer=obj, reason=form.cleaned_data["change_reason"].strip())
