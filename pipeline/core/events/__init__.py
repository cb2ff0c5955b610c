"""Event and quote extraction: PLOVER-coded who-did-what-to-whom, plus speaker-attributed quotes.

Rule-and-lexicon extraction, offline and fast: sentences are split once, a trigger
lexicon (``data/triggers.toml``) proposes event types and modes, and participants,
quantities, places and dates are read from the trigger's neighbourhood, resolved with
the gazetteer (``data/gazetteer.json``) and the article's own fullest names.
"""

from pipeline.core.events import extract
from pipeline.core.events.extract import extract_events
from pipeline.core.events.model import Entity, ExtractedEvent


def compiled() -> bool:
    """Is the core installed compiled (mypyc C extensions, see setup.py; all its modules or none) rather than as pure Python?"""
    return not str(extract.__file__).endswith(".py")


__all__ = ["Entity", "ExtractedEvent", "compiled", "extract_events"]
