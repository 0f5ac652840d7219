"""Uploaded materials: PDF, JPEG or PNG, recognised by their content and limited in size (SPEC §8).

The file name and the browser's content type are chosen by the uploader and prove nothing, so only the
leading bytes decide what a file is; stored files get a random name with the extension of what they are.
"""

import posixpath
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from functools import wraps
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils import timezone

# detected kind → (MIME type, canonical extension)
ALLOWED_TYPES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "pdf": ("application/pdf", ".pdf"),
        "jpeg": ("image/jpeg", ".jpg"),
        "png": ("image/png", ".png"),
    }
)

# puremagic is not used: it scores hundreds of signatures (some weak or offset-based) to guess a type,
# while we accept exactly three formats whose signatures are fixed bytes at offset 0. Three exact
# comparisons are easier to audit and cannot be swayed by a lucky partial match.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    # Readers tolerate junk before "%PDF-"; we do not, so a file cannot pose as a PDF behind another header.
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)
SNIFF_BYTES = 16

# Shown to the browser's file picker only; the server never relies on it.
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def sniff_kind(head: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def size_label(limit: int) -> str:
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if limit >= size:
            return f"{limit / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{limit}字节"


def validate_upload(file: UploadedFile) -> str:
    """Return the detected kind, or raise a ValidationError naming the file.

    As a side effect the browser-supplied `content_type` is replaced by the detected MIME type, so code
    that later serves the file cannot trust the uploader's claim by mistake.
    """
    name = posixpath.basename(file.name or "") or "未命名"
    limit: int = settings.LEGALAID_UPLOAD_MAX_BYTES
    if not file.size:
        raise ValidationError("文件“%(name)s”是空文件，请重新选择。", code="empty_file", params={"name": name})
    if file.size > limit:
        raise ValidationError(
            "文件“%(name)s”超过%(limit)s，请压缩后重新上传。",
            code="file_too_large",
            params={"name": name, "limit": size_label(limit)},
        )
    file.seek(0)
    try:
        head = file.read(SNIFF_BYTES)
    finally:
        file.seek(0)
    kind = sniff_kind(head)
    if kind is None:
        raise ValidationError(
            "文件“%(name)s”不是PDF、JPG或PNG文件，请重新选择。", code="invalid_file_type", params={"name": name}
        )
    file.content_type = ALLOWED_TYPES[kind][0]
    return kind


def stored_upload_name(kind: str, *, folder: str = "materials") -> str:
    """A storage path that reveals nothing: the uploader's file name is metadata, never part of the path."""
    extension = ALLOWED_TYPES[kind][1]
    today = timezone.localdate()
    return f"{folder}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{extension}"


_files_written: ContextVar[list | None] = ContextVar("files_written", default=None)


def removes_files_on_error(service: Callable) -> Callable:
    """For a service that saves uploads inside its transaction: if it fails, the rows roll back and
    the files it wrote are deleted too, so no applicant's papers are left on disk unreferenced."""

    @wraps(service)
    def wrapped(*args, **kwargs):
        if _files_written.get() is not None:  # an outer service is already keeping the list
            return service(*args, **kwargs)
        written: list = []
        token = _files_written.set(written)
        try:
            return service(*args, **kwargs)
        except BaseException:
            for stored in written:
                stored.file.storage.delete(stored.file.name)
            raise
        finally:
            _files_written.reset(token)

    return wrapped


def save_upload(stored, upload: UploadedFile, *, kind: str | None = None, folder: str = "materials") -> None:
    """Fill a file record (`file`, `original_name`, `content_type`, `size`) from an upload checked by
    content, write the file under a random name, and save the record. `kind` skips a second check.
    Call it from a service wrapped in `removes_files_on_error`."""
    kind = kind or validate_upload(upload)
    stored.original_name = (upload.name or "")[:200]
    stored.content_type = ALLOWED_TYPES[kind][0]
    stored.size = upload.size
    stored.file.save(stored_upload_name(kind, folder=folder), upload, save=False)
    written = _files_written.get()
    if written is not None:
        written.append(stored)
    stored.save()


def serve_upload(stored) -> FileResponse:
    """Stream a file record to a viewer the caller has already checked (and audited): never from a
    public media URL, never sniffed into something executable by the browser."""
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(stored.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class MaterialFileField(forms.FileField):
    default_error_messages = {
        "required": "请选择要上传的文件。",
        "invalid": "没有收到文件，请重新选择后上传。",
        "missing": "没有收到文件，请重新选择后上传。",
        "empty": "上传的文件是空文件，请重新选择。",
        "max_length": "文件名最多%(max)d个字符（当前%(length)d个），请改短后重新上传。",
        "contradiction": "请上传新文件或勾选清除，不要同时进行。",
    }

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs.setdefault("accept", ACCEPT)
        return attrs

    def clean(self, data: Any, initial: Any = None) -> Any:
        # Checked before Django's own checks so an empty file is reported with its name, like the others.
        if isinstance(data, UploadedFile):
            validate_upload(data)
        return super().clean(data, initial)


class MultipleMaterialInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleMaterialFileField(MaterialFileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleMaterialInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, Sequence) and not isinstance(data, str):
            files = [item for item in data if item]
        else:
            files = [data] if data else []
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        # Every file is checked, so one message lists all the bad files rather than only the first.
        cleaned: list[UploadedFile] = []
        errors: list[ValidationError] = []
        for file in files:
            try:
                cleaned.append(super().clean(file))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return cleaned

    def has_changed(self, initial: Any, data: Any) -> bool:
        return not self.disabled and bool(data)
