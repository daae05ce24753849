"""Views outside the page tree: search, robots.txt."""

from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Site

from .models import BlogIndexPage, article_queryset, paginate

MAX_QUERY_LENGTH = 200


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        found = article_queryset().search(query, operator="and")
        results = paginate(request, found)
    site = Site.find_for_request(request)
    blog_index = (
        BlogIndexPage.objects.descendant_of(site.root_page).live().public().first()
        if site
        else None
    )
    return TemplateResponse(
        request,
        "blog/search.html",
        {"query": query, "results": results, "blog_index": blog_index},
    )


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    return TemplateResponse(request, "robots.txt", content_type="text/plain; charset=utf-8")
