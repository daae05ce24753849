"""Admin wiring: clients, couples and their audit trail in the Wagtail admin; a client
chooser limited to the therapist's own; two-step sign-in pages; the sign-in e-mail panel."""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.account import BaseSettingsPanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from .access import TherapistOwnedPermissionPolicy
from .filters import AuditEventFilterSet
from .forms import ClientAdminForm, CoupleAdminForm, EmailChangeForm
from .models import AuditEvent, Client, ClientLogEntry, Couple
from .views import admin as views

# Before the viewsets register, so that they (and Wagtail's own views) use these policies.
register_permission_policy(Client, TherapistOwnedPermissionPolicy(Client), exact_class=True)
register_permission_policy(Couple, TherapistOwnedPermissionPolicy(Couple), exact_class=True)


@hooks.register("register_log_actions")
def client_log_entries(actions):
    """Log lines about clients and couples go to a log each therapist sees only her part of."""
    actions.register_model(Client, ClientLogEntry)
    actions.register_model(Couple, ClientLogEntry)


class ClientViewSet(ModelViewSet):
    model = Client
    name = "clients"
    icon = "user"
    menu_label = "Clients"
    menu_order = 100
    copy_view_enabled = False
    # Searched by POST (see views.PostedSearchMixin), never by ?q= in the URL.
    search_fields = ["full_name", "preferred_name", "user__email"]
    search_backend_name = None
    list_display = [
        "full_name",
        Column("email", label="E-mail address"),
        Column("status_label", label="Status"),
        DateColumn("invited_at", label="Invited"),
    ]
    list_filter = ["archived"]
    index_view_class = views.ClientIndexView
    add_view_class = views.ClientCreateView
    edit_view_class = views.ClientEditView
    history_view_class = views.OwnedHistoryView
    usage_view_class = views.OwnedUsageView
    edit_handler = ObjectList(
        [
            FieldPanel("full_name"),
            FieldPanel("preferred_name"),
            FieldPanel("email"),
            FieldPanel("timezone"),
            FieldPanel("therapist", permission="superuser"),
            FieldPanel("archived"),
        ],
        base_form_class=ClientAdminForm,
    )

    @property
    def delete_view(self):
        return views.delete_client

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("search/", views.client_search, name="search"),
            path("<int:pk>/", views.client_detail, name="detail"),
            path("<int:pk>/invite/", views.resend_invitation, name="resend_invitation"),
            path("<int:pk>/unlock/", views.unlock_sign_in, name="unlock"),
            path("<int:pk>/archive/", views.toggle_archived, name="archive"),
        ]


class CoupleViewSet(ModelViewSet):
    model = Couple
    name = "couples"
    icon = "group"
    menu_label = "Couples"
    menu_order = 110
    copy_view_enabled = False
    list_display = ["__str__", "archived", DateColumn("created_at", label="Since")]
    list_filter = ["archived"]
    index_view_class = views.CoupleIndexView
    add_view_class = views.CoupleCreateView
    edit_view_class = views.CoupleEditView
    delete_view_class = views.OwnedDeleteView
    history_view_class = views.OwnedHistoryView
    usage_view_class = views.OwnedUsageView
    edit_handler = ObjectList(
        [FieldPanel("partner_a"), FieldPanel("partner_b"), FieldPanel("archived")],
        base_form_class=CoupleAdminForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/", views.couple_detail, name="detail"),
        ]


class AuditEventViewSet(ModelViewSet):
    """Read-only: the list is the only view; there is no add, edit or delete page."""

    model = AuditEvent
    name = "audit"
    icon = "list-ul"
    menu_label = "Audit trail"
    menu_order = 120
    copy_view_enabled = False
    list_display = [
        DateColumn("created_at", label="When"),
        Column("get_action_display", label="What"),
        Column("actor_label", label="Who"),
        Column("client", label=_("Client"), accessor=views.audit_client),
        Column("item", label=_("Item"), accessor=views.audit_item),
        Column("ip_address", label="From"),
    ]
    filterset_class = AuditEventFilterSet
    list_per_page = 50
    index_view_class = views.AuditIndexView
    form_fields = []

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            add_url_name=None, edit_url_name=None, delete_url_name=None, **kwargs
        )

    def register_admin_url_finder(self):
        """No edit page, so nothing for Wagtail's admin URL finder to point at."""


class ClientsMenuGroup(ViewSetGroup):
    menu_label = "Clients"
    menu_icon = "group"
    menu_order = 150
    items = (ClientViewSet, CoupleViewSet, AuditEventViewSet)


class ClientChooserViewSet(ChooserViewSet):
    model = Client
    name = "client_chooser"
    icon = "user"
    choose_one_text = "Choose a client"
    choose_view_class = views.ClientChooseView
    choose_results_view_class = views.ClientChooseResultsView
    chosen_view_class = views.ClientChosenView
    chosen_multiple_view_class = views.ClientChosenMultipleView
    creation_form_class = None

    def get_urlpatterns(self):
        # Clients are added on their own page (which sends the invitation), never here.
        return [p for p in super().get_urlpatterns() if p.name != "create"]


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [ClientsMenuGroup(), ClientChooserViewSet()]


two_factor_urls = [
    path("setup/", views.two_factor_setup, name="setup"),
    path("verify/", views.two_factor_verify, name="verify"),
    path("confirm/", views.two_factor_confirm, name="confirm"),
]


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [path("two-step/", include((two_factor_urls, "clients_2fa")))]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("clients_2fa:setup"),
        "label": "Two-step sign-in",
        "help_text": "Confirm each sign-in with a code from an app on your phone.",
    }


@hooks.register("insert_global_admin_css")
def clients_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("clients/admin.css"))


class SignInEmailSettingsPanel(BaseSettingsPanel):
    """The sign-in e-mail, apart from Wagtail's name panel: changing it asks for the password."""

    name = "sign_in_email"
    title = _("Sign-in e-mail")
    order = 150
    form_class = EmailChangeForm

    def get_form(self):
        # Wagtail's account view asks for the form again to render errors; one form per
        # request, so the password and code are checked (and counted) once.
        form = getattr(self.request, "_sign_in_email_form", None)
        if form is None:
            data = self.request.POST if self.request.method == "POST" else None
            form = self.form_class(data, prefix=self.name, user=self.user, request=self.request)
            self.request._sign_in_email_form = form
        return form


@hooks.register("register_account_settings_panel")
def sign_in_email_panel(request, user, profile):
    return SignInEmailSettingsPanel(request, user, profile)
