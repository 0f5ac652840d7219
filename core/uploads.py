"""Uploaded materials: PDF, JPEG or PNG, judged by parsing them, and limited in size and number (SPEC §8).

The file name and the browser's content type are chosen by the uploader and prove nothing. The
leading bytes only say which parser to try: an image must open in Pillow within a pixel limit and is
re-encoded (so nothing hidden before, inside or after it is kept); a PDF must open in pypdf and
carry no active content (JavaScript, launch actions, embedded files, automatic actions) and nothing
that makes a browser take it for a web page. Stored files get a random name with the extension of
what they are, and are always served as downloads.
"""

import io
import posixpath
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from functools import wraps
from types import MappingProxyType
from typing import IO, Any, Protocol

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils import timezone
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# detected kind → (MIME type, canonical extension)
ALLOWED_TYPES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "pdf": ("application/pdf", ".pdf"),
        "jpeg": ("image/jpeg", ".jpg"),
        "png": ("image/png", ".png"),
    }
)
# A name may carry no extension (some phone pickers send none), or one of these: a staff member who
# downloads "证明.pdf.exe" or "照片.html" should never be handed that name.
ALLOWED_EXTENSIONS = frozenset({".pdf", ".jpg", ".jpeg", ".png"})
MAX_NAME_LENGTH = 200  # the stored `original_name`

# The signatures only choose the parser; passing them proves nothing. Readers tolerate junk before
# "%PDF-"; we do not, so a file cannot pose as a PDF behind another header.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
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


class CheckedUpload(UploadedFile[bytes]):
    """An upload that passed `check_upload`: `kind` is what it is, and its content is what is stored
    (an image re-encoded; a PDF as it came)."""

    def __init__(self, file: Any, *, name: str, kind: str, size: int) -> None:
        super().__init__(file, name=name, content_type=ALLOWED_TYPES[kind][0], size=size)
        self.kind = kind


def _refuse(message: str, code: str, name: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params={"name": name, **params})


def _shown_name(raw: str) -> str:
    name = posixpath.basename(raw) or "未命名"
    return name if len(name) <= 40 else name[:40] + "…"


def check_upload(file: UploadedFile[bytes]) -> CheckedUpload:
    """Judge an upload by its name, size and parsed content; return what to store, or raise a
    ValidationError naming the file. Checking a `CheckedUpload` again costs nothing."""
    if isinstance(file, CheckedUpload):
        return file
    raw_name = file.name or ""
    name = _shown_name(raw_name)
    if len(raw_name) > MAX_NAME_LENGTH:
        raise _refuse(
            "文件名“%(name)s”过长（%(length)d个字符，最多%(max)d个），请改短后重新上传。",
            "name_too_long",
            name,
            length=len(raw_name),
            max=MAX_NAME_LENGTH,
        )
    extension = posixpath.splitext(raw_name)[1].lower()
    if extension and extension not in ALLOWED_EXTENSIONS:
        raise _refuse("文件“%(name)s”的扩展名不是 .pdf、.jpg 或 .png，请重新选择。", "invalid_extension", name)
    limit: int = settings.LEGALAID_UPLOAD_MAX_BYTES
    if not file.size:
        raise _refuse("文件“%(name)s”是空文件，请重新选择。", "empty_file", name)
    if file.size > limit:
        raise _refuse(
            "文件“%(name)s”超过%(limit)s，请压缩后重新上传。", "file_too_large", name, limit=size_label(limit)
        )
    file.seek(0)
    try:
        data = file.read(limit + 1)
    finally:
        file.seek(0)
    kind = sniff_kind(data[:SNIFF_BYTES])
    if kind is None:
        raise _refuse("文件“%(name)s”不是PDF、JPG或PNG文件，请重新选择。", "invalid_file_type", name)
    if kind == "pdf":
        _check_pdf(data, name)
        checked = CheckedUpload(file.file, name=raw_name, kind=kind, size=len(data))
    else:
        content = _reencode_image(data, kind, name)
        size = content.seek(0, io.SEEK_END)
        content.seek(0)
        checked = CheckedUpload(content, name=raw_name, kind=kind, size=size)
    # The uploader's claimed type is replaced, so nothing downstream can trust it by mistake.
    file.content_type = checked.content_type
    return checked


