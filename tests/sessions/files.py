"""Small sample files of every accepted type, and hostile ones, built in memory."""

import io
import zipfile


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES = b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 32
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 24
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free" + b"\x00" * 64
DOCX = _zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"})
PPTX = _zip({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": b"<p:presentation/>"})
XLSX = _zip({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"})

GOOD = {
    "bai-giang.pdf": PDF,
    "anh-lop-hoc.png": PNG,
    "anh.jpg": JPEG,
    "anh.webp": WEBP,
    "video-huong-dan.mp4": MP4,
    "tai-lieu.docx": DOCX,
    "trinh-chieu.pptx": PPTX,
    "danh-sach.xlsx": XLSX,
}

SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
SVG_BARE = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
HTML_LOWER = b"  <html><img src=x onerror=alert(1)></html>"
PLAIN_ZIP = _zip({"readme.txt": b"hello"})
DOCM = _zip(
    {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\x00"}
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
TEXT = "Chỉ là văn bản thường".encode()
