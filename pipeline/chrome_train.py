"""Train the boilerplate scorer (``wirewash train``, ``make train``).

Training pages are generated, deterministically, from the repository's own hand-written cases
(``tests/cases/chrome/``: story articles in fourteen languages, chrome lines and multi-line chrome
blocks of thirty kinds, story paragraphs that look like chrome, and story paragraphs with chrome
glued inside), plus the boilerplate lines of ``tests/cases/lines.json``. A gold corpus in the
development-corpus format can be added (``--corpus``), and families can be left out of it
(``exclude``): that is how the cross-family evaluation trains one model per left-out family.

Every unit (paragraph, or leading/trailing span of a paragraph) is labelled by how much of it a
known chrome passage covers, after the same normalisation and known-family rules the cleaner runs.
Two logistic regressions (L2, Newton's method; the second stage sees the first stage's
out-of-fold scores of the neighbours) are fitted with numpy, and the thresholds are chosen on
out-of-fold scores for precision: the lowest that keep removals of story text under a budget.
Same data, same weights: the generator and the folds are seeded.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.core import chrome
from pipeline.core.chrome import Article, Model, Unit
from pipeline.core.clean import SCORED_BOILERPLATE, prepare
from pipeline.core.sentences import sentence_spans

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
MODEL_PATH = Path(__file__).resolve().parent / "data" / "chrome_model.json"
SEED = 20261203
VARIANTS = 3  # generated pages per story article
COVER = 0.5  # a unit is chrome when known chrome covers at least this share of it
L2 = 1.0
FOLDS = 4
REAL_WEIGHT = 3  # rows of a published page are counted this many times
MIN_REAL_PAGES = 20  # published pages needed to choose the thresholds on them alone
EDGE_MIN, INNER_MIN, SPAN_MIN = 0.8, 0.85, 0.85
STORY_LOSS_BUDGET = 0.005  # share of story paragraphs (six words or more) the thresholds may remove, out of fold
SHORT_LOSS_BUDGET = 0.03  # ... and of shorter story lines (crossheads, one-line notes)


@dataclass
class Page:
    """A body with the spans of it that are chrome (offsets in the body)."""

    body: str
    headline: str | None
    chrome: list[tuple[int, int]]
    family: str
    name: str
    real: bool = False  # a published page with gold annotations (not generated)


# ------------------------------------------------------------------ generated pages
def _load(name: str) -> Any:
    return json.loads((CASES / "chrome" / name).read_text(encoding="utf-8"))


def _lines_json() -> list[dict[str, Any]]:
    """The boilerplate lines of tests/cases/lines.json as chrome lines (English)."""
    data = json.loads((CASES / "lines.json").read_text(encoding="utf-8"))
    out = []
    for where in ("head", "tail", "inline"):
        for text in data.get(where, []):
            out.append({"text": text, "kind": "lines-json", "language": "en", "where": where, "glue": None})
    return out


class _Builder:
    """Appends parts to a body, remembering which spans are chrome."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.chrome: list[tuple[int, int]] = []

    def add(self, text: str, is_chrome: bool, sep: str = "\n\n") -> None:
        if self.parts:
            self.parts.append(sep)
            self.pos += len(sep)
        if is_chrome:
            self.chrome.append((self.pos, self.pos + len(text)))
        self.parts.append(text)
        self.pos += len(text)

    def add_glued(self, paragraph: str, chrome_text: str) -> None:
        """A paragraph with chrome glued inside it (an exact substring)."""
        at = paragraph.index(chrome_text)
        if self.parts:
            self.parts.append("\n\n")
            self.pos += 2
        self.chrome.append((self.pos + at, self.pos + at + len(chrome_text)))
        self.parts.append(paragraph)
        self.pos += len(paragraph)

    def body(self) -> str:
        return "".join(self.parts)