def validate_upload(file: UploadedFile[bytes]) -> str:
    """The kind of an acceptable upload (see `check_upload`), or a ValidationError naming the file."""
    return check_upload(file).kind


# --- images ----------------------------------------------------------------------------------------
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG"}


def _reencode_image(data: bytes, kind: str, name: str) -> IO[bytes]:
    """Decode the whole image within the pixel limit and write it out afresh: bytes hidden after the
    image, in its metadata (EXIF with GPS positions too) or in odd chunks are not kept."""
    max_pixels: int = settings.LEGALAID_UPLOAD_MAX_PIXELS
    pixels_refused = _refuse(
        "图片“%(name)s”尺寸过大（最多%(max)s万像素），请缩小后重新上传。",
        "too_many_pixels",
        name,
        max=f"{max_pixels // 10_000}",
    )
    unreadable = _refuse("图片“%(name)s”已损坏或不是完整的JPG、PNG图片，请重新选择。", "invalid_image", name)
    fmt = _PILLOW_FORMATS[kind]
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            width, height = image.size  # from the header, before anything is decoded
            if width * height > max_pixels:
                raise pixels_refused
            image.verify()
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)  # the orientation would go with the EXIF
            # Spooled: a re-encoded photo stays in memory only while small, like Django's own uploads.
            out = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
            if fmt == "JPEG":
                if upright.mode not in ("L", "RGB", "CMYK"):
                    upright = upright.convert("RGB")
                upright.save(out, "JPEG", quality=90)
            else:
                upright.save(out, "PNG")
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise pixels_refused from None
    except Exception:  # a parser fed hostile bytes may fail in any way: each is a refusal
        raise unreadable from None
    out.seek(0)
    return out


# --- PDFs ------------------------------------------------------------------------------------------
# Markers of a file that a browser would also read as a web page (a PDF/HTML polyglot).
_HTML_MARKERS = (b"<html", b"<script", b"<!doctype html", b"<iframe", b"<?php", b"javascript:")
# Keys that carry code, start something by themselves or smuggle another file (ISO 32000 §12.6, §7.11.4).
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/XFA"})
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR", "/RichMediaExecute"}
)
_MAX_PDF_OBJECTS = 100_000


def _check_pdf(data: bytes, name: str) -> None:
    unreadable = _refuse("文件“%(name)s”不是可以打开的PDF文件，请重新选择。", "invalid_pdf", name)
    active = _refuse(
        "PDF文件“%(name)s”含有脚本、自动操作或嵌入文件，不能接收。请打印后重新扫描，或另存为普通PDF后上传。",
        "active_pdf",
        name,
    )
    lowered = data.lower()
    if any(marker in lowered for marker in _HTML_MARKERS):
        raise active
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise unreadable
    if data[end + 5 :].strip(b" \t\r\n\f\x00"):  # a file appended after the PDF
        raise active
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse("PDF文件“%(name)s”设有密码，请取消密码后重新上传。", "encrypted_pdf", name)
        if len(reader.pages) == 0:
            raise unreadable
        if _has_active_content(reader):
            raise active
    except ValidationError:
        raise
    except Exception:  # a parser fed hostile bytes may fail in any way: each is a refusal
        raise unreadable from None


_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def _harmless_link(uri: Any) -> bool:
    """A web, mail or phone link; not `javascript:`, `file:` or `data:` (however it is spelt)."""
    text = "".join(char for char in str(uri) if char.isprintable() and not char.isspace()).lower()
    scheme, colon, _ = text.partition(":")
    return not colon or scheme in _LINK_SCHEMES


