"""``wirewash eval``: score the core against gold-annotated articles.

Gold files follow the development-corpus format (one JSON object per file: ``raw_body``,
``boilerplate``, ``gold_clean_body``, optional ``artefacts``, ``events``, ``quotes``).
Comparisons are made after NFKC, straight quotes and dashes, collapsed whitespace and
lower case, as the corpus README specifies.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from pipeline.core.chrome import Model
from pipeline.core.clean import CleanResult, clean_body
from pipeline.core.doc import LearnedLookup
from pipeline.core.events import ExtractedEvent, extract_events
from pipeline.learning import LearnedMemory
from pipeline.process import EVENT_LANGUAGES

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "‐": "-"})
_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+", re.UNICODE)
MECHANICAL = ("stray_fragment", "broken_quote", "duplicate_sentence", "untranslated", "bad_case")
SEMANTIC = ("calque", "other")


GOLD_KEYS = "raw_body, boilerplate and gold_clean_body"


class GoldError(ValueError):
    """A file that is not a gold file; the message says which and why, in one line."""


def _gold_problem(gold: Any) -> str | None:
    """Why a parsed JSON value is not a gold article, or None when it is one."""
    if not isinstance(gold, dict):
        return f"it holds a JSON {type(gold).__name__.replace('dict', 'object')}, not an object with {GOLD_KEYS}"
    if "raw_body" not in gold:
        if "body" in gold:
            return (
                f"it looks like a FeedItem (body, no raw_body); gold files hold {GOLD_KEYS} "
                "(to clean feed items, use wirewash clean)"
            )
        return f"no raw_body; gold files hold {GOLD_KEYS}"
    for key in ("raw_body", "gold_clean_body"):
        if not isinstance(gold.get(key), str):
            return f"{key} is {'missing' if key not in gold else 'not a string'}"
    bp = gold.get("boilerplate")
    if not isinstance(bp, list) or not all(isinstance(p, str) for p in bp):
        return "boilerplate is " + ("missing" if bp is None else "not a list of strings")
    for key, needed in (
        ("artefacts", ("text", "kind")),
        ("events", ("type", "sentence")),
        ("quotes", ("quote", "speaker")),
    ):
        if key not in gold:
            continue
        entries = gold[key]
        if not isinstance(entries, list):
            return f"{key} is not a list"
        for n, entry in enumerate(entries):
            if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in needed):
                return f"{key}[{n}] lacks " + " or ".join(needed) + " (strings)"
    return None


def read_gold(path: Path) -> dict[str, Any]:
    """One gold file, checked: raises :class:`GoldError` naming the file and what is wrong with it
    (not JSON, not an object, a FeedItem rather than a gold article, a key missing or mistyped)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GoldError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    try:
        gold = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise GoldError(f"{path} is not a gold file: it is not JSON ({exc})") from None
    problem = _gold_problem(gold)
    if problem is not None:
        raise GoldError(f"{path} is not a gold file: {problem}")
    return dict(gold)


def norm(text: str) -> str:
    """The corpus comparison form.

    >>> norm("  “Kyiv’s” — said\\n ")
    '"kyiv\\'s" - said'
    """
    return _WS.sub(" ", unicodedata.normalize("NFKC", text).translate(_QUOTES)).strip().lower()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(norm(text))


@dataclass
class PRF:
    tp: float = 0
    fp: float = 0
    fn: float = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class FileReport:
    name: str
    family: str
    boilerplate_total: int = 0
    boilerplate_removed: int = 0
    tokens: PRF = field(default_factory=PRF)
    paragraphs_lost: list[str] = field(default_factory=list)
    bp_missed: list[str] = field(default_factory=list)
    artefacts_annotated: bool = False
    art_found: dict[str, list[int]] = field(default_factory=dict)  # kind -> [found, total]
    art_missed: list[dict[str, str]] = field(default_factory=list)
    art_false: list[dict[str, str]] = field(default_factory=list)
    art_output: int = 0
    art_correct: int = 0
    events_annotated: bool = False
    events: PRF = field(default_factory=PRF)
    attr: dict[str, list[int]] = field(default_factory=dict)  # attribute -> [correct, matched]
    event_misses: list[dict[str, Any]] = field(default_factory=list)
    event_false: list[dict[str, Any]] = field(default_factory=list)
    quotes_annotated: bool = False
    quotes: PRF = field(default_factory=PRF)
    speaker: list[int] = field(default_factory=lambda: [0, 0])
    quote_misses: list[dict[str, str]] = field(default_factory=list)
    quote_false: list[dict[str, str]] = field(default_factory=list)
    speaker_errors: list[dict[str, str]] = field(default_factory=list)