def generated_pages(seed: int = SEED, variants: int = VARIANTS) -> list[Page]:
    """Pages built from the hand-written parts: stories with chrome around, inside and glued to them."""
    rng = random.Random(seed)
    stories = _load("stories.json")["articles"]
    lines = _load("chrome.json")["lines"] + _lines_json()
    runs = _load("runs.json")["runs"]
    negatives = _load("negatives.json")["cases"]
    glued = _load("glued.json")["cases"]

    def pool(lang: str, where: tuple[str, ...]) -> list[dict[str, Any]]:
        return [x for x in lines if x["language"] == lang and x["where"] in where]

    by_lang: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}

    def pick(lang: str, where: tuple[str, ...]) -> dict[str, Any]:
        # mostly the story's own language, sometimes English chrome (portals, aggregators)
        use = lang if rng.random() < 0.8 else "en"
        key = (use, where)
        if key not in by_lang:
            by_lang[key] = pool(use, where) or pool("en", where)
        return rng.choice(by_lang[key])

    negs_by_lang: dict[str, list[dict[str, Any]]] = {}
    for n in negatives:
        negs_by_lang.setdefault(n["language"], []).append(n)
    glued_by_lang: dict[str, list[dict[str, Any]]] = {}
    for g in glued:
        glued_by_lang.setdefault(g["language"], []).append(g)
    runs_by: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in runs:
        runs_by.setdefault((r["language"], r["where"]), []).append(r)

    # short story sentences (a story's own "Further details are awaited.") and crossheads
    short_by_lang: dict[str, list[str]] = {}
    heads_by_lang: dict[str, list[str]] = {}
    for art in stories:
        for p in art["paragraphs"]:
            for s, e in sentence_spans(p):
                sent = p[s:e]
                if 2 <= len(sent.split()) <= 7 and sent[-1:] in ".!?。":
                    short_by_lang.setdefault(art["language"], []).append(sent)
        if art.get("headline"):
            heads_by_lang.setdefault(art["language"], []).append(art["headline"])

    def crosshead(lang: str) -> str:
        words = rng.choice(heads_by_lang[lang]).split()
        n = rng.randint(1, min(4, len(words)))
        head = " ".join(words[:n]).rstrip(",:;")
        return f"‘{head}’" if rng.random() < 0.15 else head

    pages: list[Page] = []
    for art in stories:
        lang = art["language"]
        for v in range(variants):
            b = _Builder()
            paras = list(art["paragraphs"])
            # head chrome
            if rng.random() < 0.6:
                for _ in range(rng.randint(1, 4)):
                    if rng.random() < 0.2 and runs_by.get((lang, "head")):
                        run = rng.choice(runs_by[(lang, "head")])
                        sep = "\n" if rng.random() < 0.5 else "\n\n"
                        b.add(sep.join(run["lines"]), True)
                    else:
                        b.add(pick(lang, ("head", "any"))["text"], True)
            if rng.random() < 0.1 and art.get("headline"):
                b.add(art["headline"], True)
            # a story paragraph swapped for one with chrome glued inside, a negative added
            if rng.random() < 0.25 and glued_by_lang.get(lang):
                g = rng.choice(glued_by_lang[lang])
                at = 0 if g["position"] == "start" else len(paras) - 1 if g["position"] == "end" else len(paras) // 2
                paras[at] = g
            if rng.random() < 0.35 and negs_by_lang.get(lang):
                n = rng.choice(negs_by_lang[lang])["text"]
                paras.insert(rng.randint(1, len(paras)), n)
            glue_start = pick(lang, ("head", "any")) if rng.random() < 0.12 else None
            glue_end = None
            if rng.random() < 0.25:
                cands = [x for x in pool(lang, ("tail", "any")) if x.get("glue") == "end"] or [
                    x for x in pool("en", ("tail", "any")) if x.get("glue") == "end"
                ]
                glue_end = rng.choice(cands)
            if rng.random() < 0.25 and heads_by_lang.get(lang) and len(paras) > 2:
                paras.insert(rng.randint(1, len(paras) - 1), crosshead(lang))
            if rng.random() < 0.3 and short_by_lang.get(lang):
                short = rng.choice(short_by_lang[lang])
                if short in art["paragraphs"] or any(short in p for p in art["paragraphs"] if isinstance(p, str)):
                    short = ""  # from this very story: it would repeat
            else:
                short = ""
            if short:
                if rng.random() < 0.5:
                    paras.append(short.rstrip(".") if rng.random() < 0.4 else short)
                elif isinstance(paras[-1], str):
                    paras[-1] = paras[-1] + " " + short
            inline_at = rng.randint(1, len(paras) - 1) if len(paras) > 2 and rng.random() < 0.3 else -1
            for k, p in enumerate(paras):
                if k == inline_at:
                    b.add(pick(lang, ("inline", "any"))["text"], True)
                if isinstance(p, dict):
                    b.add_glued(p["paragraph"], p["chrome"])
                    continue
                if k == 0 and glue_start is not None:
                    text = glue_start["text"] + " " + p
                    b.add_glued(text, glue_start["text"])
                elif k == len(paras) - 1 and glue_end is not None:
                    text = p + " " + glue_end["text"]
                    b.add_glued(text, glue_end["text"])
                else:
                    b.add(p, False)
            # tail chrome
            if rng.random() < 0.8:
                for _ in range(rng.randint(1, 6)):
                    if rng.random() < 0.25 and runs_by.get((lang, "tail")):
                        run = rng.choice(runs_by[(lang, "tail")])
                        sep = "\n" if rng.random() < 0.5 else "\n\n"
                        b.add(sep.join(run["lines"]), True)
                    else:
                        b.add(pick(lang, ("tail", "any"))["text"], True)
            pages.append(Page(b.body(), art.get("headline"), b.chrome, f"own-{lang}", f"{art['id']}#{v}"))
    return pages


