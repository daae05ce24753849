from django.urls import path

from .views import admin, summaries

app_name = "homework_admin"

urlpatterns = [
    path("assign/", admin.AssignView.as_view(), name="assign"),
    path("assignments/<int:pk>/status/", admin.change_status, name="assignment_status"),
    path("clients/<int:pk>/", admin.TimelineView.as_view(), name="client_timeline"),
    path("couples/<int:pk>/", admin.CoupleTimelineView.as_view(), name="couple_timeline"),
    path("this-week/", admin.AdherenceView.as_view(), name="adherence"),
    path("notifications/", admin.NotificationsView.as_view(), name="notifications"),
    path("summaries/<str:kind>/<int:pk>/", summaries.request_summary, name="summary_request"),
    path("summaries/<uuid:uuid>/status/", summaries.summary_status, name="summary_status"),
    path("summaries/<uuid:uuid>/download/", summaries.download_summary, name="summary_download"),
]