def _has_active_content(reader: PdfReader) -> bool:
    """Walk every object reachable from the trailer (each once) looking for active content. An
    /OpenAction that is only a destination ("open at page 1, fit width") is what office suites write
    and is kept; one that is an action is refused."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        visited += 1
        if visited > _MAX_PDF_OBJECTS:
            return True
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in _ACTIVE_KEYS:
                    return True
                resolved = value.get_object() if isinstance(value, IndirectObject) else value
                if key == "/S" and resolved in _ACTIVE_ACTIONS:
                    return True
                if key == "/Type" and resolved == "/EmbeddedFile":
                    return True
                if key == "/OpenAction" and isinstance(resolved, DictionaryObject):
                    return True
                if key == "/URI" and not _harmless_link(resolved):
                    return True
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


# --- volume --------------------------------------------------------------------------------------
def _volume_error(count: int, total: int) -> ValidationError | None:
    max_files: int = settings.LEGALAID_UPLOAD_MAX_FILES
    max_bytes: int = settings.LEGALAID_UPLOAD_MAX_REQUEST_BYTES
    if count > max_files:
        return ValidationError(
            "一次最多上传%(max)d个文件（本次%(count)d个），请精简后重新提交。",
            code="too_many_files",
            params={"max": max_files, "count": count},
        )
    if total > max_bytes:
        return ValidationError(
            "一次上传的文件合计不能超过%(max)s（本次%(total)s），请压缩后重新提交。",
            code="request_too_large",
            params={"max": size_label(max_bytes), "total": size_label(total)},
        )
    return None


def check_record_total(stored_bytes: int, files: Iterable[UploadedFile[bytes]]) -> None:
    """The files of one application, together with those it already holds, stay within
    `LEGALAID_UPLOAD_MAX_APPLICATION_BYTES`. Raises a ValidationError for the `files` field."""
    limit: int = settings.LEGALAID_UPLOAD_MAX_APPLICATION_BYTES
    total = stored_bytes + sum(file.size or 0 for file in files)
    if total > limit:
        raise ValidationError(
            {
                "files": ValidationError(
                    "每件申请的材料合计不能超过%(max)s（已有%(stored)s，本次合计将达%(total)s），"
                    "请压缩后重新上传，或到窗口提交纸质材料。",
                    code="record_too_large",
                    params={"max": size_label(limit), "stored": size_label(stored_bytes), "total": size_label(total)},
                )
            }
        )


class UploadLimitsMixin(forms.Form):
    """For a form with upload fields: the files of one request are limited in number and total size
    (`LEGALAID_UPLOAD_MAX_FILES`, `LEGALAID_UPLOAD_MAX_REQUEST_BYTES`). The message stands by the
    field where the limit was crossed."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        count = total = 0
        for name, field in self.fields.items():
            if not isinstance(field, MaterialFileField):
                continue
            files = [file for file in self._posted_files(name) if file]
            count += len(files)
            total += sum(file.size or 0 for file in files)
            if files and (error := _volume_error(count, total)) is not None:
                self.add_error(name, error)
                break
        return data

    def _posted_files(self, name: str) -> list[UploadedFile[bytes]]:
        key = self.add_prefix(name)
        posted: Any = self.files  # a MultiValueDict from a request; a plain dict when a test builds the form
        if hasattr(posted, "getlist"):
            return list(posted.getlist(key))
        value = (posted or {}).get(key)
        return list(value) if isinstance(value, list | tuple) else [value] if value else []


def stored_upload_name(kind: str, *, folder: str = "materials") -> str:
    """A storage path that reveals nothing: the uploader's file name is metadata, never part of the path."""
    extension = ALLOWED_TYPES[kind][1]
    today = timezone.localdate()
    return f"{folder}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{extension}"


