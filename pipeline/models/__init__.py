"""The wire contract (v1): every record wirewash reads or writes is one of these models.

``schemas/*.v1.json`` are exported from them (``wirewash schemas``); a test fails when
the committed files drift from the models.
"""

from pipeline.models.article import Artefact, Change, CleanArticle, Duplicate, LimitReached, Removal, Subhead
from pipeline.models.deadletter import DeadLetter, ErrorCode
from pipeline.models.event import EVENT_TYPES, Casualties, Event, Participant, Quantity
from pipeline.models.feed import FeedItem
from pipeline.models.retraction import Retraction

__all__ = [
    "EVENT_TYPES",
    "Artefact",
    "Casualties",
    "Change",
    "CleanArticle",
    "DeadLetter",
    "Duplicate",
    "ErrorCode",
    "Event",
    "FeedItem",
    "LimitReached",
    "Participant",
    "Quantity",
    "Removal",
    "Retraction",
    "Subhead",
]
