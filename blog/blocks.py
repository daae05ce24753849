"""The blocks an article's body is written with.

Rules for every block:
- a `Meta` with an icon, a template in `blocks/`, a preview value, and the shared preview
  template (so the block picker shows it with the site's own styles);
- a missing value (a deleted image or practice) renders nothing rather than an error.
"""

from django.utils.text import slugify
from wagtail import blocks
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

PREVIEW_TEMPLATE = "blocks/preview.html"
PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class HeadingBlock(blocks.CharBlock):
    """A section heading (an h2) with an anchor, so a reader can link to a section.

    The page puts a Counter in the context as `heading_anchors`; it keeps two headings
    with the same words (or a heading and the page's own ids) from sharing an id.
    """

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        anchor = slugify(value) or "section"
        seen = (parent_context or {}).get("heading_anchors")
        if seen is not None:
            seen[anchor] += 1
            if seen[anchor] > 1:
                anchor = f"{anchor}-{seen[anchor]}"
        context["anchor"] = anchor
        return context

    class Meta:
        icon = "title"
        form_classname = "title"
        template = "blocks/heading.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = "What safety feels like"
        description = "A section heading"


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=PARAGRAPH_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = (
            "<p>Safety is not the absence of conflict. It is the felt sense that a hard "
            "conversation will not cost you the relationship.</p>"
        )
        description = "Text with bold, italic, links and lists"


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=400)
    attribution = blocks.CharBlock(
        required=False, max_length=120, help_text="Optional: who said it."
    )

    class Meta:
        icon = "openquote"
        template = "blocks/pull_quote.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "quote": "Repair is not saying sorry quickly. It is staying long enough to understand.",
            "attribution": "",
        }
        description = "A sentence from the article, set large to stand out"


class FigureBlock(blocks.StructBlock):
    """An image with its alt text (or marked decorative) and an optional caption."""

    image = ImageBlock()
    caption = blocks.CharBlock(required=False, max_length=250)

    def get_preview_value(self):
        from wagtail.images import get_image_model

        image = get_image_model().objects.order_by("-created_at").first()
        if image is None:
            return None
        return self.normalize({"image": image, "caption": "A caption under the picture"})

    class Meta:
        icon = "image"
        template = "blocks/figure.html"
        preview_template = PREVIEW_TEMPLATE
        label = "Image"
        description = "A picture with alt text and an optional caption"


class PracticeBlock(SnippetChooserBlock):
    """A Practice (homework app) shown as a call-out the reader could try.

    To a signed-in therapist the call-out also links to the admin's assignment form.
    """

    def __init__(self, **kwargs):
        super().__init__("homework.Practice", **kwargs)

    def get_preview_value(self):
        return self.target_model.objects.order_by("title").first()

    class Meta:
        icon = "tasks"
        template = "blocks/practice.html"
        preview_template = PREVIEW_TEMPLATE
        label = "Practice"
        description = "One of your practices, shown as an exercise readers can try"


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    pull_quote = PullQuoteBlock()
    image = FigureBlock()
    practice = PracticeBlock()
