"""Readers: the only layer that knows file formats, encodings and database drivers."""
