"""Fax TIFFs built byte by byte, as a stranger's fax machine could send them."""

from __future__ import annotations

import struct


def many_page_tiff(pages: int, page_bytes: int, strips: int = 1) -> bytes:
    """A little-endian G3 fax TIFF of ``pages`` pages of ``page_bytes`` coded bytes each, in
    ``strips`` strips, every page's resolution and strips stored out of line after its data."""
    out = bytearray(b"II*\x00" + struct.pack("<I", 0))
    previous_link = 4
    for _ in range(pages):
        data_at = len(out)
        out += b"\x00" * page_bytes
        strip = page_bytes // strips
        offsets_at = len(out)
        out += struct.pack(f"<{strips}I", *(data_at + i * strip for i in range(strips)))
        counts_at = len(out)
        out += struct.pack(f"<{strips}I", *[strip] * strips)
        resolution_at = len(out)
        out += struct.pack("<IIII", 204, 1, 196, 1)
        entries = [(256, 3, 1, 1728), (257, 3, 1, 2000), (259, 3, 1, 3),
                   (273, 4, strips, offsets_at if strips > 1 else data_at),
                   (279, 4, strips, counts_at if strips > 1 else strip),
                   (282, 5, 1, resolution_at), (283, 5, 1, resolution_at + 8)]
        if len(out) % 2:
            out += b"\x00"
        struct.pack_into("<I", out, previous_link, len(out))
        out += struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *entry) for entry in entries)
        previous_link = len(out)
        out += b"\x00" * 4
    return bytes(out)


class CountedBytes(bytes):
    """Bytes that count what slicing them copies."""

    copied = 0

    def __getitem__(self, key):
        part = super().__getitem__(key)
        if isinstance(key, slice):
            type(self).copied += len(part)
        return part
