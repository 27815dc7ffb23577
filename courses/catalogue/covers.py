"""Course cover pictures: PNG, JPEG or WebP by content, re-encoded as a small JPEG and stored by hash.

Re-encoding drops whatever else the file carried (metadata such as a GPS position included) and keeps
the course page light on a slow link. The stored file lives with the other uploads, outside static/.
"""

import io

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from lms.uploads.services import UploadError, sniff, store_upload

MAX_COVER_BYTES = 8 * 1024 * 1024
MAX_COVER_PIXELS = 40_000_000
COVER_BOX = (960, 540)
IMAGE_KINDS = ("png", "jpeg", "webp")


def store_cover(upload: FileStorage) -> str:
    """Check an uploaded picture, shrink it to fit COVER_BOX, store it as JPEG; return its SHA-256."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    stream = upload.stream
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise UploadError(_("Tệp rỗng (0 byte). Hãy chọn lại tệp."))
    if size > MAX_COVER_BYTES:
        raise UploadError(_("Ảnh bìa quá lớn (tối đa 8 MB)."))
    refused = UploadError(_("Ảnh bìa phải là ảnh PNG, JPEG hoặc WebP."))
    try:
        if sniff(stream) not in IMAGE_KINDS:
            raise refused
    except UploadError:
        raise refused from None
    try:
        with Image.open(stream) as probe:
            if probe.width * probe.height > MAX_COVER_PIXELS:
                raise UploadError(_("Ảnh bìa quá lớn (quá nhiều điểm ảnh)."))
            probe.verify()
        stream.seek(0)
        with Image.open(stream) as image:
            image.load()
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail(COVER_BOX)
            if picture.mode != "RGB":
                rgba = picture.convert("RGBA")
                picture = Image.new("RGB", rgba.size, (255, 255, 255))
                picture.paste(rgba, mask=rgba.getchannel("A"))
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=80, optimize=True, progressive=True)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise refused from exc
    out.seek(0)
    return store_upload(FileStorage(stream=out, filename="cover.jpg", content_type="image/jpeg")).sha256
