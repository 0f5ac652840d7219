"""A corpus of hostile uploads (issue 10, items 9 and 13), built here, posted through every upload form
of the portal: every one is refused with a Chinese message, none answers 500, no row is written and
no file is left on disk (inside MEDIA_ROOT or anywhere else under the test's folder)."""

from __future__ import annotations

import io
import re
import struct
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from accounts.models import Role
from applications import services
from applications.models import Application, KnownAuthority, Material, Status
from cases.models import Case, CaseState, ClosureMaterial, Notice, NoticeGround
from quality.models import PublicityActivity, PublicityPhoto
from tests.applications.factories import form_data, make_id_number, submit
from tests.cases.factories import make_case
from tests.files import JPEG, PDF, PNG, image_bytes

# Small limits, so "one byte over" costs nothing to build.
MAX_FILE = 64 * 1024
MAX_FILES = 3
MAX_REQUEST = 160 * 1024
MAX_PIXELS = 1_000_000


# --- building the corpus ---------------------------------------------------------------------------
def pdf_with(edit) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def name(value: str) -> NameObject:
    return NameObject(value)


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject({name("/S"): name(kind), **{name(f"/{k}"): v for k, v in entries.items()}})


def js(code: str = "app.alert(document.cookie)") -> DictionaryObject:
    return action("/JavaScript", JS=TextStringObject(code))


def open_action(value):
    def edit(writer: PdfWriter) -> None:
        writer._root_object[name("/OpenAction")] = writer._add_object(value)

    return edit


def names_javascript(writer: PdfWriter) -> None:
    tree = DictionaryObject({name("/Names"): ArrayObject([TextStringObject("run"), writer._add_object(js())])})
    writer._root_object[name("/Names")] = DictionaryObject({name("/JavaScript"): tree})


def page_additional_action(writer: PdfWriter) -> None:
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): js()})


