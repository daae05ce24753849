"""The public blog: home page, blog index, series, articles and their authors.

The page tree:

    HomePage (/)
      BlogIndexPage (/blog/)            lists articles; serves /feed/ and /authors/<slug>/
        SeriesPage (/blog/<series>/)    a series; its children are its parts, in order
          ArticlePage                   a part of the series
        ArticlePage                     an article in no series

Why a series is a page whose children are its parts, rather than an orderable relation:
- the therapist orders the parts by drag and drop in the page explorer, the tool she already
  uses for every other page, and the series' landing page is that same page;
- an article belongs to at most one series by construction, and its URL says which;
- publishing, unpublishing, privacy and deletion of a part are Wagtail's own, so the series
  never holds a link to a part that no longer exists;
- previous/next are the neighbouring live, public siblings: one query, whatever the length.
"""

import math
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model, get_image_model_string
from wagtail.models import Page
from wagtail.search import index

from .blocks import ArticleBodyBlock
from .forms import AuthorForm

ARTICLES_PER_PAGE = 10
# Element ids the article template uses itself, kept free of section anchors.
PAGE_IDS = ["main", "main-nav", "article-title"]
WORDS_PER_MINUTE = 200
# Renditions used in lists; prefetched so a list costs the same whatever its length.
CARD_IMAGE = "fill-720x405"
HERO_IMAGE = "fill-1280x640"
OG_IMAGE = "fill-1200x630"


class Author(index.Indexed, models.Model):
    """Someone who writes articles (a snippet). Only the name is required."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        blank=True,
        help_text="The last part of the author's page address. Left empty, it is made from "
        "the name.",
    )
    credentials = models.CharField(
        max_length=120, blank=True, help_text="Shown after the name, e.g. LMFT or PhD."
    )
    bio = models.TextField(
        "short bio", max_length=600, blank=True, help_text="Two or three sentences."
    )
    website = models.URLField(blank=True)
    photo = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authors",
        help_text="The admin user who writes as this author: new articles they start are "
        "signed with this name.",
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("credentials")]),
        FieldPanel("slug"),
        FieldPanel("bio"),
        FieldPanel("website"),
        FieldPanel("photo"),
        FieldPanel("user"),
    ]
    base_form_class = AuthorForm

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("credentials"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._free_slug()
        super().save(*args, **kwargs)

    def clean(self):
        # Runs before the unique check, so a clash with another author is a form error.
        if not self.slug:
            self.slug = self._free_slug()

    @property
    def display_name(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def _free_slug(self):
        base = slugify(self.name)[:110] or "author"
        others = Author.objects.exclude(pk=self.pk)
        slug, n = base, 2
        while others.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


def article_queryset():
    """Live, public articles ready for a list: no body, author, image and tags prefetched."""
    renditions = get_image_model().get_rendition_model()
    return (
        ArticlePage.objects.live()
        .public()
        .defer_streamfields()
        .select_related("author", "hero_image")
        .prefetch_related(
            "tags",
            Prefetch(
                "hero_image__renditions",
                queryset=renditions.objects.filter(filter_spec=CARD_IMAGE),
            ),
        )
    )


class MetaDescriptionMixin:
    """`meta_description`: the SEO description, or else the page's own summary as text."""

    summary_field = "intro"

    @property
    def meta_description(self):
        text = self.search_description or strip_tags(getattr(self, self.summary_field, ""))
        return Truncator(" ".join(text.split())).chars(300)


def block_text(block):
    """The words a reader reads in one body block (for the reading time)."""
    value = block.value
    if block.block_type == "paragraph":
        return strip_tags(value.source)
    if block.block_type == "pull_quote":
        return value["quote"]
    if block.block_type == "practice":
        return strip_tags(value.instructions) if value else ""
    if block.block_type == "heading":
        return value
    return ""


def attach_series(articles):
    """Set `article.series_page` (or None) on each article with one query for all of them."""
    steplen = Page.steplen
    parent_paths = {a.path[:-steplen] for a in articles}
    series_by_path = {s.path: s for s in SeriesPage.objects.live().filter(path__in=parent_paths)}
    for article in articles:
        article.series_page = series_by_path.get(article.path[:-steplen])
    return articles


