from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .blocks import ArticleBodyBlock


class HomePage(Page):
    """The site's front page at `/`."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1


class BlogIndexPage(Page):
    """Lists articles, newest first."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["blog.HomePage"]
    subpage_types = ["blog.ArticlePage"]


class ArticlePage(Page):
    """One article of the therapist's public writing."""

    date = models.DateField("publication date")
    intro = models.CharField(max_length=300, blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]

    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types = []
