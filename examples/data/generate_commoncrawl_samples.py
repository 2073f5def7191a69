"""Generate Common Crawl-shaped segments: a WARC, a WAT and a WET file describing the same pages.

The committed sample (``examples/data/commoncrawl/sample.warc`` / ``.warc.wat`` / ``.warc.wet``) is
made by ``python -m examples.data.generate_commoncrawl_samples``; ``--check`` fails if it drifted.
Larger segments (the benchmark's >= 100 MB WARC file) come from :func:`write_segment`. Output is
deterministic: fixed dates, record ids derived from the URL.

Layout, as in Common Crawl:

* WARC: ``warcinfo``; per page ``request``, ``response`` (an HTML page), ``metadata`` (fetch time,
  detected charset, CLD2 languages);
* WAT: ``warcinfo``; a ``metadata`` record about the WARC warcinfo; per page three ``metadata``
  records (JSON) about the request, the response (title, meta tags, links) and the metadata record;
* WET: ``warcinfo``; per page with text a ``conversion`` record holding the page text.

Each record is followed by ``\\r\\n\\r\\n``; ``gzip=True`` compresses every record as its own gzip
member, as Common Crawl does. Faults make the error paths reachable: ``bad_http`` pages get a
response whose HTTP status line is garbage, ``bad_wat`` pages get truncated WAT response JSON,
``no_text`` pages have no WET record.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "commoncrawl"
SAMPLE_PREFIX = "sample"
SAMPLE_PAGES = 16
#: faults of the committed sample, by page index
SAMPLE_FAULTS = {"bad_http": frozenset({3}), "bad_wat": frozenset({7}), "no_text": frozenset({11})}

DATE = "2024-02-02T10:00:00Z"
_LANGS = (("en", "eng", "ENGLISH"), ("fr", "fra", "FRENCH"), ("ja", "jpn", "JAPANESE"))


def page_url(index: int) -> str:
    return f"https://site{index % 5}.example/page/{index}"


def page_text(index: int, size: int = 0) -> str:
    """The page text (what the WET file holds); ``size`` pads it to about that many bytes."""
    text = f"Page {index} text — café {index} 東京 {index}\nSecond line of page {index}."
    if size > len(text):
        filler = f"\nFiller paragraph for page {index}: lorem ipsum dolor sit amet."
        text += filler * ((size - len(text)) // len(filler) + 1)
    return text


def _rid(url: str, kind: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, kind + ':' + url)}>"


def _record(headers: list[tuple[str, str]], payload: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    head += f"Content-Length: {len(payload)}\r\n\r\n"
    return head.encode("utf-8") + payload + b"\r\n\r\n"


def _html(index: int, text: str) -> bytes:
    url = page_url(index)
    return (f"<html><head><title>Page {index}</title>"
            f'<meta name="description" content="About page {index}">'
            f'<meta name="keywords" content="k{index},sample">'
            f'<meta property="og:title" content="OG page {index}">'
            f'<meta property="og:site_name" content="Site {index % 5}">'
            f'<link rel="canonical" href="{url}">'
            f'<link rel="icon" href="https://site{index % 5}.example/favicon.ico">'
            f"</head><body><p>{text}</p></body></html>").encode()


def _wat_json(url: str, described: str, payload_metadata: dict[str, object]) -> bytes:
    envelope = {"Format": "WARC", "WARC-Header-Metadata": {"WARC-Type": described, "WARC-Target-URI": url,
                                                             "WARC-Date": DATE},
                "Payload-Metadata": payload_metadata}
    return json.dumps({"Container": {"Filename": "sample.warc.gz"}, "Envelope": envelope},
                      ensure_ascii=False).encode("utf-8")


@dataclass
class Segment:
    """The three files' records (each entry one whole record, trailing CRLFs included)."""

    warc: list[bytes] = field(default_factory=list)
    wat: list[bytes] = field(default_factory=list)
    wet: list[bytes] = field(default_factory=list)


