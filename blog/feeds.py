"""The RSS feed of a blog index's articles, served by BlogIndexPage at `feed/`."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone

FEED_LENGTH = 20


class ArticleFeed(Feed):
    """The newest articles, with their intro as the summary."""

    def get_object(self, request, index):
        self.request = request
        return index

    def title(self, index):
        return index.seo_title or index.title

    # Links are built from the request's host, so they are right even before the Wagtail
    # Site's host name has been set.
    def absolute(self, page):
        return self.request.build_absolute_uri(page.get_url(self.request))

    def link(self, index):
        return self.absolute(index)

    def feed_url(self, index):
        return self.request.build_absolute_uri()

    def description(self, index):
        return index.search_description or f"New articles from {index.title}."

    def items(self, index):
        return index.articles().order_by("-date", "-path")[:FEED_LENGTH]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.search_description or article.intro

    def item_link(self, article):
        return self.absolute(article)

    def item_pubdate(self, article):
        # Midnight of the publication date, where the site is.
        return datetime.datetime.combine(
            article.date, datetime.time.min, tzinfo=timezone.get_current_timezone()
        )

    def item_updateddate(self, article):
        return article.last_published_at

    def item_author_name(self, article):
        return article.author.display_name if article.author else None

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]
