"""Admin forms for the blog's snippets."""

from django.contrib.auth import get_user_model
from wagtail.admin.forms import WagtailAdminModelForm


class AuthorForm(WagtailAdminModelForm):
    """The author's admin user is a therapist: herself, or any therapist for the owner.

    Never a client: the choices would otherwise list every account on the site.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = (
                get_user_model()
                .objects.therapists_choosable_by(self.for_user, keep=self.instance.user_id)
                .order_by("first_name", "last_name", "email")
            )
