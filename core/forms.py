"""Form helpers shared by every app's views."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal next to the fields it names (the rest above the form), so the page comes
    back with what the user typed and each message where it belongs (SPEC §9)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
