"""Form helpers shared by every app's views."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal next to the fields it names (the rest above the form), so the page comes
    back with what the user typed and each message where it belongs (SPEC §9)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- required fields, in words a citizen understands ------------------------------------------------
class NamedRequiredMixin(forms.Form):
    """Each required field says what is missing (「请填写身份证号码」), not Django's stock
    「这个字段是必填项。」, which a person filling in a long form cannot place. A field's own
    `required_messages` entry wins; otherwise 「请选择…」 for choices and files, 「请填写…」 for text."""

    required_messages: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not field.required:
                continue
            label = str(field.label or name).split("：")[0]
            verb = "请选择" if isinstance(field, forms.ChoiceField | forms.FileField) else "请填写"
            field.error_messages["required"] = self.required_messages.get(name, f"{verb}{label}。")


# --- one submission per form -----------------------------------------------------------------------
SUBMISSION_TOKEN = "submission_token"


class SubmissionTokenMixin(forms.Form):
    """A form that creates something carries a random token, issued with the page: posting the same
    page twice (a double click, a browser's resend, a replay) is recognised as one submission."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields[SUBMISSION_TOKEN].initial = uuid.uuid4()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get(SUBMISSION_TOKEN):
            # Not next to a field: the token is hidden, and only a stale or hand-made page lacks it.
            self.add_error(None, "页面已失效，请刷新页面后重新填写提交。")
        return data


def submission_token(request: HttpRequest) -> uuid.UUID | None:
    """The token a POST carries, if it is one (read before the form, to recognise a repeat)."""
    try:
        return uuid.UUID(request.POST.get(SUBMISSION_TOKEN, ""))
    except ValueError:
        return None


class FilterBoundField(forms.BoundField):
    """A filter field's widget in Bootstrap's classes (`form-select` or `form-control`, `is-invalid`
    beside Django's own `aria-invalid` and `aria-describedby` when the value is wrong)."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = ["form-select" if isinstance(widget, forms.Select) else "form-control"]
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(filter(None, [str(attrs.get("class", "")), *classes]))
        return attrs


class FilterForm(forms.Form):
    """A list's filters (a GET form, drawn on every page of the list), drawn by
    `{% include "_filter_form.html" %}` in the markup crispy-forms gives the portal's other forms, at
    a fraction of its cost (~3 ms a page for four fields at province, issue 14)."""

    bound_field_class = FilterBoundField