class StoredFile(Protocol):
    """A file record (an application's material, a closure material, a publicity photo…)."""

    file: FieldFile
    original_name: str
    content_type: str
    size: int

    def save(self, *args: Any, **kwargs: Any) -> None: ...


_files_written: ContextVar[list[StoredFile] | None] = ContextVar("files_written", default=None)


def removes_files_on_error[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """For a service that saves uploads inside its transaction: if it fails, the rows roll back and
    the files it wrote are deleted too, so no applicant's papers are left on disk unreferenced."""

    @wraps(service)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if _files_written.get() is not None:  # an outer service is already keeping the list
            return service(*args, **kwargs)
        written: list[StoredFile] = []
        token = _files_written.set(written)
        try:
            return service(*args, **kwargs)
        except BaseException:
            for stored in written:
                if stored.file.name:
                    stored.file.storage.delete(stored.file.name)
            raise
        finally:
            _files_written.reset(token)

    return wrapped


def save_upload(stored: StoredFile, upload: UploadedFile[bytes], *, folder: str = "materials") -> None:
    """Fill a file record (`file`, `original_name`, `content_type`, `size`) from an upload judged by
    `check_upload`, write what it returned under a random name, and save the record.
    Call it from a service wrapped in `removes_files_on_error`."""
    write_upload(stored, upload, folder=folder)
    stored.save()


def write_upload(stored: StoredFile, upload: UploadedFile[bytes], *, folder: str = "materials") -> None:
    """`save_upload` but for the record's save, which is the caller's (a record whose owner is not
    saved yet, several saved in one statement)."""
    checked = check_upload(upload)
    written = _files_written.get()
    if written is not None:
        # The forms say it by the field first; this holds for any caller of the one upload path.
        stored_bytes = sum(record.size for record in written)
        if (error := _volume_error(len(written) + 1, stored_bytes + (checked.size or 0))) is not None:
            raise error
    stored.original_name = (checked.name or "")[:MAX_NAME_LENGTH]
    stored.content_type = ALLOWED_TYPES[checked.kind][0]
    stored.size = checked.size or 0
    stored.file.save(stored_upload_name(checked.kind, folder=folder), checked, save=False)
    if written is not None:
        written.append(stored)


_EXTENSIONS_OF = {mime: extension for mime, extension in ALLOWED_TYPES.values()}
_EXTENSIONS_OF_KIND = {"application/pdf": {".pdf"}, "image/jpeg": {".jpg", ".jpeg"}, "image/png": {".png"}}


def download_name(stored: StoredFile) -> str:
    """The uploader's name, with an extension that says what the file is (a PNG sent as "扫描件.pdf"
    is downloaded as "扫描件.png")."""
    stem, extension = posixpath.splitext(stored.original_name or "材料")
    if extension.lower() in _EXTENSIONS_OF_KIND.get(stored.content_type, set()):
        return stored.original_name
    return (stem or "材料") + _EXTENSIONS_OF.get(stored.content_type, "")


def serve_upload(stored: StoredFile) -> FileResponse:
    """Stream a file record to a viewer the caller has already checked (and audited): never from a
    public media URL, always as a download (`attachment`: the browser never renders an applicant's
    file in the portal's origin), never sniffed into another type."""
    response = FileResponse(
        stored.file.open("rb"), content_type=stored.content_type, as_attachment=True, filename=download_name(stored)
    )
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
        # Checked before Django's own checks so an empty file is reported with its name, like the
        # others; what is cleaned is the checked file (a re-encoded image), which the services store.
        if isinstance(data, UploadedFile):
            data = check_upload(data)
        return super().clean(data, initial)


class MultipleMaterialInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleMaterialFileField(MaterialFileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleMaterialInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        if isinstance(data, Sequence) and not isinstance(data, str):
            files = [item for item in data if item]
        else:
            files = [data] if data else []
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        # Every file is checked, so one message lists all the bad files rather than only the first.
        cleaned: list[UploadedFile[bytes]] = []
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
