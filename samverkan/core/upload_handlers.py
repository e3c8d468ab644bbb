"""The byte limit of an upload's kind, applied while Django receives a multipart file.

Django hands a multipart file's chunks to its upload handlers (memory up to 2.5 MB, then a
temporary file) before any view or reader sees the file, so a 50 MB file posted where 20 MB
is the limit would be spooled whole to disk before :func:`samverkan.core.uploads.read_limited`
refused it. :class:`LimitedUploadHandler` goes first in ``request.upload_handlers`` for the
views that take a file of a known kind (``samverkan.web.middleware.UploadLimitMiddleware``):
it passes each file's chunks on until the kind's ``max_bytes``; past that the later handlers
receive nothing more (what they hold is cut at the limit and closed), and the file becomes an
:class:`OversizedUpload`: no content, its ``size`` the bytes that came. The reader refuses it by
that size with the very message and code it gives today (413 ``too_large`` naming the field
in the API, "Filen är för stor (högst 20 MB)." on a form), and the rest of the form still
arrives.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest

__all__ = ["LimitedUploadHandler", "OversizedUpload", "install"]


class OversizedUpload(UploadedFile):
    """A file refused at its limit while it came: no content, ``size`` the bytes received."""

    def __init__(self, name: str, content_type: str, size: int, charset: str | None) -> None:
        super().__init__(io.BytesIO(), name, content_type, size, charset)


class LimitedUploadHandler(FileUploadHandler):
    """First of the handlers: at most ``max_bytes`` of each file reach the handlers after it."""

    def __init__(self, request: HttpRequest | None, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.passed = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.passed = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        room = self.max_bytes - self.passed
        if room <= 0:
            return None  # past the limit: the later handlers get nothing more
        chunk = raw_data[:room]
        self.passed += len(chunk)
        return chunk

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received <= self.max_bytes:
            return None  # within the limit: the memory or temporary-file handler's file
        for handler in self.request.upload_handlers if self.request is not None else ():
            partial = getattr(handler, "file", None)
            if handler is not self and partial is not None:
                partial.close()  # a temporary file is deleted when closed
        return OversizedUpload(
            self.file_name or "", self.content_type or "", self.received, self.charset
        )


def install(request: HttpRequest, max_bytes: int) -> None:
    """Put a :class:`LimitedUploadHandler` first, before the request's body is parsed."""
    handlers = request.upload_handlers
    if not any(isinstance(h, LimitedUploadHandler) for h in handlers):
        handlers.insert(0, LimitedUploadHandler(request, max_bytes))
