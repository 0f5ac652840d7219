"""Real files for upload tests, made here with the parsers the portal uses (pypdf, Pillow): a test
file must pass the same parsing an applicant's file does."""

import io

from PIL import Image
from pypdf import PdfWriter


def pdf_bytes(*, pages: int = 1) -> bytes:
    """A plain A4 PDF with `pages` blank pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str, *, size: tuple[int, int] = (4, 3), **save: object) -> bytes:
    """A small grey image in `fmt` ("PNG" or "JPEG")."""
    out = io.BytesIO()
    Image.new("RGB", size, (128, 128, 128)).save(out, fmt, **save)
    return out.getvalue()


PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