def link_annotation(link_action: DictionaryObject):
    def edit(writer: PdfWriter) -> None:
        rect = ArrayObject([NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(100)])
        annotation = DictionaryObject(
            {
                name("/Type"): name("/Annot"),
                name("/Subtype"): name("/Link"),
                name("/Rect"): rect,
                name("/A"): link_action,
            }
        )
        writer.pages[0][name("/Annots")] = ArrayObject([writer._add_object(annotation)])

    return edit


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height, with a token of pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real JPEG whose frame header is edited to claim width × height."""
    data = bytearray(JPEG)
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def bad_crc_png() -> bytes:
    data = bytearray(PNG)
    idat = data.index(b"IDAT")
    length = struct.unpack(">I", data[idat - 4 : idat])[0]
    data[idat + 4 + length] ^= 0xFF  # the first byte of the chunk's CRC
    return bytes(data)


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return out.getvalue()


def other_image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, fmt)
    return out.getvalue()


HTML = b"<!doctype html><html><body><script>fetch('/staff/')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
POLYGLOT = PDF.replace(b"\n", b"\n%<html><body><script>alert(1)</script></body></html>\n", 1)


@dataclass(frozen=True)
class Hostile:
    label: str
    files: tuple[tuple[str, bytes, str], ...]  # (name, content, claimed content type)

    def uploads(self) -> list[SimpleUploadedFile]:
        return [SimpleUploadedFile(n, content, content_type=ctype) for n, content, ctype in self.files]


def one(label: str, filename: str, content: bytes, ctype: str = "application/pdf") -> Hostile:
    return Hostile(label, ((filename, content, ctype),))


CORPUS = [
    one("html-after-png-header", "照片.png", PNG[:8] + HTML, "image/png"),
    one("html-after-jpeg-header", "照片.jpg", b"\xff\xd8\xff\xe0" + HTML, "image/jpeg"),
    one("pdf-openaction-javascript", "申请书.pdf", pdf_with(open_action(js()))),
    one("pdf-names-javascript", "申请书.pdf", pdf_with(names_javascript)),
    one("pdf-launch", "申请书.pdf", pdf_with(open_action(action("/Launch", F=TextStringObject("cmd.exe"))))),
    one("pdf-submitform", "申请书.pdf", pdf_with(open_action(action("/SubmitForm", F=TextStringObject("http://x/"))))),
    one("pdf-embedded-file", "申请书.pdf", pdf_with(lambda w: w.add_attachment("run.exe", b"MZ\x90\x00" * 8))),
    one("pdf-page-additional-action", "申请书.pdf", pdf_with(page_additional_action)),
    one(
        "pdf-javascript-link",
        "申请书.pdf",
        pdf_with(link_annotation(action("/URI", URI=TextStringObject("javascript:alert(1)")))),
    ),
    one("pdf-html-polyglot", "申请书.pdf", POLYGLOT),
    one("pdf-with-zip-appended", "申请书.pdf", PDF + zip_bytes()),
    one("pdf-encrypted", "申请书.pdf", pdf_with(lambda w: w.encrypt("secret"))),
    one("pdf-header-only", "申请书.pdf", b"%PDF-1.7\n" + HTML + b"\n%%EOF\n"),
    one("png-100000x100000", "照片.png", png_header(100_000, 100_000), "image/png"),
    one("png-over-pixel-limit", "照片.png", png_header(1001, 1000), "image/png"),
    one("jpeg-claiming-65000x65000", "照片.jpg", jpeg_claiming(65_000, 65_000), "image/jpeg"),
    one("png-bad-crc", "照片.png", bad_crc_png(), "image/png"),
    one("png-truncated", "照片.png", PNG[: len(PNG) // 2], "image/png"),
    one("svg-with-script", "图.svg", SVG, "image/svg+xml"),
    one("svg-named-png", "图.png", SVG, "image/png"),
    one("zip-renamed-pdf", "材料.pdf", zip_bytes()),
    one("exe-renamed-pdf", "证明.pdf", b"MZ\x90\x00\x03" + b"\0" * 59),
    one("elf-renamed-jpg", "照片.jpg", b"\x7fELF\x02\x01\x01" + b"\0" * 57, "image/jpeg"),
    one("gif-renamed-png", "照片.png", other_image("GIF"), "image/png"),
    one("bmp-renamed-jpg", "照片.jpg", other_image("BMP"), "image/jpeg"),
    one("html-spoofed-content-type", "证明.pdf", HTML),
    one("dot-dot-slash-name", "../../../../tmp/evil.html", HTML, "text/html"),
    one("nul-in-name", "证明.pdf\x00.html", PDF),
    one("rtl-override-name", "报告\u202efdp.exe", PDF),
    one("300-character-name", "材" * 296 + ".pdf", PDF),
    one("double-extension", "证明.pdf.exe", PDF, "application/x-msdownload"),
    one("empty-file", "空白.pdf", b""),
    one("limit-plus-one-byte", "扫描.pdf", PDF + b"\n" * (MAX_FILE + 1 - len(PDF))),
    Hostile("too-many-files", tuple((f"{n}.pdf", PDF, "application/pdf") for n in range(MAX_FILES + 1))),
    Hostile(
        "request-over-total",
        tuple((f"{n}.pdf", PDF + b"\n" * (60 * 1024 - len(PDF)), "application/pdf") for n in range(3)),
    ),
    one("body-beyond-any-form", "扫描.pdf", PDF + b"\n" * (MAX_REQUEST + 1024 * 1024)),
]
assert len(CORPUS) >= 25


# --- the forms that take uploads ---------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """An upload form: how to reach it with a file list, and the field the files go in."""

    label: str
    path: str
    field: str
    data: dict


@pytest.fixture
def limits(settings):
    settings.LEGALAID_UPLOAD_MAX_BYTES = MAX_FILE
    settings.LEGALAID_UPLOAD_MAX_FILES = MAX_FILES
    settings.LEGALAID_UPLOAD_MAX_REQUEST_BYTES = MAX_REQUEST
    settings.LEGALAID_UPLOAD_MAX_PIXELS = MAX_PIXELS
    # Thirty-odd posts from one client in a few seconds: the rate limits are tested elsewhere.
    settings.LEGALAID_APPLY_POSTS_PER_HOUR = 10_000
    settings.LEGALAID_CLERK_LOOKUPS_PER_HOUR = 10_000


def _awaiting_supplement(personas) -> Application:
    application = submit()
    services.request_supplement(application, items=["身份证"], note="", by=personas[(Role.CLERK, "luoding")])
    return application


def _targets(client, personas) -> list[tuple[Target, object]]:
    """Each target with a function that signs in (or looks up) as whoever uses that form."""
    waiting = _awaiting_supplement(personas)
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    today = timezone.localdate().isoformat()

    def citizen():
        client.logout()
        client.post("/track/", {"number": waiting.number, "id_last6": waiting.id_number[-6:]})

    def as_(role, office="luoding"):
        return lambda: client.force_login(personas[(role, office)])

    return [
        (Target("apply", "/apply/", "identity_files", form_data()), client.logout),
        # Another person than the one waiting: the duplicate guard must not be what refuses the post.
        (
            Target(
                "walk-in",
                "/staff/applications/new/",
                "matter_files",
                form_data(id_number=make_id_number(sequence="321")),
            ),
            as_(Role.CLERK, "yuncheng"),
        ),
        (Target("track-supplement", "/track/supplement/", "files", {}), citizen),
        (
            Target(
                "supplement-drop",
                "/staff/applications/supplement-drop/",
                "files",
                {"number": waiting.number, "id_last6": waiting.id_number[-6:]},
            ),
            as_(Role.CLERK, "xinxing"),
        ),
        (
            Target("receive-supplement", f"/staff/applications/{waiting.pk}/supplement/receive/", "files", {}),
            as_(Role.CLERK),
        ),
        (
            Target(
                "closure",
                f"/staff/cases/{case.pk}/closure/",
                "files",
                {"method": "judgment", "matter_ended_on": today, "summary": "胜诉。"},
            ),
            as_(Role.HANDLER),
        ),
        (
            Target(
                "notice",
                "/staff/cases/notices/new/",
                "scan",
                {
                    "organ": KnownAuthority.objects.get(name="罗定市人民法院").pk,
                    "notice_number": "罗法援通〔2026〕15号",
                    "notice_date": today,
                    "received_on": today,
                    "person_name": "李四",
                    "person_birth_date": "1990-01-01",
                    "charge": "盗窃罪",
                    "stage": "trial",
                    "ground": NoticeGround.objects.filter(is_active=True).first().pk,
                },
            ),
            as_(Role.CLERK),
        ),
        (
            Target(
                "publicity",
                "/staff/quality/publicity/new/",
                "photos",
                {
                    "held_on": today,
                    "place": "罗城",
                    "form": "lecture",
                    "people_reached": "10",
                    "materials_handed_out": "0",
                },
            ),
            as_(Role.CLERK),
        ),
    ]


CJK = re.compile(r"[\u4e00-\u9fff]")


def refusal_messages(response) -> list[str]:
    """The messages the user is shown: form errors (by field or above the form), or the page's alert."""
    messages: list[str] = []
    for context in response.context or []:
        for value in context.dicts if hasattr(context, "dicts") else [context]:
            for item in value.values() if isinstance(value, dict) else []:
                if isinstance(item, BaseForm) and item.is_bound and item.errors:
                    messages.extend(str(m) for errors in item.errors.values() for m in errors)
    if not messages:
        alert = re.search(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', response.content.decode(), re.S)
        if alert:
            messages.append(re.sub(r"<[^>]+>", "", alert.group(1)))
    return messages


def domain_rows() -> dict[str, int]:
    return {
        "applications": Application.objects.count(),
        "materials": Material.objects.count(),
        "closure materials": ClosureMaterial.objects.count(),
        "cases": Case.objects.count(),
        "notices": Notice.objects.count(),
        "publicity": PublicityActivity.objects.count(),
        "photos": PublicityPhoto.objects.count(),
    }


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_every_hostile_upload_is_refused_through_every_form(client, personas, limits, tmp_path):
    targets = _targets(client, personas)
    assert not files_under(tmp_path), "the setup stores no files"
    rows = domain_rows()
    outcomes: dict[tuple[str, str], str] = {}
    for target, sign_in in targets:
        for hostile in CORPUS:
            sign_in()
            data = {**target.data, target.field: hostile.uploads()}
            if "submission_token" in data:
                data["submission_token"] = str(uuid.uuid4())  # a fresh page for each file
            response = client.post(target.path, data)
            key = (target.label, hostile.label)
            messages = refusal_messages(response)
            if response.status_code >= 500:
                outcomes[key] = f"server error {response.status_code}"
            elif 300 <= response.status_code < 400:
                outcomes[key] = "accepted"
            elif not messages or not all(CJK.search(message) for message in messages):
                outcomes[key] = f"refused without a Chinese message: {messages!r}"
    assert outcomes == {}
    assert domain_rows() == rows
    assert Application.objects.get(pk=_waiting_pk()).status == Status.AWAITING_SUPPLEMENT
    assert not files_under(tmp_path)
    assert not Path("/tmp/evil.html").exists()


def test_each_form_takes_a_good_file(client, personas, limits):
    """The refusals above are the files' doing: the same posts with a good file go through (each on
    its own new objects: a 补正 taken in on /track/ is no longer waiting at the window)."""
    for index in range(len(_targets(client, personas))):
        target, sign_in = _targets(client, personas)[index]
        sign_in()
        good = SimpleUploadedFile("照片.png", PNG) if target.field == "photos" else SimpleUploadedFile("证明.pdf", PDF)
        data = {**target.data, target.field: [good]}
        if "submission_token" in data:
            data["submission_token"] = str(uuid.uuid4())
        response = client.post(target.path, data)
        assert response.status_code == 302, (target.label, refusal_messages(response))


def _waiting_pk() -> int:
    return Application.objects.filter(status=Status.AWAITING_SUPPLEMENT).values_list("pk", flat=True).get()


def test_the_corpus_messages_name_what_is_wrong(client, db, limits):
    """A few refusals read in full, as an applicant sees them on /apply/."""
    expected = {
        "pdf-openaction-javascript": "PDF文件“申请书.pdf”含有脚本、自动操作或嵌入文件，不能接收。",
        "png-100000x100000": "图片“照片.png”尺寸过大（最多100万像素），请缩小后重新上传。",
        "pdf-html-polyglot": "PDF文件“申请书.pdf”含有脚本、自动操作或嵌入文件，不能接收。",
        "html-after-png-header": "图片“照片.png”已损坏或不是完整的JPG、PNG图片，请重新选择。",
        "double-extension": "文件“证明.pdf.exe”的扩展名不是 .pdf、.jpg 或 .png，请重新选择。",
        "rtl-override-name": "文件“报告fdp.exe”的扩展名不是 .pdf、.jpg 或 .png，请重新选择。",
        "300-character-name": "文件名“" + "材" * 40 + "…”过长（255个字符，最多200个），请改短后重新上传。",
        "limit-plus-one-byte": "文件“扫描.pdf”超过64 KB，请压缩后重新上传。",
        "too-many-files": "一次最多上传3个文件（本次4个），请精简后重新提交。",
    }
    corpus = {hostile.label: hostile for hostile in CORPUS}
    for label, message in expected.items():
        response = client.post("/apply/", {**form_data(), "identity_files": corpus[label].uploads()})
        errors = response.context["form"].errors["identity_files"]
        assert any(error.startswith(message) for error in errors), (label, errors)


# --- what is kept of an acceptable file --------------------------------------------------------------
def test_an_image_is_stored_re_encoded_without_what_trails_it(personas):
    trailing = image_bytes("PNG", size=(8, 8)) + HTML
    application = services.submit_application(
        data=_service_data(), uploads={"identity": [SimpleUploadedFile("照片.png", trailing)]}, receiving_office=None
    )
    material = application.materials.get()
    stored = material.file.read()
    assert HTML not in stored and stored.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(stored)).size == (8, 8)
    assert material.size == len(stored)