def _count(hay: str, needle: str) -> int:
    return hay.count(needle) if needle else 0


def _score_cleaning(rep: FileReport, gold: dict[str, Any], result: CleanResult) -> None:
    out_n = norm(result.body)
    gold_n = norm(gold.get("gold_clean_body") or "")
    for passage in gold.get("boilerplate") or []:
        p = norm(passage)
        rep.boilerplate_total += 1
        if _count(out_n, p) <= _count(gold_n, p):
            rep.boilerplate_removed += 1
        else:
            rep.bp_missed.append(passage)
    out_t, gold_t = Counter(tokens(result.body)), Counter(tokens(gold.get("gold_clean_body") or ""))
    common = sum((out_t & gold_t).values())
    rep.tokens = PRF(common, sum(out_t.values()) - common, sum(gold_t.values()) - common)
    out_set = set(out_t)
    for para in (gold.get("gold_clean_body") or "").split("\n\n"):
        toks = tokens(para)
        if len(toks) >= 6 and sum(1 for t in toks if t in out_set) < len(toks) / 2:
            rep.paragraphs_lost.append(para)


def _score_artefacts(rep: FileReport, gold: dict[str, Any], result: CleanResult) -> None:
    if "artefacts" not in gold:
        return
    rep.artefacts_annotated = True
    outs = [(norm(a.text), a) for a in result.artefacts]
    rep.art_output = len(outs)
    golds = [(norm(g["text"]), g) for g in gold["artefacts"]]
    for gt, g in golds:
        found = any(ot and (gt in ot or ot in gt) for ot, _ in outs)
        cell = rep.art_found.setdefault(g["kind"], [0, 0])
        cell[1] += 1
        if found:
            cell[0] += 1
        else:
            rep.art_missed.append({"kind": g["kind"], "text": g["text"]})
    for ot, a in outs:
        if any(ot and (gt in ot or ot in gt) for gt, _ in golds):
            rep.art_correct += 1
        else:
            rep.art_false.append({"kind": a.kind, "rule": a.rule, "text": a.text})


def _name_tokens(name: str | None) -> set[str]:
    return set(tokens(name or "")) - {"the", "of", "and", "s"}


def _overlap(a: str, b: str) -> bool:
    """Two texts overlap when one contains the other, or when they share at least 80% of the
    longer one's word tokens (our body has artefacts removed that the gold text still has)."""
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return False
    if na in nb or nb in na:
        return True
    ta, tb = Counter(tokens(a)), Counter(tokens(b))
    longer = max(sum(ta.values()), sum(tb.values()))
    return longer > 0 and sum((ta & tb).values()) >= 0.8 * longer


