"""Regenerate the bundled sample inputs: ``sample_logs.jsonl`` and ``sample.warc.wet``.

The files are committed; this script documents how they were made and lets a test check they have
not drifted (``python -m examples.data.generate_samples --check``). Output is deterministic (a
fixed random seed, fixed timestamps), so regenerating gives byte-identical files.

- ``sample_logs.jsonl``: 300 JSON-lines records from a made-up web service. About one in eight is a
  ``DEBUG`` record (skipped by the example parser) and three lines are malformed (a truncated line,
  a single-quoted key, a trailing comma), which become error docs. Some messages hold multi-byte
  UTF-8 text.
- ``sample.warc.wet``: a ``warcinfo`` record followed by six ``conversion`` records in English,
  Chinese, Japanese, German, Russian and Spanish, laid out as Common Crawl WET files are: CRLF
  header lines, an empty line, the page text (LF line ends, last line included), then ``\\r\\n\\r\\n``.
  ``Content-Length`` is the UTF-8 byte length of the text and ``WARC-Block-Digest`` its base32 SHA-1.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
LOGS_FILE = DATA_DIR / "sample_logs.jsonl"
WET_FILE = DATA_DIR / "sample.warc.wet"

LOG_RECORDS = 300
#: 0-based line numbers replaced by malformed JSON.
MALFORMED_LINES = {41: "truncated", 157: "single_quotes", 263: "trailing_comma"}

_SERVICES = ("checkout", "catalog", "auth", "search")
_PATHS = ("/api/cart", "/api/items", "/api/login", "/api/search", "/api/orders/{id}", "/health")
_USERS = ("alice", "bob", "zoë", "jürgen", "東京太郎", "мария", "josé")
_MESSAGES = {
    "INFO": (
        "request served",
        "cache hit",
        "order placed: {n} items",
        "search for 'café crème' returned {n}",
    ),
    "WARN": ("slow response from inventory", "retrying payment provider (attempt {n})", "rate limit near"),
    "ERROR": ("payment declined", "upstream timeout after {n} ms", "ユーザーが見つかりません"),
    "DEBUG": ("cache lookup key=item:{n}", "sql: SELECT * FROM items WHERE id={n}", "headers parsed"),
}


def log_lines() -> list[str]:
    """The sample log file's lines (each ends with a newline)."""
    rng = random.Random(20240202)
    start = datetime(2024, 2, 2, 9, 0, 0, tzinfo=UTC)
    lines: list[str] = []
    for i in range(LOG_RECORDS):
        level = rng.choices(("INFO", "WARN", "ERROR", "DEBUG"), weights=(70, 10, 6, 14))[0]
        status = {"INFO": 200, "WARN": 200, "ERROR": rng.choice((500, 502, 504)), "DEBUG": 200}[level]
        record = {
            "timestamp": (start + timedelta(milliseconds=i * 1375)).isoformat(timespec="milliseconds"),
            "level": level,
            "service": rng.choice(_SERVICES),
            "requestId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "method": rng.choice(("GET", "GET", "GET", "POST")),
            "path": rng.choice(_PATHS).format(id=rng.randint(1000, 9999)),
            "status": status,
            "latencyMs": round(rng.lognormvariate(3.5, 0.8), 2),
            "user": rng.choice(_USERS),
            "message": rng.choice(_MESSAGES[level]).format(n=rng.randint(1, 500)),
        }
        if i % 10 == 0:
            record["id"] = f"evt-{i:05d}"
        text = json.dumps(record, ensure_ascii=False)
        kind = MALFORMED_LINES.get(i)
        if kind == "truncated":
            text = text[: len(text) // 2]
        elif kind == "single_quotes":
            text = text.replace('"level"', "'level'")
        elif kind == "trailing_comma":
            text = text[:-1] + ", }"
        lines.append(text + "\n")
    return lines


_PAGES = (
    (
        "http://shop.example.com/teapots/classic-white",
        "eng",
        "Classic white teapot\nA porcelain teapot for four cups.\n"
        "Free delivery over 30 EUR\nReviews (12)\n\u201cPerfect for a slow Sunday.\u201d",
    ),
    (
        "http://news.example.cn/tech/2022/0516.html",
        "zho",
        "\u79d1\u6280\u65b0\u95fb\n"
        "\u672c\u5468\u53d1\u5e03\u7684\u65b0\u578b\u7535\u6c60\u7eed\u822a\u63d0\u5347\u4e8630%\n"
        "\u7f51\u7ad9\u9996\u9875 | \u5173\u4e8e\u6211\u4eec | \u8054\u7cfb\u6211\u4eec",
    ),
    (
        "http://blog.example.jp/entry/kyoto-autumn",
        "jpn,eng",
        "\u4eac\u90fd\u306e\u79cb\n"
        "\u7d05\u8449\u304c\u898b\u9803\u3067\u3059\u3002Kyoto in autumn.\n"
        "\u30b3\u30e1\u30f3\u30c8 (3)\n\u00a9 2022 example blog",
    ),
    (
        "http://verein.example.de/aktuelles/sommerfest",
        "deu",
        "Sommerfest am Stra\u00dfenrand\n"
        "Gr\u00fc\u00dfe an alle Mitglieder \u2013 wir freuen uns auf euch!\nAnmeldung bis 30. Juni\nImpressum",
    ),
    (
        "http://forum.example.ru/t/12345",
        "rus",
        "\u0422\u0435\u043c\u0430: \u043f\u043e\u0433\u043e\u0434\u0430 "
        "\u0432 \u041c\u043e\u0441\u043a\u0432\u0435\n\u0417\u0430\u0432\u0442\u0440\u0430 \u043e\u0431\u0435"
        "\u0449\u0430\u044e\u0442 \u0441\u043d\u0435\u0433 \u2744\ufe0f\n\u041e\u0442\u0432\u0435\u0442\u0438"
        "\u0442\u044c",
    ),
    (
        "http://recetas.example.es/paella-valenciana",
        "spa",
        "Paella valenciana \U0001f958\n"
        "Ingredientes: arroz, azafr\u00e1n, jud\u00edas verdes, garrof\u00f3n\n"
        "Tiempo: 45 min \u00b7 Dificultad: media",
    ),
)


def _block_digest(body: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _record(headers: list[tuple[str, str]], body: bytes) -> bytes:
    lines = ["WARC/1.0", *(f"{k}: {v}" for k, v in headers), f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body + b"\r\n\r\n"


def wet_bytes() -> bytes:
    """The sample WET file's content."""
    rng = random.Random(2022)

    def record_id() -> str:
        return f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>"

    info = b"Software-Info: example-generator/1.0\r\nExtracted-Date: Mon, 16 May 2022 04:00:00 GMT\r\n"
    out = [
        _record(
            [
                ("WARC-Type", "warcinfo"),
                ("WARC-Date", "2022-05-16T04:00:00Z"),
                ("WARC-Filename", "sample.warc.wet.gz"),
                ("WARC-Record-ID", record_id()),
                ("Content-Type", "application/warc-fields"),
            ],
            info,
        )
    ]
    for n, (url, language, text) in enumerate(_PAGES):
        body = (text + "\n").encode("utf-8")
        out.append(
            _record(
                [
                    ("WARC-Type", "conversion"),
                    ("WARC-Target-URI", url),
                    ("WARC-Date", f"2022-05-16T04:{17 + n:02d}:02Z"),
                    ("WARC-Record-ID", record_id()),
                    ("WARC-Refers-To", record_id()),
                    ("WARC-Block-Digest", _block_digest(body)),
                    ("WARC-Identified-Content-Language", language),
                    ("Content-Type", "text/plain"),
                ],
                body,
            )
        )
    return b"".join(out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ")
    args = parser.parse_args(argv)
    expected = {LOGS_FILE: "".join(log_lines()).encode("utf-8"), WET_FILE: wet_bytes()}
    stale = [path.name for path, data in expected.items() if not path.exists() or path.read_bytes() != data]
    if args.check:
        if stale:
            sys.stderr.write(
                f"stale sample files: {', '.join(stale)}; run python -m examples.data.generate_samples\n"
            )
        return 1 if stale else 0
    for path, data in expected.items():
        path.write_bytes(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
