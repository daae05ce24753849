"""Where session-summary PDFs are kept: never under a URL.

The folder is `settings.PRIVATE_ROOT`, read when used (not when the class is loaded), so
one setting moves it everywhere, tests included. Files are only ever handed out by a view
that checks who is asking; asking the storage for a URL is a programming error.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    def __init__(self, location=None, **kwargs):
        kwargs.pop("base_url", None)
        super().__init__(location=location, base_url=None, **kwargs)

    @property
    def base_location(self):
        return self._location or settings.PRIVATE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; a view that checks access serves them.")
