"""Every view that accepts a file upload is in `web.middleware.UPLOAD_VIEWS` (issue 13), so
that each upload stops at its kind's byte limit while it streams. The list of upload views is
derived, not written down: every URL of the resolver, its view (Django's, unwrapped from its
decorators, or each django-ninja operation behind an API path) and whether that view reads
`request.FILES`, takes an `UploadedFile` parameter, or uses a form with a `FileField`."""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.urls import URLPattern, URLResolver, get_resolver
from ninja.files import UploadedFile

from samverkan.web.middleware import UPLOAD_VIEWS


def _patterns(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, Callable[..., Any]]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.callback


def _ninja_operations(callback: Callable[..., Any]) -> list[Callable[..., Any]]:
    """The operations' functions behind a django-ninja path (its PathView in the closure)."""
    for cell in getattr(callback, "__closure__", None) or ():
        path_view = cell.cell_contents
        if hasattr(path_view, "operations"):
            return [op.view_func for op in path_view.operations]
    return []


def _file_forms() -> set[str]:
    """The names of the project's form classes that have a FileField."""

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {
        cls.__name__
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.startswith("samverkan.")
        and any(isinstance(f, forms.FileField) for f in getattr(cls, "base_fields", {}).values())
    }


def _takes_files(
    function: Callable[..., Any],
    file_forms: set[str],
    seen: set[Any] | None = None,
    depth: int = 3,
) -> bool:
    """Whether the view takes a file: itself, or through a project function it calls (the
    API's batch endpoint reads the multipart file in a helper), followed three calls deep."""
    function = inspect.unwrap(function)
    seen = set() if seen is None else seen
    if function in seen:
        return False
    seen.add(function)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    if re.search(r"\.FILES\b", source):
        return True
    if any(re.search(rf"\b{name}\b", source) for name in file_forms):
        return True
    try:
        hints = typing.get_type_hints(function, include_extras=True)
    except Exception:
        hints = {}
    if any("UploadedFile" in repr(hint) or hint is UploadedFile for hint in hints.values()):
        return True
    if depth == 0:
        return False
    names = getattr(function, "__globals__", {})
    for called in set(re.findall(r"\b([A-Za-z_]\w*)\(", source)):
        helper = names.get(called)
        if (
            inspect.isfunction(helper)
            and helper.__module__.startswith("samverkan.")
            and _takes_files(helper, file_forms, seen, depth - 1)
        ):
            return True
    return False


def _is_projects(function: Callable[..., Any]) -> bool:
    return getattr(inspect.unwrap(function), "__module__", "").startswith("samverkan.")


def upload_view_names() -> set[str]:
    file_forms = _file_forms()
    found = set()
    for name, callback in _patterns(get_resolver().url_patterns):
        functions = _ninja_operations(callback) or [callback]
        # The project's views (Django's admin reads request.FILES for list_editable; no
        # model of this project has a file field).
        functions = [f for f in functions if _is_projects(f)]
        if any(_takes_files(f, file_forms) for f in functions):
            found.add(name)
    return found


def test_every_upload_view_is_listed():
    found = upload_view_names()
    assert found, "found no upload view at all: the detection is broken"
    missing = sorted(found - set(UPLOAD_VIEWS))
    assert missing == [], f"views that take files but are not in UPLOAD_VIEWS: {missing}"


def test_the_listed_views_take_files():
    """A listed view that takes no file is a stale entry (or a view the detection misses)."""
    assert sorted(set(UPLOAD_VIEWS) - upload_view_names()) == []


def test_the_detection_sees_each_way_of_taking_a_file(monkeypatch):
    class WithFile(forms.Form):
        file = forms.FileField()

    def reads_files(request):
        return request.FILES.get("file")

    def uses_form(request):
        return WithFile(request.POST)

    def ninja_param(request, file: UploadedFile):
        return file

    def plain(request):
        return request.POST

    file_forms = _file_forms()
    assert "WithFile" not in file_forms  # only the project's forms
    assert _takes_files(reads_files, file_forms)
    assert _takes_files(uses_form, file_forms | {"WithFile"})
    assert _takes_files(ninja_param, file_forms)
    assert not _takes_files(plain, file_forms)

    def via_helper(request):
        return reads_files(request)

    # A module-level helper of the project, as in the API's batch endpoint.
    monkeypatch.setitem(via_helper.__globals__, "reads_files", reads_files)
    monkeypatch.setattr(reads_files, "__module__", "samverkan.example")
    assert _takes_files(via_helper, file_forms)
