"""The public /apply/ page's blank form, rendered once and reused (issue 14).

Rendering the §3 form through crispy-forms is about 90% of a GET of /apply/ (profiled on the bench:
173 of 194 ms under cProfile) and its output is the same for every visitor: the labels, the choices
from the reference tables, the list of known authorities. Only two things differ per request and stay
fresh: the CSRF token (outside this fragment, in the page) and the form's submission token (rendered
here as a placeholder and replaced on each request). An administrator's change to the reference data
drops the cached copy (signals below, immediately for this process and for every host sharing a Redis
cache; other worker processes with the per-process default cache within FRAGMENT_SECONDS).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from applications.models import ChecklistItem, ExemptionGround, KnownAuthority, SpecialGroup
from core.forms import SUBMISSION_TOKEN

CACHE_KEY = "applications:blank-apply-form:v1"
FRAGMENT_SECONDS = 300
PLACEHOLDER = uuid.UUID(int=0)  # never a real token: uuid4 always has its version bits set
TEMPLATE = "applications/_application_form.html"


def blank_form_html(form_class: type[forms.BaseForm]) -> SafeString:
    """A blank `form_class` form as HTML with a fresh submission token: the form is built and
    rendered only when the cached copy is missing (building it alone costs ~0.7 ms a visit)."""
    html = cache.get(CACHE_KEY)
    if html is None:
        html = render_to_string(TEMPLATE, {"form": form_class(initial={SUBMISSION_TOKEN: PLACEHOLDER})})
        cache.set(CACHE_KEY, html, FRAGMENT_SECONDS)
    return mark_safe(html.replace(str(PLACEHOLDER), str(uuid.uuid4())))  # noqa: S308 (our own render)


def forget_blank_form(**kwargs: Any) -> None:
    cache.delete(CACHE_KEY)


for model in (ExemptionGround, SpecialGroup, KnownAuthority, ChecklistItem):
    post_save.connect(forget_blank_form, sender=model, dispatch_uid=f"blank-form-{model.__name__}")
    post_delete.connect(forget_blank_form, sender=model, dispatch_uid=f"blank-form-del-{model.__name__}")