# ------------------------------------------------------------------ gold corpus pages
def corpus_pages(paths: Iterable[Path], exclude: frozenset[str] = frozenset()) -> list[Page]:
    """Gold files (development-corpus format) as pages, leaving out the families in ``exclude``."""
    out = []
    for path in paths:
        gold = json.loads(path.read_text(encoding="utf-8"))
        if gold.get("family") in exclude or not isinstance(gold.get("raw_body"), str):
            continue
        body = gold["raw_body"]
        spans = []
        for passage in gold.get("boilerplate") or []:
            start = body.find(passage)
            while start != -1:
                spans.append((start, start + len(passage)))
                start = body.find(passage, start + 1)
        out.append(Page(body, gold.get("headline"), spans, gold.get("family", ""), path.name, real=True))
    return out


# ------------------------------------------------------------------ examples
@dataclass
class Example:
    feats: dict[str, float]
    label: int
    group: int  # the page it came from (folds keep pages whole)
    kind: str
    unit: Unit | None = None


@dataclass
class PageUnits:
    units: list[Unit]
    labels: list[int]
    family: str = ""
    real: bool = False
    spans: list[tuple[int, Unit, int]] = field(default_factory=list)  # (paragraph unit index, span unit, label)
    art: Article | None = None


def _coverage(lo: int, hi: int, spans: list[tuple[int, int]]) -> float:
    if hi <= lo:
        return 0.0
    covered = 0
    for s, e in spans:
        a, b = max(lo, s), min(hi, e)
        if b > a:
            covered += b - a
    return covered / (hi - lo)


def page_units(page: Page) -> PageUnits:
    """The page's units, features filled (first stage only), with labels."""
    prep = prepare(page.body, "text/plain", page.headline, until=SCORED_BOILERPLATE)
    doc, smap = prep.doc, prep.smap
    art = chrome.article_of(doc)
    units = chrome.build_units(doc, art)
    chrome.position_features(units)
    live = list(range(len(units)))

    def label(lo: int, hi: int) -> int:
        s, e = smap.span(lo, hi)
        return int(_coverage(s, e, page.chrome) >= COVER)

    labels = [label(u.lo, u.hi) for u in units]
    pu = PageUnits(units, labels, page.family, page.real, art=art)
    for k in live:
        if labels[k]:
            continue
        u = units[k]
        spans = chrome.sentence_pieces(art.text[u.lo : u.hi], u.lo)
        if len(spans) < 2:
            continue
        for kind, (lo, hi) in (("lead", spans[0]), ("trail", spans[-1])):
            if hi - lo > chrome.MAX_SPAN_CHARS:
                continue
            s = Unit(u.para, lo, hi, kind)
            chrome.unit_features(art, s)
            for name in ("pos:first", "pos:last", "zone:head", "zone:tail", "zone:body"):
                if name in u.feats:
                    s.feats[name] = 1.0
            pu.spans.append((k, s, label(lo, hi)))
    return pu


# ------------------------------------------------------------------ logistic regression
class Design:
    """Feature names to columns."""

    def __init__(self, rows: Iterable[dict[str, float]]) -> None:
        names: set[str] = set()
        for r in rows:
            names.update(r)
        self.names = sorted(names)
        self.index = {n: i for i, n in enumerate(self.names)}

    def matrix(self, rows: list[dict[str, float]]) -> np.ndarray:
        x = np.zeros((len(rows), len(self.names)))
        for i, r in enumerate(rows):
            for k, v in r.items():
                j = self.index.get(k)
                if j is not None:
                    x[i, j] = v
        return x