def _score_events(rep: FileReport, gold: dict[str, Any], events: list[ExtractedEvent]) -> None:
    if "events" in gold:
        rep.events_annotated = True
        outs = [e for e in events if e.type != "STATEMENT"]
        used: set[int] = set()
        for g in gold["events"]:
            match = None
            for k, e in enumerate(outs):
                if k in used or e.type != g["type"] or not _overlap(e.sentence, g["sentence"]):
                    continue
                actor_ok = bool(_name_tokens(e.actor_name) & _name_tokens(g.get("actor")))
                rec_ok = bool(_name_tokens(e.recipient_name) & _name_tokens(g.get("recipient")))
                if actor_ok or rec_ok:
                    match = k
                    break
            if match is None:
                rep.events.fn += 1
                rep.event_misses.append({k: g.get(k) for k in ("type", "mode", "actor", "recipient", "sentence")})
                continue
            used.add(match)
            rep.events.tp += 1
            e = outs[match]
            _attr(
                rep,
                "actor",
                bool(_name_tokens(e.actor_name) & _name_tokens(g.get("actor")))
                if g.get("actor")
                else e.actor_name is None,
            )
            _attr(
                rep,
                "recipient",
                bool(_name_tokens(e.recipient_name) & _name_tokens(g.get("recipient")))
                if g.get("recipient")
                else e.recipient_name is None,
            )
            gq = g.get("quantity")
            _attr(
                rep,
                "quantity",
                (e.quantity is None and gq is None)
                or (e.quantity is not None and gq is not None and float(e.quantity[0]) == float(gq["value"])),
            )
            gd = g.get("date")
            _attr(rep, "date", (e.date.isoformat() if e.date else None) == gd)
            _attr(rep, "mode", e.mode == g.get("mode"))
        for k, e in enumerate(outs):
            if k not in used:
                rep.events.fp += 1
                rep.event_false.append(
                    {
                        "type": e.type,
                        "mode": e.mode,
                        "actor": e.actor_name,
                        "recipient": e.recipient_name,
                        "sentence": e.sentence,
                        "trigger": e.trigger,
                    }
                )
    if "quotes" in gold:
        rep.quotes_annotated = True
        outq = [e for e in events if e.quote]
        used_q: set[int] = set()
        for g in gold["quotes"]:
            match = next(
                (k for k, e in enumerate(outq) if k not in used_q and _overlap(e.quote or "", g["quote"])),
                None,
            )
            if match is None:
                rep.quotes.fn += 1
                rep.quote_misses.append({"speaker": g["speaker"], "quote": g["quote"]})
                continue
            used_q.add(match)
            rep.quotes.tp += 1
            rep.speaker[1] += 1
            e = outq[match]
            if _name_tokens(e.actor_name) & _name_tokens(g["speaker"]):
                rep.speaker[0] += 1
            else:
                rep.speaker_errors.append({"gold": g["speaker"], "got": e.actor_name or "", "quote": g["quote"][:80]})
        for k, e in enumerate(outq):
            if k not in used_q:
                rep.quotes.fp += 1
                rep.quote_false.append({"speaker": e.actor_name or "", "quote": e.quote or ""})


def _attr(rep: FileReport, name: str, ok: bool) -> None:
    cell = rep.attr.setdefault(name, [0, 0])
    cell[1] += 1
    cell[0] += int(ok)


def _published(gold: dict[str, Any]) -> datetime | None:
    value = gold.get("published")
    if not value:
        return None
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return datetime(d.year, d.month, d.day, 12, 0)


def evaluate_file(path: Path, chrome: Model | None = None, learned: LearnedLookup | None = None) -> FileReport:
    """Clean, extract and score one gold file (``chrome``: the boilerplate scorer's weights, None for
    the shipped ones; ``learned``: what the batch repeats, see :func:`evaluate_batch`)."""
    gold = read_gold(path)
    result = clean_body(gold["raw_body"], "text/plain", gold.get("headline"), learned, chrome=chrome)
    events = (
        []
        if result.language not in (None, *EVENT_LANGUAGES)
        else extract_events(
            result.body,
            _published(gold),
            headline=result.headline,
            subheads=[(s.start, s.end) for s in result.subheads],
            dateline=result.dateline,
        )
    )
    rep = FileReport(name=path.name, family=gold.get("family", ""))
    _score_cleaning(rep, gold, result)
    _score_artefacts(rep, gold, result)
    _score_events(rep, gold, events)
    return rep


def _NOTHING(fingerprint: str) -> bool:
    return False


def evaluate_batch(
    files: list[Path], chrome: Model | None = None, learn: bool = True, min_articles: int = 2
) -> list[FileReport]:
    """Score a batch as ``wirewash clean`` reads one: every file once to learn what each family
    (the source) repeats in ``min_articles`` files or more, then every file cleaned with it."""
    memory = LearnedMemory(min_articles=min_articles, batch=True) if learn else None
    golds = [(f, read_gold(f)) for f in files]
    if memory is not None:
        for f, gold in golds:
            fps = clean_body(gold["raw_body"], "text/plain", gold.get("headline"), _NOTHING, chrome=chrome).fingerprints
            memory.record(gold.get("family", ""), f.name, fps)
    return [
        evaluate_file(f, chrome, memory.lookup(gold.get("family", ""), f.name) if memory is not None else None)
        for f, gold in golds
    ]


