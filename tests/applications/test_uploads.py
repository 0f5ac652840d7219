import re
import uuid

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from PIL import Image

from core.uploads import (
    ALLOWED_TYPES,
    MaterialFileField,
    MultipleMaterialFileField,
    sniff_kind,
    stored_upload_name,
    validate_upload,
)
from tests.files import JPEG, PDF, PNG, image_bytes


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 1  # orientation: upright
    return image_bytes("JPEG", exif=exif)


JPEG_EXIF = _jpeg_with_exif()
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
LINUX_ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def upload_error(file: SimpleUploadedFile) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_upload(file)
    return caught.value


@pytest.mark.parametrize(
    ("content", "kind"), [(PDF, "pdf"), (JPEG, "jpeg"), (JPEG_EXIF, "jpeg"), (PNG, "png"), (WINDOWS_EXE, None)]
)
def test_sniff_kind_reads_the_magic_number(content, kind):
    assert sniff_kind(content[:16]) == kind


def test_sniff_kind_refuses_a_pdf_header_that_is_not_at_the_start():
    assert sniff_kind(b"MZ\x00\x00%PDF-1.4") is None
    assert sniff_kind(b"") is None


@pytest.mark.parametrize(
    ("name", "content", "kind", "mime"),
    [
        ("申请表.pdf", PDF, "pdf", "application/pdf"),
        ("身份证.jpg", JPEG, "jpeg", "image/jpeg"),
        ("照片.JPEG", JPEG_EXIF, "jpeg", "image/jpeg"),
        ("收入证明.png", PNG, "png", "image/png"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted(name, content, kind, mime):
    file = upload(name, content, content_type="application/octet-stream")
    assert validate_upload(file) == kind
    # The uploader's claimed content type is replaced by what the content is.
    assert file.content_type == mime


@pytest.mark.parametrize("content", [WINDOWS_EXE, LINUX_ELF, b"<html><script>alert(1)</script>", b"PK\x03\x04zip"])
def test_other_content_renamed_pdf_is_refused(content):
    error = upload_error(upload("判决书.pdf", content))
    assert error.messages == ["文件“判决书.pdf”不是PDF、JPG或PNG文件，请重新选择。"]
    assert error.code == "invalid_file_type"


def test_content_wins_over_the_name_and_the_stored_name_uses_the_canonical_extension():
    file = upload("扫描件.pdf", PNG, content_type="application/pdf")
    kind = validate_upload(file)
    assert kind == "png"
    assert file.content_type == "image/png"
    assert stored_upload_name(kind).endswith(".png")


def test_an_empty_file_is_refused():
    error = upload_error(upload("空白.pdf", b""))
    assert error.messages == ["文件“空白.pdf”是空文件，请重新选择。"]
    assert error.code == "empty_file"


def test_a_file_over_the_limit_is_refused_with_the_mb_figure(settings):
    settings.LEGALAID_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    padding = 2 * 1024 * 1024 - len(PDF)  # a real PDF padded to the limit with trailing whitespace
    error = upload_error(upload("大文件.pdf", PDF + b"\n" * (padding + 1)))
    assert error.messages == ["文件“大文件.pdf”超过2 MB，请压缩后重新上传。"]
    assert error.code == "file_too_large"
    assert validate_upload(upload("刚好.pdf", PDF + b"\n" * padding)) == "pdf"


def test_the_default_limit_is_reported_as_10_mb(settings):
    settings.LEGALAID_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    file = upload("大文件.pdf", PDF)
    file.size = 10 * 1024 * 1024 + 1  # what Django measured while receiving it; no need to allocate 10 MB
    assert upload_error(file).messages == ["文件“大文件.pdf”超过10 MB，请压缩后重新上传。"]


def test_a_fractional_limit_keeps_its_decimal(settings):
    settings.LEGALAID_UPLOAD_MAX_BYTES = 1536 * 1024
    file = upload("大文件.pdf", PDF)
    file.size = 1536 * 1024 + 1
    assert upload_error(file).messages == ["文件“大文件.pdf”超过1.5 MB，请压缩后重新上传。"]


def test_the_whole_file_is_parsed_not_its_first_bytes():
    # Right signatures, wrong insides: each would have passed a check of the leading bytes.
    assert upload_error(upload("照片.png", PNG[:16] + b"<html><script>alert(1)</script></html>")).code == (
        "invalid_image"
    )
    assert upload_error(upload("照片.jpg", b"\xff\xd8\xff\xe0<html>")).code == "invalid_image"
    assert upload_error(upload("申请书.pdf", b"%PDF-1.4\n<html><body>hi</body></html>")).code == "active_pdf"
    assert upload_error(upload("申请书.pdf", b"%PDF-1.7\nnot a pdf at all\n%%EOF")).code == "invalid_pdf"


def test_the_file_is_rewound_after_the_check():
    file = upload("申请表.pdf", PDF)
    file.read(7)  # a caller that already started reading
    assert validate_upload(file) == "pdf"
    assert file.tell() == 0
    assert file.read(5) == b"%PDF-"


def test_the_file_is_rewound_after_a_refusal_too():
    file = upload("病毒.pdf", WINDOWS_EXE)
    upload_error(file)
    assert file.tell() == 0


def test_stored_names_are_random_dated_and_never_reuse_the_original_name():
    today = timezone.localdate()
    names = {stored_upload_name("pdf") for _ in range(20)}
    assert len(names) == 20
    for name in names:
        match = re.fullmatch(rf"materials/{today:%Y}/{today:%m}/([0-9a-f]{{32}})\.pdf", name)
        assert match
        assert uuid.UUID(match[1]).version == 4
    assert stored_upload_name("jpeg").endswith(".jpg")
    with pytest.raises(KeyError):
        stored_upload_name("exe")


def test_allowed_types_cannot_be_extended_at_run_time():
    assert dict(ALLOWED_TYPES) == {
        "pdf": ("application/pdf", ".pdf"),
        "jpeg": ("image/jpeg", ".jpg"),
        "png": ("image/png", ".png"),
    }
    with pytest.raises(TypeError):
        ALLOWED_TYPES["exe"] = ("application/octet-stream", ".exe")  # type: ignore[index]


class MaterialForm(forms.Form):
    proof = MaterialFileField(label="身份证明")
    extra = MaterialFileField(label="其他材料", required=False)


class MaterialsForm(forms.Form):
    materials = MultipleMaterialFileField(label="与事项有关的材料")
    optional = MultipleMaterialFileField(label="补充材料", required=False)


def test_the_single_file_field_accepts_a_real_file_and_allows_an_optional_one_to_be_missing():
    form = MaterialForm(data={}, files=MultiValueDict({"proof": [upload("身份证.png", PNG)]}))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["proof"].content_type == "image/png"
    assert form.cleaned_data["extra"] is None


def test_the_single_file_field_reports_errors_in_chinese():
    form = MaterialForm(data={}, files=MultiValueDict({"extra": [upload("病毒.pdf", LINUX_ELF)]}))
    assert form.errors == {
        "proof": ["请选择要上传的文件。"],
        "extra": ["文件“病毒.pdf”不是PDF、JPG或PNG文件，请重新选择。"],
    }


def test_the_single_file_field_names_an_empty_file():
    form = MaterialForm(data={}, files=MultiValueDict({"proof": [upload("空白.jpg", b"")]}))
    assert form.errors["proof"] == ["文件“空白.jpg”是空文件，请重新选择。"]


def test_the_multiple_field_returns_every_file():
    files = [upload("判决书.pdf", PDF), upload("照片.jpg", JPEG), upload("截图.png", PNG)]
    form = MaterialsForm(data={}, files=MultiValueDict({"materials": files}))
    assert form.is_valid(), form.errors
    assert [file.name for file in form.cleaned_data["materials"]] == ["判决书.pdf", "照片.jpg", "截图.png"]
    assert form.cleaned_data["optional"] == []


def test_the_multiple_field_checks_each_file_and_names_the_bad_ones():
    files = [
        upload("判决书.pdf", PDF),
        upload("病毒.pdf", WINDOWS_EXE),
        upload("空白.png", b""),
        upload("照片.jpg", JPEG),
    ]
    form = MaterialsForm(data={}, files=MultiValueDict({"materials": files}))
    assert form.errors == {
        "materials": ["文件“病毒.pdf”不是PDF、JPG或PNG文件，请重新选择。", "文件“空白.png”是空文件，请重新选择。"]
    }


def test_the_multiple_field_is_required_unless_told_otherwise():
    form = MaterialsForm(data={}, files=MultiValueDict())
    assert form.errors == {"materials": ["请选择要上传的文件。"]}


def test_the_widgets_allow_several_files_and_hint_the_accepted_types():
    html = str(MaterialsForm()["materials"])
    assert "multiple" in html
    assert 'accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"' in html
    assert "multiple" not in str(MaterialForm()["proof"])


def test_a_failed_submission_leaves_no_file_behind(db, settings):
    from pathlib import Path

    from applications import services
    from applications.models import Application
    from tests.applications.factories import pdf, service_data

    executable = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    # The first file is written before the second is found to be an executable in disguise.
    with pytest.raises(ValidationError):
        services.submit_application(
            data=service_data(), uploads={"identity": [pdf("身份证.pdf"), executable]}, receiving_office=None
        )
    assert not Application.objects.exists()
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