def fit(x: np.ndarray, y: np.ndarray, names: list[str], l2: float = L2, iterations: int = 25) -> dict[str, float]:
    """L2-regularised logistic regression by Newton's method (the bias, column "bias", is not penalised)."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    if "bias" in names:
        penalty[names.index("bias")] = 1e-6
    for _ in range(iterations):
        z = np.clip(x @ w, -30, 30)
        p = 1.0 / (1.0 + np.exp(-z))
        grad = x.T @ (p - y) + penalty * w
        h = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(h, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return {n: round(float(v), 5) for n, v in zip(names, w, strict=True) if abs(v) >= 1e-5}


def _p(weights: dict[str, float], feats: dict[str, float]) -> float:
    return chrome.sigmoid(chrome.linear(weights, feats))


def _stage2_rows(pu: PageUnits, p1: dict[int, float], w1: dict[str, float]) -> None:
    """Set p1 on the page's units (given out-of-fold first-stage scores and weights) and add the neighbour features."""
    for k, u in enumerate(pu.units):
        u.p1 = p1.get(k, 0.0)
        u.pmin = chrome.pieces_min(pu.art, u, w1) if pu.art is not None else None
    chrome.neighbour_features(pu.units)


def _span_neighbour_features(pu: PageUnits, k: int, s: Unit, w1: dict[str, float]) -> None:
    units = pu.units
    after = units[k + 1].p1 if k + 1 < len(units) else None
    before = units[k - 1].p1 if k > 0 else None
    chrome.span_neighbour_features(s, _p(w1, s.feats), before, after)


def train(pages: list[Page], log: Any = None) -> Model:
    """Fit both stages and choose the thresholds (out-of-fold) on these pages."""
    return train_units([page_units(p) for p in pages], log)


def train_units(pus: list[PageUnits], log: Any = None) -> Model:
    """:func:`train` on pages already turned into units (the cross-family evaluation reuses them)."""
    say = log or (lambda *_: None)
    for pu in pus:  # stage-2 features of an earlier fit go
        for u in [*pu.units, *(sp for _, sp, _ in pu.spans)]:
            u.ctx = {}
    n_units, n_spans = sum(len(pu.units) for pu in pus), sum(len(pu.spans) for pu in pus)
    say(f"pages {len(pus)}, paragraph units {n_units}, spans {n_spans}")
    fold = [i % FOLDS for i in range(len(pus))]
    random.Random(SEED).shuffle(fold)

    def rows(sel: Iterable[int], stage: int) -> tuple[list[dict[str, float]], list[int]]:
        xs, ys = [], []
        for i in sel:
            pu = pus[i]
            times = REAL_WEIGHT if pu.real else 1  # a published page counts more than a generated one
            for _ in range(times):
                for u, y in [*zip(pu.units, pu.labels, strict=True), *((sp, y) for _, sp, y in pu.spans)]:
                    xs.append(u.feats if stage == 1 else u.ctx)
                    ys.append(y)
        return xs, ys

    def rows1(sel: Iterable[int]) -> tuple[list[dict[str, float]], list[int]]:
        return rows(sel, 1)

    def rows2(sel: Iterable[int]) -> tuple[list[dict[str, float]], list[int]]:
        return rows(sel, 2)

    # stage 1: out-of-fold scores for the neighbour features, then the full fit
    all_x, all_y = rows1(range(len(pus)))
    design1 = Design(all_x)
    oof: list[dict[int, float]] = [{} for _ in pus]
    w1_fold: list[dict[str, float]] = []
    for f in range(FOLDS):
        xs, ys = rows1(i for i in range(len(pus)) if fold[i] != f)
        w = fit(design1.matrix(xs), np.array(ys, float), design1.names)
        w1_fold.append(w)
        for i in range(len(pus)):
            if fold[i] == f:
                oof[i] = {k: _p(w, u.feats) for k, u in enumerate(pus[i].units)}
    w1 = fit(design1.matrix(all_x), np.array(all_y, float), design1.names)
    # stage 2 rows (the first stage's out-of-fold scores of the neighbours)
    for i, pu in enumerate(pus):
        _stage2_rows(pu, oof[i], w1_fold[fold[i]])
        for k, span, _ in pu.spans:
            _span_neighbour_features(pu, k, span, w1_fold[fold[i]])

    all_x2, all_y2 = rows2(range(len(pus)))
    design2 = Design(all_x2)
    w2 = fit(design2.matrix(all_x2), np.array(all_y2, float), design2.names)
    # out-of-fold second-stage scores, for the thresholds
    for f in range(FOLDS):
        xs, ys = rows2(i for i in range(len(pus)) if fold[i] != f)
        w = fit(design2.matrix(xs), np.array(ys, float), design2.names)
        for i in range(len(pus)):
            if fold[i] == f:
                pu = pus[i]
                for u in pu.units:
                    u.p2 = _p(w, u.ctx)
                for _, sp, _ in pu.spans:
                    sp.p2 = _p(w, sp.ctx)
    # thresholds for precision on published pages when there are enough of them (generated pages
    # are built to be hard and would set them higher than real copy needs)
    real = [pu for pu in pus if pu.real]
    edge, run, inner, span_t = choose_thresholds(real if len(real) >= MIN_REAL_PAGES else pus, say, w1)
    meta = {
        "features": len(design1.names) + len(design2.names),
        "pages": len(pus),
        "published_pages": len(real),
        "thresholds_from": "published pages" if len(real) >= MIN_REAL_PAGES else "generated pages",
        "families": sorted({pu.family for pu in pus}),
        "published_families": sorted({pu.family for pu in pus if pu.real}),
        "units": len(all_y2),
        "chrome_units": int(sum(all_y2)),
        "seed": SEED,
    }
    return Model(w1, w2, edge, inner, span_t, meta, run)


