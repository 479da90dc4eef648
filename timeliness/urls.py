from django.urls import path

from timeliness import views

app_name = "timeliness"

urlpatterns = [
    path("due/", views.due_list, name="due_list"),
    path("due/export.csv", views.due_export, name="due_export"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