def test_location_metadata_is_not_kept(personas):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (22.0, 55.0, 0.0)}  # GPS: where the photo was taken
    photo = image_bytes("JPEG", size=(8, 8), exif=exif)
    assert b"Exif" in photo
    application = services.submit_application(
        data=_service_data(), uploads={"identity": [SimpleUploadedFile("身份证.jpg", photo)]}, receiving_office=None
    )
    assert b"Exif" not in application.materials.get().file.read()


def test_a_pdf_that_opens_at_a_page_is_accepted(db):
    """Office suites write "/OpenAction [page /Fit]": a destination, not an action."""
    from core.uploads import validate_upload

    def open_at_first_page(writer: PdfWriter) -> None:
        writer._root_object[name("/OpenAction")] = ArrayObject([writer.pages[0].indirect_reference, name("/Fit")])

    assert validate_upload(SimpleUploadedFile("判决书.pdf", pdf_with(open_at_first_page))) == "pdf"


def test_a_traversal_name_on_a_good_file_is_stored_under_a_random_name(personas, tmp_path, settings):
    application = services.submit_application(
        data=_service_data(),
        uploads={"identity": [SimpleUploadedFile("../../../etc/身份证.pdf", PDF)]},
        receiving_office=None,
    )
    material = application.materials.get()
    assert material.original_name == "身份证.pdf"
    assert [path.parent for path in files_under(tmp_path)] == [
        Path(settings.MEDIA_ROOT) / Path(material.file.name).parent
    ]


def test_every_upload_is_served_as_a_download(client, personas):
    application = services.submit_application(
        data=_service_data(), uploads={"identity": [SimpleUploadedFile("扫描件.pdf", PNG)]}, receiving_office=None
    )
    material = application.materials.get()
    client.force_login(personas[(Role.CLERK, "luoding")])
    response = client.get(f"/staff/materials/{material.pk}/")
    assert response["Content-Disposition"].startswith("attachment;")
    # A PNG sent as "扫描件.pdf" is downloaded as what it is.
    assert "filename*=utf-8''%E6%89%AB%E6%8F%8F%E4%BB%B6.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"


def _service_data() -> dict:
    from tests.applications.factories import service_data

    return service_data()
