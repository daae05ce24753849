from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from clients.views.admin import AdminPasswordResetConfirmView, AdminPasswordResetView

urlpatterns = [
    # Before Wagtail's own: the same pages, throttled and for therapists only (the form that
    # decides who gets a mail is set in settings).
    path("admin/password_reset/", AdminPasswordResetView.as_view()),
    path(
        "admin/password_reset/confirm/<uidb64>/<token>/",
        AdminPasswordResetConfirmView.as_view(),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("portal/", include("homework.urls")),
    path("portal/", include("clients.urls")),
    path("", include("blog.urls")),
]

# A post too large to read (RequestDataTooBig) gets a kind page; any other 400 the default.
handler400 = "homework.views.portal.bad_request"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving is the catch-all, so it comes last.
urlpatterns.append(path("", include(wagtail_urls)))
