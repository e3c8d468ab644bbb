"""`{% task_title task %}`: a task's line, the same words as on "Mina uppgifter" (what to do
and on which intervention, by its number), so two tasks of one kind never read alike."""

from __future__ import annotations

from typing import Any

from django import template

from samverkan.people.queue import task_title as _task_title

register = template.Library()


@register.simple_tag
def task_title(task: Any) -> str:
    return _task_title(task)
