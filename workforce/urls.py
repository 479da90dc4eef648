from django.urls import path

from workforce import views

app_name = "workforce"

urlpatterns = [
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/add/", views.TeamCreateView.as_view(), name="team_add"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("teams/<int:pk>/edit/", views.TeamEditView.as_view(), name="team_edit"),
    path("staff/", views.StaffListView.as_view(), name="staff_list"),
    path("staff/add/", views.StaffCreateView.as_view(), name="staff_add"),
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path("staff/<int:pk>/edit/", views.StaffEditView.as_view(), name="staff_edit"),
    path("staff/<int:pk>/invite/", views.staff_invite, name="staff_invite"),
    path("email/<str:token>/", views.email_change_confirm, name="email_change_confirm"),
    path("role-requests/", views.RoleRequestListView.as_view(), name="role_request_list"),
    path("role-requests/<int:pk>/approve/", views.role_request_decide, {"approve": True}, name="role_request_approve"),
    path("role-requests/<int:pk>/refuse/", views.role_request_decide, {"approve": False}, name="role_request_refuse"),
]
