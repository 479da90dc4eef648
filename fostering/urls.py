from django.urls import path

from fostering import views

app_name = "fostering"

urlpatterns = [
    path("carers/", views.FosterCarerListView.as_view(), name="carer_list"),
    path("carers/<int:pk>/", views.FosterCarerDetailView.as_view(), name="carer_detail"),
]
