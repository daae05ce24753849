from django.urls import path

from .views import portal

app_name = "homework"

urlpatterns = [
    path("homework/<uuid:uuid>/", portal.assignment_detail, name="assignment"),
    path("homework/<uuid:uuid>/week/<int:number>/", portal.reflection, name="reflection"),
    path("history/", portal.history, name="history"),
]
