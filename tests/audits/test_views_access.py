"""The recording pages' four answers and one history row per write (the mixins of tests/testing.py).

Every role's answer to every recording page is a row of tests/test_access_matrix.py, and
test_views_writes.py checks each write role by role; these classes check each page the same way as
every other app's pages."""

import pytest

from audits.models import Action, Audit, Moderation
from tests.audits.helpers import form_data, record
from tests.testing import HistoryTests, PermissionTests, ScopeTests, ShowTests, SignInTests, WriteViewTests

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once", "cast_once")]

SAMPLE = "csc-sample-audit"


def submitted(cast, manager="tm.assessment", case="assessment", **options):
    return record(cast[manager], SAMPLE, case=cast.cases[case], **options)


def draft(cast, manager="tm.assessment", case="assessment"):
    return record(cast[manager], SAMPLE, case=cast.cases[case], submit=False)


class AuditHistory:
    def history_rows(self, cast, obj):
        return Audit.history.filter(id=obj.pk)


class TestAuditStart(AuditHistory, WriteViewTests):
    """Starting a sample audit of a case: a new audit, with its one history row."""

    url = "/audits/new/csc-sample-audit/?case={obj.pk}"
    user_in_scope = "tm.assessment"
    user_without_permission = "sw.assessment"  # only managers draw sample audits
    # Posting a case from outside the scope re-renders the form with an error (test_views_forms.py).
    scope_methods = ("get",)

    def object_in_scope(self, cast):
        return cast.cases["assessment"]

    def object_out_of_scope(self, cast):
        return cast.cases["cic"]

    def marker(self, obj):
        return obj.reference

    def form_data(self, cast, obj):
        return {"case": obj.pk}

    def history_rows(self, cast, obj):
        return Audit.history.filter(case_id=obj.pk)


class TestAuditDetail(SignInTests, ScopeTests, ShowTests):
    """Anyone who sees the case may read a submitted audit of it: there is no permission to lack."""

    url = "/audits/{obj.pk}/"
    user_in_scope = "sw.assessment"

    def object_in_scope(self, cast):
        return submitted(cast)

    def object_out_of_scope(self, cast):
        return submitted(cast, "tm.cic", "cic")

    def marker(self, obj):
        return obj.case.reference


class TestAuditEdit(AuditHistory, WriteViewTests):
    """A draft is its author's to save; a submitted record is not edited but amended (403)."""

    url = "/audits/{obj.pk}/edit/"
    user_in_scope = "tm.assessment"
    user_without_permission = "sw.assessment"

    def object_in_scope(self, cast):
        return draft(cast)

    def object_without_permission(self, cast):
        return submitted(cast)

    def object_out_of_scope(self, cast):
        return draft(cast, "tm.cic", "cic")

    def form_data(self, cast, obj):
        return form_data(obj, summary="Saved by the author")


class TestAuditAmend(AuditHistory, WriteViewTests):
    url = "/audits/{obj.pk}/amend/"
    user_in_scope = "tm.assessment"
    user_without_permission = "sw.assessment"  # sees the case, is neither author nor moderator

    def object_in_scope(self, cast):
        return submitted(cast)

    def object_out_of_scope(self, cast):
        return submitted(cast, "tm.cic", "cic")

    def form_data(self, cast, obj):
        return form_data(obj, summary="Amended summary", reason="Summary was incomplete")


class TestAuditModerate(WriteViewTests):
    url = "/audits/{obj.pk}/moderate/"
    user_in_scope = "hos"
    user_without_permission = "tm.assessment"  # no moderator, though the record is theirs

    def object_in_scope(self, cast):
        return submitted(cast)

    def object_out_of_scope(self, cast):
        # A draft is its author's alone: to a moderator it is not there.
        return draft(cast)

    def form_data(self, cast, obj):
        return {"agreed": "yes"}

    def history_rows(self, cast, obj):
        return Moderation.history.filter(audit_id=obj.pk)


class TestActionDone(SignInTests, PermissionTests, ScopeTests, ShowTests, HistoryTests):
    """Marking an action done answers a POST only (a GET is 405: test_views_writes.py)."""

    url = "/actions/{obj.pk}/done/"
    methods = ("post",)
    ok_status = 302  # back to where the button was
    user_in_scope = "sw.assessment"  # the action's owner
    user_without_permission = "chair"  # sees the case, neither owns the action nor wrote the audit

    def object_in_scope(self, cast):
        return Action.objects.get(audit=submitted(cast, not_met=True, action_owner=cast["sw.assessment"]))

    def object_out_of_scope(self, cast):
        return Action.objects.get(audit=submitted(cast, "tm.cic", "cic", not_met=True, action_owner=cast["iro"]))

    def history_rows(self, cast, obj):
        return Action.history.filter(id=obj.pk)
