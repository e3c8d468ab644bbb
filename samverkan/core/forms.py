"""What every room's forms share: the HTML5 date and time widgets, and putting a service's
refusal on a form (a Django ValidationError or a `core.errors.Problem`, field by field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from samverkan.core.errors import Problem

__all__ = ["DateInput", "DateTimeInput", "TimeInput", "apply_errors"]


class DateInput(forms.DateInput):
    """`<input type="date">`: the value must be written ISO (YYYY-MM-DD) for the browser."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(attrs, **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"


class DateTimeInput(forms.DateTimeInput):
    """`<input type="datetime-local">`, written as the browser reads it (YYYY-MM-DDTHH:MM)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(attrs, **kwargs)


def apply_errors(form: forms.BaseForm, error: ValidationError | Problem) -> None:
    """Put a service's refusal on the form's fields (or on the form as a whole)."""
    if isinstance(error, Problem):
        for detail in error.details:
            # "facts.housing" (a part of a field's value) goes on the field "facts"
            field = next(
                (f for f in (detail.field, (detail.field or "").split(".")[0]) if f in form.fields),
                None,
            )
            form.add_error(field, detail.message)
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = name if name in form.fields else None
            for e in errors:
                form.add_error(field, e)
    else:
        for message in error.messages:
            form.add_error(None, message)