def _info(filename: str) -> bytes:
    fields = f"software: letsdata-sample-generator\r\nformat: WARC File Format 1.0\r\nfilename: {filename}\r\n"
    return _record([("WARC-Type", "warcinfo"), ("WARC-Date", DATE), ("WARC-Filename", filename),
                    ("WARC-Record-ID", _rid(filename, "warcinfo")), ("Content-Type", "application/warc-fields")],
                   fields.encode())


def page_records(index: int, text_size: int = 0, faults: dict[str, frozenset[int]] | None = None,
                 ) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """The WARC, WAT and WET records of one page."""
    faults = faults or {}
    url = page_url(index)
    text = page_text(index, text_size)
    code, iso3, name = _LANGS[index % len(_LANGS)]
    request = (f"GET /page/{index} HTTP/1.1\r\nHost: site{index % 5}.example\r\n\r\n").encode()
    body = _html(index, text)
    status = "HTTX/1.1 ???" if index in faults.get("bad_http", ()) else "HTTP/1.1 200 OK"
    response = f"{status}\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n".encode() + body
    languages = {"reliable": True, "text-bytes": len(text.encode()),
                 "languages": [{"code": code, "code-iso-639-3": iso3, "text-covered": 0.99, "score": 900.0,
                                "name": name}]}
    metadata = (f"fetchTimeMs: {100 + index}\r\ncharset-detected: UTF-8\r\n"
                f"languages-cld2: {json.dumps(languages)}\r\n").encode()
    common = [("WARC-Date", DATE), ("WARC-Target-URI", url)]
    warc = [
        _record([("WARC-Type", "request"), ("WARC-Record-ID", _rid(url, "request")), *common,
                 ("Content-Type", "application/http; msgtype=request")], request),
        _record([("WARC-Type", "response"), ("WARC-Record-ID", _rid(url, "response")), *common,
                 ("WARC-Concurrent-To", _rid(url, "request")),
                 ("Content-Type", "application/http; msgtype=response")], response),
        _record([("WARC-Type", "metadata"), ("WARC-Record-ID", _rid(url, "metadata")), *common,
                 ("WARC-Refers-To", _rid(url, "response")), ("Content-Type", "application/warc-fields")], metadata),
    ]
    head = {"Title": f"Page {index}",
            "Metas": [{"name": "description", "content": f"About page {index}"},
                      {"name": "keywords", "content": f"k{index},sample"},
                      {"property": "og:title", "content": f"OG page {index}"},
                      {"property": "og:site_name", "content": f"Site {index % 5}"}],
            "Link": [{"path": "LINK@/href", "url": url, "rel": "canonical"},
                     {"path": "LINK@/href", "url": f"https://site{index % 5}.example/favicon.ico", "rel": "icon"}]}
    response_json = _wat_json(url, "response", {
        "Actual-Content-Type": "application/http; msgtype=response",
        "HTTP-Response-Metadata": {"Response-Message": {"Status": "200"},
                                   "Headers": {"Content-Type": "text/html; charset=UTF-8"},
                                   "HTML-Metadata": {"Head": head}}})
    if index in faults.get("bad_wat", ()):
        response_json = response_json[: len(response_json) // 2]
    records = [{"Name": "fetchTimeMs", "Value": str(100 + index)}, {"Name": "charset-detected", "Value": "UTF-8"},
               {"Name": "languages-cld2", "Value": json.dumps(languages)}]
    wat_common = [("WARC-Date", DATE), ("WARC-Target-URI", url), ("Content-Type", "application/json")]
    wat = [
        _record([("WARC-Type", "metadata"), ("WARC-Record-ID", _rid(url, "wat-request")),
                 ("WARC-Refers-To", _rid(url, "request")), *wat_common],
                _wat_json(url, "request", {"Actual-Content-Type": "application/http; msgtype=request"})),
        _record([("WARC-Type", "metadata"), ("WARC-Record-ID", _rid(url, "wat-response")),
                 ("WARC-Refers-To", _rid(url, "response")), *wat_common], response_json),
        _record([("WARC-Type", "metadata"), ("WARC-Record-ID", _rid(url, "wat-metadata")),
                 ("WARC-Refers-To", _rid(url, "metadata")), *wat_common],
                _wat_json(url, "metadata", {"Actual-Content-Type": "application/warc-fields",
                                            "WARC-Metadata-Metadata": {"Metadata-Records": records}})),
    ]
    wet: list[bytes] = []
    if index not in faults.get("no_text", ()):
        wet.append(_record([("WARC-Type", "conversion"), ("WARC-Target-URI", url), ("WARC-Date", DATE),
                            ("WARC-Record-ID", _rid(url, "conversion")), ("WARC-Refers-To", _rid(url, "response")),
                            ("WARC-Identified-Content-Language", iso3), ("Content-Type", "text/plain")],
                           (text + "\n").encode("utf-8")))
    return warc, wat, wet


def header_records(prefix: str) -> tuple[list[bytes], list[bytes], list[bytes]]:
    warc_name = f"{prefix}.warc.gz"
    wat_info_about_warc = _record(
        [("WARC-Type", "metadata"), ("WARC-Date", DATE), ("WARC-Target-URI", warc_name),
         ("WARC-Record-ID", _rid(warc_name, "wat-warcinfo")), ("Content-Type", "application/json")],
        _wat_json(warc_name, "warcinfo", {"Actual-Content-Type": "application/warc-fields"}))
    return [_info(warc_name)], [_info(f"{prefix}.warc.wat.gz"), wat_info_about_warc], [_info(f"{prefix}.warc.wet.gz")]


def segment_records(pages: int, text_size: int = 0, faults: dict[str, frozenset[int]] | None = None,
                    prefix: str = SAMPLE_PREFIX) -> Iterator[tuple[list[bytes], list[bytes], list[bytes]]]:
    """The header records, then each page's records (streamed: big segments never sit in memory)."""
    yield header_records(prefix)
    for index in range(pages):
        yield page_records(index, text_size, faults)


def write_segment(directory: Path, pages: int, *, text_size: int = 0, gzip_records: bool = False,
                  faults: dict[str, frozenset[int]] | None = None, prefix: str = SAMPLE_PREFIX) -> dict[str, Path]:
    """Write ``<prefix>.warc``, ``.warc.wat``, ``.warc.wet`` (``.gz`` appended when gzipped); returns the paths."""
    suffix = ".gz" if gzip_records else ""
    paths = {"WARC": directory / f"{prefix}.warc{suffix}", "WAT": directory / f"{prefix}.warc.wat{suffix}",
             "WET": directory / f"{prefix}.warc.wet{suffix}"}
    encode: Callable[[bytes], bytes] = (lambda b: gzip.compress(b, compresslevel=6, mtime=0)) if gzip_records \
        else (lambda b: b)
    directory.mkdir(parents=True, exist_ok=True)
    with paths["WARC"].open("wb") as warc, paths["WAT"].open("wb") as wat, paths["WET"].open("wb") as wet:
        for warc_records, wat_records, wet_records in segment_records(pages, text_size, faults, prefix):
            for out, records in ((warc, warc_records), (wat, wat_records), (wet, wet_records)):
                for record in records:
                    out.write(encode(record))
    return paths


def sample_files() -> dict[str, bytes]:
    """The committed sample's file name -> content."""
    segment = Segment()
    for warc, wat, wet in segment_records(SAMPLE_PAGES, faults=SAMPLE_FAULTS):
        segment.warc += warc
        segment.wat += wat
        segment.wet += wet
    return {f"{SAMPLE_PREFIX}.warc": b"".join(segment.warc), f"{SAMPLE_PREFIX}.warc.wat": b"".join(segment.wat),
            f"{SAMPLE_PREFIX}.warc.wet": b"".join(segment.wet)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ")
    args = parser.parse_args(argv)
    stale = []
    for name, content in sample_files().items():
        path = DATA_DIR / name
        if args.check:
            if not path.exists() or path.read_bytes() != content:
                stale.append(name)
        else:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    if stale:
        sys.stderr.write(f"stale Common Crawl samples: {', '.join(stale)} (run python -m "
                         "examples.data.generate_commoncrawl_samples)\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
