"""Backups: the database and the upload store with a manifest of checksums; verify; restore into an empty database."""