def gold_files(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.json") if q.is_file()))
        else:
            out.append(p)
    return out


def summarise(reports: list[FileReport]) -> dict[str, Any]:
    total_tokens = PRF()
    bp_total = bp_removed = 0
    lost = 0
    kinds: dict[str, list[int]] = {}
    art_out = art_correct = 0
    ev, qu = PRF(), PRF()
    attrs: dict[str, list[int]] = {}
    spk = [0, 0]
    for r in reports:
        total_tokens.add(r.tokens)
        bp_total += r.boilerplate_total
        bp_removed += r.boilerplate_removed
        lost += len(r.paragraphs_lost)
        for k, (f, t) in r.art_found.items():
            cell = kinds.setdefault(k, [0, 0])
            cell[0] += f
            cell[1] += t
        if r.artefacts_annotated:
            art_out += r.art_output
            art_correct += r.art_correct
        ev.add(r.events)
        qu.add(r.quotes)
        for k, (c, n) in r.attr.items():
            cell = attrs.setdefault(k, [0, 0])
            cell[0] += c
            cell[1] += n
        spk[0] += r.speaker[0]
        spk[1] += r.speaker[1]
    mech_found = sum(kinds.get(k, [0, 0])[0] for k in MECHANICAL)
    mech_total = sum(kinds.get(k, [0, 0])[1] for k in MECHANICAL)
    return {
        "files": len(reports),
        "boilerplate": {
            "passages": bp_total,
            "removed": bp_removed,
            "recall": round(bp_removed / bp_total, 4) if bp_total else 1.0,
        },
        "body_tokens": total_tokens.as_dict(),
        "story_paragraphs_lost": lost,
        "artefacts": {
            "output": art_out,
            "correct": art_correct,
            "precision": round(art_correct / art_out, 4) if art_out else 1.0,
            "recall_by_kind": {
                k: {"found": f, "total": t, "recall": round(f / t, 4) if t else 1.0}
                for k, (f, t) in sorted(kinds.items())
            },
            "mechanical_recall": round(mech_found / mech_total, 4) if mech_total else 1.0,
        },
        "events": {
            **ev.as_dict(),
            "attributes": {
                k: {"correct": c, "matched": n, "accuracy": round(c / n, 4) if n else 1.0}
                for k, (c, n) in sorted(attrs.items())
            },
        },
        "quotes": {**qu.as_dict(), "speaker_accuracy": round(spk[0] / spk[1], 4) if spk[1] else 1.0},
        "events_by_family": events_by_family(reports),
    }


def events_by_family(reports: list[FileReport]) -> dict[str, dict[str, Any]]:
    """Events and quotes scored per family (only families with annotated events or quotes): the
    extractor is rule-based and nothing in it is fitted to one family, so each family's figure is
    already a cross-family one; compare them to see what holds beyond one outlet."""
    out: dict[str, dict[str, Any]] = {}
    for fam in sorted({r.family for r in reports if r.events_annotated or r.quotes_annotated}):
        ev, qu, actor, quantity, spk = PRF(), PRF(), [0, 0], [0, 0], [0, 0]
        for r in reports:
            if r.family != fam:
                continue
            ev.add(r.events)
            qu.add(r.quotes)
            for name, cell in (("actor", actor), ("quantity", quantity)):
                c, n = r.attr.get(name, [0, 0])
                cell[0] += c
                cell[1] += n
            spk[0] += r.speaker[0]
            spk[1] += r.speaker[1]
        out[fam] = {
            "events": ev.as_dict(),
            "actor_accuracy": round(actor[0] / actor[1], 4) if actor[1] else None,
            "quantity_accuracy": round(quantity[0] / quantity[1], 4) if quantity[1] else None,
            "quotes": qu.as_dict(),
            "speaker_accuracy": round(spk[0] / spk[1], 4) if spk[1] else None,
        }
    return out


def report_dict(r: FileReport) -> dict[str, Any]:
    return {
        "file": r.name,
        "family": r.family,
        "boilerplate": {
            "passages": r.boilerplate_total,
            "removed": r.boilerplate_removed,
            "missed": r.bp_missed,
        },
        "body_tokens": r.tokens.as_dict(),
        "story_paragraphs_lost": r.paragraphs_lost,
        "artefacts": {
            "annotated": r.artefacts_annotated,
            "found_by_kind": r.art_found,
            "missed": r.art_missed,
            "false_flags": r.art_false,
        },
        "events": {
            "annotated": r.events_annotated,
            **r.events.as_dict(),
            "missed": r.event_misses,
            "false": r.event_false,
        },
        "quotes": {
            "annotated": r.quotes_annotated,
            **r.quotes.as_dict(),
            "missed": r.quote_misses,
            "false": r.quote_false,
            "speaker_errors": r.speaker_errors,
        },
    }


def _details(r: FileReport) -> list[str]:
    out = [f"    boilerplate missed: {t[:100]!r}" for t in r.bp_missed]
    out += [f"    story paragraph lost: {t[:100]!r}" for t in r.paragraphs_lost]
    out += [f"    artefact missed [{d['kind']}]: {d['text'][:90]!r}" for d in r.art_missed]
    out += [f"    false flag [{d['kind']} {d['rule']}]: {d['text'][:90]!r}" for d in r.art_false]
    for e in r.event_misses:
        out.append(
            f"    event missed {e['type']}/{e['mode']} {e['actor']} -> {e['recipient']}: {(e['sentence'] or '')[:80]!r}"
        )
    for e in r.event_false:
        out.append(
            f"    event false {e['type']}/{e['mode']} {e['actor']} -> {e['recipient']} "
            f"[{e['trigger']}]: {(e['sentence'] or '')[:80]!r}"
        )
    out += [f"    quote missed ({d['speaker']}): {d['quote'][:80]!r}" for d in r.quote_misses]
    out += [f"    quote false ({d['speaker']}): {d['quote'][:80]!r}" for d in r.quote_false]
    out += [f"    speaker wrong: gold {d['gold']!r} got {d['got']!r}: {d['quote']!r}" for d in r.speaker_errors]
    return out


def format_text(reports: list[FileReport], summary: dict[str, Any], verbose: bool = True) -> str:
    lines = []
    for r in reports:
        lines.append(
            f"{r.name:<14} {r.family:<26} bp {r.boilerplate_removed}/{r.boilerplate_total}  "
            f"tokF1 {r.tokens.f1:.3f}  lost {len(r.paragraphs_lost)}"
            + (
                f"  art {sum(f for f, _ in r.art_found.values())}/{sum(t for _, t in r.art_found.values())}"
                f" false {len(r.art_false)}"
                if r.artefacts_annotated
                else f"  flags {len(r.art_false)}"
            )
            + (f"  ev tp{int(r.events.tp)} fp{int(r.events.fp)} fn{int(r.events.fn)}" if r.events_annotated else "")
            + (f"  q tp{int(r.quotes.tp)} fp{int(r.quotes.fp)} fn{int(r.quotes.fn)}" if r.quotes_annotated else "")
        )
        if verbose:
            lines.extend(_details(r))
    s = summary
    lines.append("")
    lines.append(f"files {s['files']}")
    lines.append(
        f"boilerplate passage recall {s['boilerplate']['recall']:.4f} "
        f"({s['boilerplate']['removed']}/{s['boilerplate']['passages']})"
    )
    t = s["body_tokens"]
    lines.append(f"body tokens P {t['precision']:.4f} R {t['recall']:.4f} F1 {t['f1']:.4f}")
    lines.append(f"story paragraphs lost {s['story_paragraphs_lost']}")
    a = s["artefacts"]
    lines.append(
        f"artefacts precision {a['precision']:.4f} ({a['correct']}/{a['output']}), "
        f"mechanical recall {a['mechanical_recall']:.4f}"
    )
    for k, v in a["recall_by_kind"].items():
        lines.append(f"  {k:<20} recall {v['recall']:.4f} ({v['found']}/{v['total']})")
    lines.extend(_events_lines(s))
    return "\n".join(lines)


def _events_lines(s: dict[str, Any]) -> list[str]:
    """Events and quotes of a summary: pooled, attribute accuracies, then per family."""
    lines: list[str] = []
    e = s["events"]
    lines.append(
        f"events P {e['precision']:.4f} R {e['recall']:.4f} F1 {e['f1']:.4f} "
        f"(tp {int(e['tp'])} fp {int(e['fp'])} fn {int(e['fn'])})"
    )
    for k, v in e["attributes"].items():
        lines.append(f"  {k:<10} accuracy {v['accuracy']:.4f} ({v['correct']}/{v['matched']})")
    q = s["quotes"]
    lines.append(
        f"quotes P {q['precision']:.4f} R {q['recall']:.4f} F1 {q['f1']:.4f} "
        f"speaker accuracy {q['speaker_accuracy']:.4f}"
    )
    fams = s.get("events_by_family") or {}
    if fams:
        lines.append("events and quotes by family (tp/fp/fn, F1):")
        for fam, f in fams.items():
            ev, qu = f["events"], f["quotes"]
            lines.append(
                f"  {fam:<26} events {int(ev['tp'])}/{int(ev['fp'])}/{int(ev['fn'])} F1 {ev['f1']:.3f}"
                f"  quotes {int(qu['tp'])}/{int(qu['fp'])}/{int(qu['fn'])} F1 {qu['f1']:.3f}"
            )
    return lines


# ------------------------------------------------------------------ cross-family
@dataclass
class CrossFamily:
    """Each family scored by a scorer trained without it."""

    reports: list[FileReport]
    families: dict[str, dict[str, Any]]  # family -> summary of its files
    mean: dict[str, float]  # macro mean over families


def cross_family(files: list[Path], log: Any = None, learn: bool = True) -> CrossFamily:
    """Train the boilerplate scorer once per family of ``files`` (the repository's own pages plus
    every other family) and score that family with it. Needs the ``train`` extra (numpy)."""
    from pipeline import chrome_train as ct

    say = log or (lambda *_: None)
    own = [ct.page_units(p) for p in ct.generated_pages()]
    corpus = [(f, ct.corpus_pages([f])) for f in files]
    units = {f: ct.page_units(pages[0]) for f, pages in corpus if pages}
    family = {f: pages[0].family for f, pages in corpus if pages}
    reports: list[FileReport] = []
    per: dict[str, dict[str, Any]] = {}
    for fam in sorted(set(family.values())):
        model = ct.train_units(own + [pu for f, pu in units.items() if family[f] != fam], log=say)
        mine = evaluate_batch([f for f in files if family.get(f) == fam], chrome=model, learn=learn)
        reports += mine
        per[fam] = summarise(mine)
        say(f"{fam}: {len(mine)} files, boilerplate recall {per[fam]['boilerplate']['recall']:.3f}")
    keys = {
        "boilerplate_recall": lambda s: s["boilerplate"]["recall"],
        "token_f1": lambda s: s["body_tokens"]["f1"],
        "token_precision": lambda s: s["body_tokens"]["precision"],
    }
    mean = {k: round(sum(get(s) for s in per.values()) / len(per), 4) for k, get in keys.items()} if per else {}
    mean["story_paragraphs_lost"] = sum(s["story_paragraphs_lost"] for s in per.values())
    return CrossFamily(reports, per, mean)


def format_cross_family(cf: CrossFamily) -> str:
    lines = [f"{'family':<28} {'files':>5} {'bp recall':>10} {'tok P':>7} {'tok F1':>7} {'lost':>5}"]
    for fam, s in cf.families.items():
        lines.append(
            f"{fam:<28} {s['files']:>5} {s['boilerplate']['recall']:>10.3f} {s['body_tokens']['precision']:>7.3f}"
            f" {s['body_tokens']['f1']:>7.3f} {s['story_paragraphs_lost']:>5}"
        )
    m = cf.mean
    lines.append(
        f"{'mean over families':<28} {len(cf.reports):>5} {m['boilerplate_recall']:>10.3f} {m['token_precision']:>7.3f}"
        f" {m['token_f1']:>7.3f} {m['story_paragraphs_lost']:>5}"
    )
    pooled = summarise(cf.reports)
    tok = pooled["body_tokens"]
    lines.append(
        f"{'pooled':<28} {pooled['files']:>5} {pooled['boilerplate']['recall']:>10.3f}"
        f" {tok['precision']:>7.3f} {tok['f1']:>7.3f} {pooled['story_paragraphs_lost']:>5}"
    )
    # events and quotes read the bodies each family's held-out scorer cleaned (the extractor itself
    # is rule-based: nothing in it is fitted to a family)
    lines.append("")
    lines.extend(_events_lines(pooled))
    return "\n".join(lines)