def paginate(request, articles):
    """One page of a list of articles; a bad `?page=` gives the nearest real page."""
    paginator = Paginator(articles, ARTICLES_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    page_obj.page_links = list(paginator.get_elided_page_range(page_obj.number))
    page_obj.object_list = attach_series(list(page_obj.object_list))
    return page_obj


class HomePage(MetaDescriptionMixin, Page):
    """The site's front page at `/`: a welcome, the latest articles and the series."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["blog.BlogIndexPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        blog_index = BlogIndexPage.objects.child_of(self).live().public().first()
        context["blog_index"] = blog_index
        if blog_index is not None:
            context["latest_articles"] = attach_series(
                list(blog_index.articles().order_by("-date", "-path")[:3])
            )
            context["series_list"] = (
                SeriesPage.objects.child_of(blog_index).live().public().order_by("path")
            )
        return context


class BlogIndexPage(MetaDescriptionMixin, RoutablePageMixin, Page):
    """Lists articles newest first, ten to a page, filtered by tag with `?tag=<slug>`.

    Also serves the RSS feed (`feed/`) and one page per author (`authors/<slug>/`): authors
    are snippets, so their pages come from here rather than from pages kept by hand.
    """

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["blog.HomePage"]
    subpage_types = ["blog.ArticlePage", "blog.SeriesPage"]

    def articles(self):
        """Every live, public article below this index (in a series or not)."""
        return article_queryset().descendant_of(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog_index"] = self
        return context

    def paginate(self, request, articles):
        return paginate(request, articles)

    def tags_in_use(self):
        ids = ArticlePage.objects.live().public().descendant_of(self).values("pk")
        return (
            Tag.objects.filter(blog_articlepagetag_items__content_object__in=ids)
            .annotate(article_count=Count("blog_articlepagetag_items"))
            .order_by("name")
        )

    @path("", name="index")
    def index_route(self, request):
        articles = self.articles().order_by("-date", "-path")
        tag = None
        tag_slug = request.GET.get("tag", "").strip()
        if tag_slug:
            tag = Tag.objects.filter(slug=tag_slug).first()
            articles = articles.filter(tags=tag) if tag else articles.none()
        return self.render(
            request,
            context_overrides={
                "articles": self.paginate(request, articles),
                "series_list": SeriesPage.objects.child_of(self).live().public().order_by("path"),
                "tags": self.tags_in_use(),
                "current_tag": tag,
                "unknown_tag": tag_slug if tag_slug and tag is None else "",
            },
        )

    @path("feed/", name="feed")
    def feed_route(self, request):
        from .feeds import ArticleFeed

        return ArticleFeed()(request, index=self)

    @path("authors/<slug:slug>/", name="author")
    def author_route(self, request, slug):
        author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
        articles = self.articles().filter(author=author).order_by("-date", "-path")
        return self.render(
            request,
            template="blog/author_page.html",
            context_overrides={"author": author, "articles": self.paginate(request, articles)},
        )

    def author_url(self, author):
        return self.url + self.reverse_subpage("author", args=[author.slug])

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        authors = (
            Author.objects.filter(
                pk__in=ArticlePage.objects.live().public().descendant_of(self).values("author")
            )
            .annotate(lastmod=models.Max("articles__last_published_at"))
            .order_by("name")
        )
        for author in authors:
            urls.append(
                {
                    "location": base + self.reverse_subpage("author", args=[author.slug]),
                    "lastmod": author.lastmod,
                }
            )
        return urls


class SeriesPage(MetaDescriptionMixin, Page):
    """A series: an ordered run of articles, which are this page's children.

    - The order of the parts is the order of the children: drag and drop in the explorer.
    - Only live, public parts are listed and counted; drafts and private parts are skipped.
    """

    description = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="What the series is about and who it is for.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("description"),
        HelpPanel(
            content=(
                "<p>The parts of this series are the pages inside it. Add a part with "
                "<b>Add child page</b>. To change their order, open this series in the page "
                "explorer, choose <b>Sort menu order</b> and drag the parts into place.</p>"
                "<p>Only published parts are shown and counted (“Part 2 of 5”); a draft "
                "joins the series when you publish it.</p>"
            ),
            heading="Parts and their order",
        ),
    ]
    summary_field = "description"

    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types = ["blog.ArticlePage"]
    # The explorer shows the parts in series order, ready for drag and drop.
    admin_default_ordering = "ord"

    search_fields = Page.search_fields + [index.SearchField("description")]

    def parts(self):
        return article_queryset().child_of(self).order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog_index"] = BlogIndexPage.objects.ancestor_of(self).last()
        context["parts"] = list(self.parts())
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "blog.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticleForm(WagtailAdminPageForm):
    """Signs a new article with the author linked to the person who starts it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding and not self.initial.get("author") and self.for_user:
            author = Author.objects.filter(user=self.for_user).first()
            if author is not None:
                self.initial["author"] = author.pk


@dataclass(frozen=True)
class Neighbours:
    """Where an article sits among its neighbours; `series` is None outside a series."""

    previous: "ArticlePage | None"
    next: "ArticlePage | None"
    series: "SeriesPage | None" = None
    position: int | None = None
    total: int = 0


class ArticlePage(MetaDescriptionMixin, Page):
    """One article: in a series when its parent is a SeriesPage, standalone otherwise."""

    date = models.DateField("publication date", default=timezone.localdate)
    intro = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two sentences, shown in lists, the feed and link previews.",
    )
    hero_image = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional. Its description is read aloud to people who cannot see it.",
    )
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    body = StreamField(ArticleBodyBlock(), blank=True)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)

    content_panels = Page.content_panels + [
        HelpPanel(
            content=(
                "An article inside a series page is one of its parts, in the order shown in "
                "the page explorer. Use <b>Move</b> to put an article into a series or take "
                "it out."
            ),
        ),
        FieldPanel("intro", widget=forms.Textarea(attrs={"rows": 3})),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("date"), FieldPanel("author")]),
                FieldPanel("hero_image"),
                FieldPanel("tags"),
            ],
            heading="About this article",
        ),
    ]

    base_form_class = ArticleForm
    parent_page_types = ["blog.BlogIndexPage", "blog.SeriesPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.reading_minutes = self.count_reading_minutes()
        super().save(*args, **kwargs)

    def count_reading_minutes(self):
        words = sum(len(block_text(block).split()) for block in self.body)
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    @cached_property
    def series(self):
        """The series this article is a part of, or None."""
        return SeriesPage.objects.filter(path=self.path[: -self.steplen]).first()

    @cached_property
    def blog_index(self):
        return BlogIndexPage.objects.ancestor_of(self).last()

    def neighbours(self):
        """Previous and next live, public articles: in the series, or else by date."""
        if self.series is not None:
            return self._series_neighbours(self.series)
        if self.blog_index is None:
            return Neighbours(previous=None, next=None)
        # Articles in no series, directly under the same index, ordered by date.
        others = (
            ArticlePage.objects.child_of(self.blog_index)
            .live()
            .public()
            .defer_streamfields()
            .exclude(pk=self.pk)
        )
        earlier = Q(date__lt=self.date) | Q(date=self.date, path__lt=self.path)
        later = Q(date__gt=self.date) | Q(date=self.date, path__gt=self.path)
        return Neighbours(
            previous=others.filter(earlier).order_by("-date", "-path").first(),
            next=others.filter(later).order_by("date", "path").first(),
        )

    def _series_neighbours(self, series):
        parts = list(
            ArticlePage.objects.child_of(series)
            .live()
            .public()
            .defer_streamfields()
            .order_by("path")
        )
        before = [p for p in parts if p.path < self.path]
        after = [p for p in parts if p.path > self.path]
        in_series = any(p.pk == self.pk for p in parts)
        return Neighbours(
            previous=before[-1] if before else None,
            next=after[0] if after else None,
            series=series,
            position=len(before) + 1 if in_series else None,
            total=len(parts),
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog_index"] = self.blog_index
        context["neighbours"] = self.neighbours()
        context["heading_anchors"] = Counter(PAGE_IDS)
        if self.author_id and self.blog_index is not None:
            context["author_url"] = self.blog_index.author_url(self.author)
        return context
