"""Teams and staff: who works where, who manages whom, and which catalogue roles each person holds."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import BaseModel, TimestampedModel
from workforce.choices import RoleGrantStatus


class Team(BaseModel):
    """A team of the service. Its auth group carries the team's case access (guardian object permissions)."""

    # Its group is called "Team: <name>", which must fit the group name's 150 characters.
    name = models.CharField(max_length=140, unique=True)
    service_area = models.ForeignKey(
        "processes.Area",
        on_delete=models.PROTECT,
        related_name="teams",
        help_text="The table of the support tool the team works under.",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="managed_teams"
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="team", editable=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workforce:team_detail", kwargs={"pk": self.pk})


class StaffProfile(TimestampedModel):
    """A member of staff: job, team, line manager and catalogue roles. Their groups follow their roles."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_profile")
    job_title = models.CharField(max_length=150)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="line_reports"
    )
    roles = models.ManyToManyField("processes.Role", related_name="staff", blank=True)
    start_date = models.DateField()
    newly_qualified = models.BooleanField(
        default=False, help_text="In the Assessed and Supported Year in Employment (ASYE)."
    )
    left_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[roles])

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_left_after_start",
                violation_error_message="The leaving date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("user")),
                name="%(app_label)s_%(class)s_not_own_line_manager",
                violation_error_message="A person cannot be their own line manager.",
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.username

    def get_absolute_url(self):
        return reverse("workforce:staff_detail", kwargs={"pk": self.pk})


class AccountEmail(TimestampedModel):
    """The address an account's links (invitations, password resets) may go to, and since when its holder
    has shown they read it. docs/accounts.md has the rule.

    `address` is the address the app vouches for: the one the account was created with, or one confirmed
    from its mailbox (an EmailChange). When the user's email differs from it (changed outside the app's
    flows), nothing is sent. `confirmed_at` is empty until a link sent there was used: until then only an
    invitation may go there (the invitation is how an address is first confirmed), never a reset.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_email")
    address = models.EmailField(max_length=254)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username"]

    def __str__(self):
        state = "confirmed" if self.confirmed_at else "not yet confirmed"
        return f"{self.address} ({state})"

    def vouches_for(self, email: str) -> bool:
        return bool(email) and self.address.casefold() == email.casefold()


class EmailChange(BaseModel):
    """A requested change of an account's email address, waiting to be confirmed from the new address.

    The user's email stays as it is until the link sent to `new_address` is used; only a hash of the link's
    token is kept, so the table gives nobody a working link.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="email_changes")
    old_address = models.EmailField(max_length=254, blank=True)
    new_address = models.EmailField(max_length=254)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="email_changes_requested"
    )
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user}: {self.old_address or 'no address'} → {self.new_address}"

    def get_absolute_url(self):
        return reverse("workforce:staff_list")

    def is_open(self, now) -> bool:
        return self.confirmed_at is None and self.cancelled_at is None and now < self.expires_at


class RoleGrantRequest(BaseModel):
    """A QA administrator's request to give someone a role that sees every child; it takes effect only when
    a second, different QA administrator (or a superuser) approves it."""

    profile = models.ForeignKey(StaffProfile, on_delete=models.PROTECT, related_name="role_grant_requests")
    role = models.ForeignKey("processes.Role", on_delete=models.PROTECT, related_name="grant_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grants_requested"
    )
    status = models.CharField(max_length=20, choices=RoleGrantStatus.choices, default=RoleGrantStatus.PENDING)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_grants_decided",
        help_text="The second administrator who approved or refused the request.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "role"],
                condition=models.Q(status="pending"),
                name="%(app_label)s_%(class)s_unique_pending",
                violation_error_message="This role has already been requested for this person.",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("requested_by")),
                name="%(app_label)s_%(class)s_second_person_decides",
                violation_error_message="A request must be decided by someone other than who made it.",
            ),
        ]

    def __str__(self):
        return f"{self.role} for {self.profile} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("workforce:role_request_list")