def choose_thresholds(pus: list[PageUnits], say: Any, w1: dict[str, float]) -> tuple[float, float, float, float]:
    """The lowest thresholds whose removals of story units stay within the budgets (out-of-fold
    second-stage scores; the per-sentence veto uses the first stage's weights ``w1``)."""

    def words(pu: PageUnits, u: Unit) -> int:
        return len(pu.art.text[u.lo : u.hi].split()) if pu.art is not None else 0

    story = [(pu, k) for pu in pus for k, (u, y) in enumerate(zip(pu.units, pu.labels, strict=True)) if not y]
    n_long = sum(1 for pu, k in story if words(pu, pu.units[k]) >= 6)
    n_short = len(story) - n_long

    def errors(edge: float, inner: float, run: float | None = None) -> tuple[int, int, int]:
        long = short = found = 0
        probe = Model(w1, {}, edge, inner, 1.0, run=edge if run is None else run)
        for pu in pus:
            for k in chrome.decide(pu.units, probe, pu.art):
                if pu.labels[k]:
                    found += 1
                elif words(pu, pu.units[k]) >= 6:
                    long += 1
                else:
                    short += 1
        return long, short, found

    def ok(e: tuple[int, int, int], share: float = 1.0) -> bool:
        return e[0] <= share * STORY_LOSS_BUDGET * n_long and e[1] <= share * SHORT_LOSS_BUDGET * n_short

    grid = [round(x, 2) for x in np.arange(0.5, 0.99, 0.02)]
    inner = next((t for t in grid if t >= INNER_MIN and ok(errors(1.01, t), 0.5)), 0.99)
    edge = next((t for t in grid if t >= EDGE_MIN and ok(errors(t, inner))), 0.99)
    # then how far below ``edge`` a run may reach: the lowest ``run`` within the budget
    run = next((t for t in grid if t <= edge and ok(errors(edge, inner, t))), edge)
    long, short, found = errors(edge, inner, run)
    spans = [(s.p2, y) for pu in pus for _, s, y in pu.spans if chrome.has_evidence(s.feats)]
    n_story_spans = sum(1 for _, y in spans if not y)
    span = next(
        (
            t
            for t in grid
            if t >= SPAN_MIN and sum(1 for p, y in spans if p >= t and not y) <= STORY_LOSS_BUDGET * n_story_spans
        ),
        0.99,
    )
    say(
        f"thresholds edge {edge} run {run} inner {inner} span {span}: out of fold, story units lost {long}/{n_long} "
        f"(six words or more) and {short}/{n_short} (shorter), chrome units found {found}"
    )
    return edge, run, inner, span


def save(model: Model, path: Path = MODEL_PATH) -> None:
    path.write_text(json.dumps(model.as_dict(), indent=1, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


def iter_gold(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*.json") if q.is_file())
        elif p.is_file():
            yield p
