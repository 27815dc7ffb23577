"""Uploaded files (training materials, declaration attachments): checked by content, stored once by hash."""
