from wagtail import blocks


class ArticleBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", template="blocks/heading.html")
    paragraph = blocks.RichTextBlock(icon="pilcrow", template="blocks/paragraph.html")
