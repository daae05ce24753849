"""The public URLs with no `homework_admin:assign`, as before the homework admin exists."""

from .urls_assign import public

urlpatterns = public
