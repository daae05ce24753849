"""The public URLs plus a stand-in `homework_admin:assign`, for the practice block's tests."""

from django.http import HttpResponse
from django.urls import include, path
from wagtail import urls as wagtail_urls


def assign(request):
    return HttpResponse("assign")


public = [
    path("portal/", include("clients.urls")),
    path("", include("blog.urls")),
    path("", include(wagtail_urls)),
]
homework_admin = ([path("assign/", assign, name="assign")], "homework_admin")

urlpatterns = [path("admin/homework/", include(homework_admin)), *public]
