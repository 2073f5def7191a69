"""Deterministic WET-like sample files for the Spark examples' tests and benchmark.

Writes a ``warcinfo`` record followed by ``WARC-Type: conversion`` records in Common Crawl's WET
layout (CRLF header lines, an empty line, the page text ending in ``\\n``, then ``\\r\\n\\r\\n``),
with multi-byte UTF-8 text so byte lengths differ from character counts. Returns what a correct
mapper + reducer must find (pages and bytes per language), computed here in plain Python.
"""

from __future__ import annotations

import gzip
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("eng", "deu", "fra", "jpn", "spa")
_WORDS = {
    "eng": "the data lake stores every record and spark maps them quickly".split(),
    "deu": "der See speichert jeden Datensatz schnell über große Dateien".split(),
    "fra": "le lac de données garde chaque enregistrement très vite".split(),
    "jpn": "データ レイク は すべて の 記録 を 保存 します".split(),
    "spa": "el lago de datos guarda cada registro más rápido".split(),
}


@dataclass
class WetSample:
    """Expected results for a generated file: pages, language -> pages, language -> text bytes."""

    pages: int = 0
    records_by_language: Counter[str] = field(default_factory=Counter)
    bytes_by_language: Counter[str] = field(default_factory=Counter)
    urls: list[str] = field(default_factory=list)

    def merge(self, other: WetSample) -> WetSample:
        self.pages += other.pages
        self.records_by_language.update(other.records_by_language)
        self.bytes_by_language.update(other.bytes_by_language)
        self.urls.extend(other.urls)
        return self


def _record(headers: list[tuple[str, str]], text: str) -> bytes:
    body = text.encode("utf-8")
    lines = ["WARC/1.0", *(f"{k}: {v}" for k, v in headers), f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body + b"\r\n\r\n"


def wet_bytes(pages: int, seed: int = 0, url_prefix: str = "http://example.com/") -> tuple[bytes, WetSample]:
    """A WET file of ``pages`` conversion records (plus a leading warcinfo record) and its expectations."""
    records, expected = wet_records(pages, seed, url_prefix)
    return b"".join(records), expected


def wet_gzip_members(pages: int, seed: int = 0) -> tuple[bytes, WetSample]:
    """The same file as Common Crawl ships a ``.warc.wet.gz``: one gzip member per WARC record."""
    records, expected = wet_records(pages, seed)
    return b"".join(gzip.compress(record, compresslevel=1, mtime=0) for record in records), expected


def wet_records(pages: int, seed: int = 0, url_prefix: str = "http://example.com/") -> tuple[list[bytes], WetSample]:
    """The WARC records of :func:`wet_bytes`, one ``bytes`` each (the warcinfo record first)."""
    rng = random.Random(seed)
    expected = WetSample()
    chunks = [_record([("WARC-Type", "warcinfo"), ("WARC-Date", "2023-11-28T08:34:43Z"),
                       ("WARC-Filename", f"sample-{seed}.warc.wet.gz"),
                       ("WARC-Record-ID", f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128))}>"),
                       ("Content-Type", "application/warc-fields")],
                      "Software-Info: letsdata-sample\r\nisPartOf: CC-MAIN-SAMPLE\r\n")]
    for index in range(pages):
        language = LANGUAGES[rng.randrange(len(LANGUAGES))]
        words = _WORDS[language]
        lines = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 16))) for _ in range(rng.randint(1, 8))]
        text = "\n".join(lines) + "\n"
        url = f"{url_prefix}{seed}/{index}"
        headers = [
            ("WARC-Type", "conversion"),
            ("WARC-Target-URI", url),
            ("WARC-Date", "2023-11-28T08:47:52Z"),
            ("WARC-Record-ID", f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128))}>"),
            ("WARC-Refers-To", f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128))}>"),
            ("WARC-Block-Digest", f"sha1:{rng.getrandbits(160):040x}"),
            ("WARC-Identified-Content-Language", language),
            ("Content-Type", "text/plain"),
        ]
        chunks.append(_record(headers, text))
        # The record separator "\n\r\n\r\n" consumes the text's final newline.
        expected.pages += 1
        expected.records_by_language[language] += 1
        expected.bytes_by_language[language] += len(text.encode("utf-8"))
        expected.urls.append(url)
    return chunks, expected


def write_wet_file(path: str | Path, pages: int, seed: int = 0, compress: bool | None = None) -> WetSample:
    """Write a sample WET file (gzip when the name ends in ``.gz``) and return its expectations."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data, expected = wet_bytes(pages, seed)
    if compress if compress is not None else target.suffix == ".gz":
        data = gzip.compress(data, compresslevel=1)
    target.write_bytes(data)
    return expected


def write_wet_files(directory: str | Path, target_bytes: int, pages_per_file: int = 20_000,
                    seed: int = 0) -> tuple[list[Path], WetSample]:
    """Uncompressed WET files under ``directory`` totalling at least ``target_bytes`` (benchmarks)."""
    base = Path(directory)
    base.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    expected = WetSample()
    written = 0
    while written < target_bytes:
        path = base / f"part-{len(paths):04d}.warc.wet"
        expected.merge(write_wet_file(path, pages_per_file, seed=seed + len(paths)))
        written += path.stat().st_size
        paths.append(path)
    return paths, expected
