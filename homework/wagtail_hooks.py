from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Practice


class PracticeViewSet(SnippetViewSet):
    model = Practice
    icon = "tasks"
    menu_label = "Practices"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "source_article", "updated_at"]
    search_fields = ["title"]


register_snippet(PracticeViewSet)
