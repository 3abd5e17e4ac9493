"""Generated inputs for the ingest torture tests (not a test module).

Good articles are conflict-news paragraphs composed from sentence templates with varied
actors, places and figures (each text distinct enough not to be a near-duplicate of
another), written in every format `tocsin ingest` reads. Bad inputs are 38 kinds of
malformed, empty, junk or pathological files, each of which must end as an error naming
its file. `write_corpus` lays out both in a folder; the CI-sized suite and the full-size
script (`scripts/ingest_torture.py`) use the same kinds at different sizes.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ACTORS = [
    "Kataib Hezbollah", "Iraqi security forces", "the Islamic State group", "Houthi rebels",
    "the Saudi-led coalition", "Turkish forces", "the PKK", "Syrian government forces",
    "Hezbollah", "the Israeli military", "al-Shabaab", "Somali troops", "the Taliban",
    "Afghan special forces", "Russian forces", "Ukrainian troops", "the Popular "
    "Mobilization Forces", "Asa'ib Ahl al-Haq", "the Syrian Democratic Forces", "Hamas",
]
PLACES = [
    "Baghdad", "Kirkuk", "Mosul", "Aden", "Marib", "Hodeidah", "Idlib", "Aleppo",
    "Deir ez-Zor", "Mogadishu", "Kandahar", "Kharkiv", "Donetsk", "Sinjar", "Erbil",
    "Sanaa", "Raqqa", "Basra", "Fallujah", "Tikrit", "Homs", "Kismayo", "Helmand", "Mariupol",
]
WEAPONS = ["a roadside bomb", "mortar rounds", "an armed drone", "Katyusha rockets",
           "a car bomb", "artillery", "small-arms fire", "a suicide bomber", "air strikes",
           "anti-tank missiles"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
TEMPLATES = [
    "{a} attacked a checkpoint manned by {b} near {p} on {d}, killing {n} people and "
    "wounding {m} others, local officials said.",
    "A spokesman for {b} accused {a} of firing {w} at residential areas of {p} late on {d}.",
    "{a} said in a statement that it had captured {n} fighters from {b} during a raid "
    "on a village south of {p}.",
    "Witnesses in {p} reported heavy clashes between {a} and {b} that lasted until dawn.",
    "The governor of {p} called on {a} to withdraw from the town and allow aid convoys "
    "to reach {m} displaced families.",
    "{a} denied carrying out the strike on a market in {p}, blaming {b} for the deaths "
    "of {n} civilians.",
    "At least {n} members of {b} were killed when {w} struck their convoy on the road "
    "between {p} and {q}, a security source told reporters.",
    "{a} threatened to retaliate against {b} if the shelling of {p} did not stop by the "
    "end of the week.",
    "Delegations from {a} and {b} met in {q} on {d} to discuss a prisoner exchange, "
    "according to mediators.",
    "Medical staff at the main hospital in {p} said they had received {m} wounded, "
    "including {n} children, after {w} hit the area.",
    "{a} imposed a curfew on {p} after {n} of its officers were shot dead at a market.",
    "The United Nations condemned the attack on {p} and urged {a} and {b} to respect "
    "the ceasefire agreed in {q} last {mo}.",
    "{b} claimed responsibility for an ambush near {p} in which {n} soldiers from {a} "
    "died, in a message posted on its channels.",
    "Residents fled {p} on {d} as {a} advanced towards the outskirts of the city, "
    "aid groups said.",
    "{a} released {n} detainees held since the fighting in {q} in {mo}, a move {b} "
    "welcomed as a first step.",
    "Officials in {q} said {a} had sent reinforcements to {p} after {b} seized two "
    "villages on {d}.",
]


def article(i: int) -> tuple[str, str]:
    """The i-th good article: (title, text). Deterministic; no two are near-duplicates."""
    rng = random.Random(1000 + i)
    a, b = rng.sample(ACTORS, 2)
    p, q = rng.sample(PLACES, 2)
    mo = rng.choice(MONTHS)
    lead = (f"{p.upper()}, {mo} {rng.randint(1, 28)} — ")
    sentences = []
    for t in rng.sample(TEMPLATES, 5):
        sentences.append(t.format(a=a, b=b, p=p, q=q, d=rng.choice(DAYS),
                                  n=rng.randint(2, 40), m=rng.randint(3, 90),
                                  w=rng.choice(WEAPONS), mo=mo))
        a, b = (b, a) if rng.random() < 0.3 else (a, b)
    text = lead + " ".join(sentences[:3]) + "\n\n" + " ".join(sentences[3:])
    first = sentences[0]
    title = first[0].upper() + first[1:60].rstrip(" ,") + "…"
    return title, text


def _html(title: str, text: str) -> bytes:
    paras = "".join(f"<p>{x}</p>" for x in text.split("\n\n"))
    return (f"<!doctype html><html><head><title>{title}</title></head><body>"
            f"<nav>Home | World | Middle East</nav><article><h1>{title}</h1>{paras}"
            "</article><footer>© News Agency</footer></body></html>").encode()


def _rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><guid>{g}</guid><pubDate>Tue, 07 Jan 2020 10:00:00 GMT"
        f"</pubDate><description><![CDATA[{x}]]></description></item>" for g, t, x in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
            f"{body}</channel></rss>").encode()


def _telegram(messages: list[object], name: str = "Front line news") -> bytes:
    msgs = [{"id": n + 1, "type": "message", "date": "2020-01-07T10:00:00", "text": m}
            for n, m in enumerate(messages)]
    return json.dumps({"name": name, "type": "public_channel", "id": 77,
                       "messages": msgs}).encode()


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode()


def good_files(start: int = 0) -> dict[str, bytes]:
    """50 good articles in every format; two CSVs and two JSONL files reuse ids 1 and 2."""
    arts = iter(article(start + i) for i in range(50))
    files: dict[str, bytes] = {}
    for n in range(20):
        title, text = next(arts)
        files[f"good/text-{n:02d}.txt"] = f"{title}\n\n{text}\n".encode()
    for n in range(6):
        files[f"good/page-{n}.html"] = _html(*next(arts))
    for n in range(2):  # both use ids 1 and 2: neither file may overwrite the other
        rows = [{"id": str(k), "title": t, "published": "2020-01-07", "text": x}
                for k, (t, x) in enumerate([next(arts), next(arts)], 1)]
        files[f"good/outlet-{n}.csv"] = _csv(rows)
        files[f"good/wire-{n}.jsonl"] = b"".join(
            json.dumps({"id": k, "title": t, "text": x}).encode() + b"\n"
            for k, (t, x) in enumerate([next(arts), next(arts)], 1))
        files[f"good/records-{n}.json"] = json.dumps(
            [{"id": f"rec-{n}-{k}", "title": t, "text": x}
             for k, (t, x) in enumerate([next(arts), next(arts)])]).encode()
        files[f"good/feed-{n}.rss"] = _rss([(f"urn:item:{n}:{k}", t, x) for k, (t, x)
                                            in enumerate([next(arts), next(arts)])])
        files[f"good/channel-{n}.json"] = _telegram([next(arts)[1], next(arts)[1]],
                                                    f"Channel {n}")
    for n in range(4):
        title, text = next(arts)
        files[f"good/utf16-{n}.txt"] = f"{title}\n\n{text}\n".encode("utf-16")
    assert next(arts, None) is None
    return files


# --- bad inputs: (file name, bytes), one generator per kind -----------------------------
Gen = Callable[[random.Random, int], tuple[str, bytes]]


@dataclass(frozen=True)
class Kind:
    name: str
    make: Gen
    big: bool = False  # large or slow to make: fewer copies in CI
    tags: tuple[str, ...] = field(default_factory=tuple)


def _prose(rng: random.Random, chars: int) -> str:
    parts, n = [], 0
    while n < chars:
        _, text = article(rng.randint(0, 10_000))
        parts.append(text)
        n += len(text) + 2
    return "\n\n".join(parts)[:chars]


def _tg(value: object) -> Gen:
    return lambda rng, i: (f"tg-{i}.json", _telegram([value]))


def _rec(rec: dict[str, object], ext: str = "json") -> Gen:
    def make(rng: random.Random, i: int) -> tuple[str, bytes]:
        data = json.dumps(rec).encode()
        return f"rec-{i}.{ext}", data + (b"\n" if ext == "jsonl" else b"")
    return make


def _good_text(rng: random.Random) -> str:
    return article(rng.randint(0, 10_000))[1]


KINDS: list[Kind] = [
    Kind("empty-txt", lambda r, i: (f"e-{i}.txt", b"")),
    Kind("blank-txt", lambda r, i: (f"b-{i}.txt", b" \n\t \r\n" * r.randint(1, 50))),
    Kind("binary-txt", lambda r, i: (f"bin-{i}.txt", bytes(r.randrange(256)
                                                           for _ in range(2000)) + b"\0")),
    Kind("latin1-txt", lambda r, i: (f"l-{i}.txt", ("Café bombé à Mossoul. " * 20)
                                     .encode("latin-1"))),
    Kind("bad-utf16", lambda r, i: (f"u-{i}.txt", b"\xff\xfe" + b"a\x00" * 5 + b"\x00\xd8")),
    Kind("controls-only", lambda r, i: (f"c-{i}.txt", bytes(
        r.choice([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 27, 127]) for _ in range(r.randint(1, 8))))),
    Kind("zero-width", lambda r, i: (f"z-{i}.txt", ("\u200b\u200c\u200d\u2060" * 40)
                                     .encode())),
    Kind("emoji-run", lambda r, i: (f"emoji-{i}.txt", ("🔥💥" * 8000).encode()), big=True),
    Kind("symbols", lambda r, i: (f"s-{i}.txt", ("!@#$%^&*()_+=~" * 2000).encode())),
    Kind("hyphen-word", lambda r, i: (f"h-{i}.txt", "-".join(
        ["ab"] * 135_000).encode()), big=True),
    Kind("combining-run", lambda r, i: (f"zalgo-{i}.txt", ("a" + "\u0301" * 100_000)
                                        .encode()), big=True),
    Kind("oversize-text", lambda r, i: (f"big-{i}.txt", _prose(r, 2_100_000).encode()),
         big=True),
    Kind("html-empty", lambda r, i: (f"he-{i}.html", b"<html><body>  </body></html>")),
    Kind("html-nested", lambda r, i: (f"hn-{i}.html", b"<html><body>" + b"<div>" * 50_000
                                      + b"</body></html>"), big=True),
    Kind("json-malformed", lambda r, i: (f"jm-{i}.json", b'{"id": 1, "text": "Rockets hit')),
    Kind("json-scalar", lambda r, i: (f"js-{i}.json", str(r.randint(0, 99)).encode())),
    Kind("json-text-number", _rec({"id": "n1", "text": 12345})),
    Kind("json-text-list", _rec({"id": "l1", "text": ["nested"]})),
    Kind("json-id-object", lambda r, i: (f"jo-{i}.json", json.dumps(
        {"id": {"a": 1}, "text": _good_text(r)}).encode())),
    Kind("json-id-list", lambda r, i: (f"jl-{i}.jsonl", json.dumps(
        {"id": [1, 2], "text": _good_text(r)}).encode() + b"\n")),
    Kind("json-text-stringified", _rec({"id": "s1", "text": "['nested', 'list']"}, "jsonl")),
    Kind("json-nul-text", _rec({"id": "z1", "text": "\u0000\u0000\u0000"}, "jsonl")),
    Kind("json-deep", lambda r, i: (f"jd-{i}.json", b"[" * 100_000)),
    Kind("json-bigint", lambda r, i: (f"jb-{i}.jsonl", b'{"id": 1, "text": ' + b"9" * 5000
                                      + b"}\n")),
    Kind("jsonl-broken-lines", lambda r, i: (f"jx-{i}.jsonl", b'{"id": "a", "text": "cut\n'
                                             b'{"id": "b", "text": "Caf\xe9"}\n')),
    Kind("csv-no-text-column", lambda r, i: (f"cn-{i}.csv", b"id,title\n1,Strike\n")),
    Kind("csv-empty-text", lambda r, i: (f"ce-{i}.csv", b"id,text\n1,\n2,   \n")),
    Kind("csv-junk-id", lambda r, i: (f"cj-{i}.csv", _csv(
        [{"id": "{'a': 1}", "text": _good_text(r)}]))),
    Kind("rss-empty", lambda r, i: (f"re-{i}.rss", b"")),
    Kind("atom-empty", lambda r, i: (f"ae-{i}.atom", b"")),
    Kind("xml-empty", lambda r, i: (f"xe-{i}.xml", b"")),
    Kind("not-a-feed", lambda r, i: (f"nf-{i}.xml", b"<notafeed/>")),
    Kind("rss-no-items", lambda r, i: (f"rn-{i}.rss", b'<?xml version="1.0"?><rss '
                                       b'version="2.0"><channel><title>W</title></channel>'
                                       b"</rss>")),
    Kind("rss-item-no-text", lambda r, i: (f"rt-{i}.rss", b'<?xml version="1.0"?><rss '
                                           b'version="2.0"><channel><item><title>Only a '
                                           b"title</title></item></channel></rss>")),
    Kind("billion-laughs", lambda r, i: (f"bl-{i}.xml", (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
            f'<!ENTITY lol{k} "{("&lol" + str(k - 1) + ";") * 10 if k > 1 else "&lol;" * 10}">'
            for k in range(1, 10)) + ']><rss version="2.0"><channel><item><description>'
        "&lol9;</description></item></channel></rss>").encode())),
    Kind("tg-text-number", _tg(42)),
    Kind("tg-text-bool", _tg(True)),
    Kind("tg-text-object", _tg({"a": 1})),
    Kind("tg-text-nested", _tg([{"type": "bold", "text": ["nested"]}])),
    Kind("x-empty-posts", lambda r, i: (f"x-{i}.json", json.dumps(
        {"data": [{"id": "1", "text": ""}, {"id": "2", "text": "   "}]}).encode())),
]


def write_corpus(root: Path, copies: int = 1, big_copies: int | None = None
                 ) -> tuple[list[Path], list[Path]]:
    """Good files and `copies` of every bad kind (`big_copies` of the large ones) under
    `root`; returns (good paths, bad paths)."""
    good = []
    for rel, data in good_files().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        good.append(path)
    bad = []
    for k, kind in enumerate(KINDS):
        n = copies if not kind.big or big_copies is None else big_copies
        for i in range(n):
            name, data = kind.make(random.Random(k * 10_000 + i), i)
            path = root / "bad" / kind.name / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            bad.append(path)
    return good, bad
