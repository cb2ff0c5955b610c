"""The clause layer (pipeline/core/events/clause.py): voice, roles, negation and modality from
closed-class lexicons and verb morphology, on sentences written for these tests."""

from __future__ import annotations

import pytest

from pipeline.core.events.clause import analyse
from pipeline.core.events.extract import triggers


def _at(sentence: str, verb: str, lo: int = 0) -> tuple[str, str | None, str | None, str | None, bool, str | None]:
    i = sentence.index(verb)
    c = analyse(sentence, i, i + len(verb), lo=lo)

    def cut(span: tuple[int, int] | None) -> str | None:
        return sentence[span[0] : span[1]] if span else None

    return c.voice, cut(c.subject), cut(c.obj), cut(c.agent), c.negated, c.modality


@pytest.mark.parametrize(
    ("sentence", "verb", "want"),
    [
        # voice: active, passive with agent, agentless passive, reduced passive
        ("Police arrested two men in Lahore.", "arrested", ("active", "Police", "two men", None, False, None)),
        (
            "Two men were arrested by the police in Lahore.",
            "arrested",
            ("passive", "Two men", None, "the police", False, None),
        ),
        ("Two men were arrested in Lahore.", "arrested", ("passive", "Two men", None, None, False, None)),
        ("The drones launched by Russia fell.", "launched", ("passive", "The drones", None, "Russia", False, None)),
        ("He got detained at the border.", "detained", ("passive", "He", None, None, False, None)),
        # the subject: prepositional phrases stepped over, "of" phrases kept, appositives closed
        ("Police in Mumbai on Monday arrested a man.", "arrested", ("active", "Police", "a man", None, False, None)),
        (
            "The special unit of the state police raided a flat.",
            "raided",
            ("active", "The special unit of the state police", "a flat", None, False, None),
        ),
        (
            "Omar Diallo, the head of the district council, was detained.",
            "detained",
            ("passive", "Omar Diallo", None, None, False, None),
        ),
        ("Mali and Niger signed a pact.", "signed", ("active", "Mali and Niger", "a pact", None, False, None)),
        # negation and modality in the verb group and before "to"
        ("Police did not arrest anyone.", "arrest", ("active", "Police", "anyone", None, True, None)),
        ("Police never arrested him.", "arrested", ("active", "Police", "him", None, True, None)),
        ("No one was arrested.", "arrested", ("passive", "No one", None, None, True, None)),
        ("Spain will send troops.", "send", ("active", "Spain", "troops", None, False, "future")),
        ("Spain could send troops.", "send", ("active", "Spain", "troops", None, False, "possible")),
        ("Spain plans to send troops.", "send", ("active", None, "troops", None, False, "intended")),
        ("Spain refused to send troops.", "send", ("active", None, "troops", None, False, "negated")),
        ("Italy urged Spain to send troops.", "send", ("active", None, "troops", None, False, "requested")),
        ("Spain promised to send troops.", "send", ("active", None, "troops", None, False, "future")),
        ("If Spain sends troops, talks end.", "sends", ("active", "Spain", "troops", None, False, "conditional")),
    ],
)
def test_clause(
    sentence: str, verb: str, want: tuple[str, str | None, str | None, str | None, bool, str | None]
) -> None:
    assert _at(sentence, verb) == want


def test_a_non_finite_clause_takes_the_main_clause_subject() -> None:
    s = "A guard was held for shooting a driver."
    i = s.index("shooting")
    c = analyse(s, i, i + 8)
    assert (c.nonfinite, s[slice(*c.subject)], s[slice(*c.obj)]) == (True, "A guard", "a driver")  # type: ignore[misc]


def test_a_relative_clause_takes_its_antecedent() -> None:
    s = "Manoj Rao, who was arrested by police, appeared in court."
    i = s.index("arrested")
    c = analyse(s, i, i + 8, lo=s.index("who") + 4)
    assert (c.voice, s[slice(*c.subject)], s[slice(*c.agent)]) == ("passive", "Manoj Rao", "police")  # type: ignore[misc]


def test_every_rule_id_opens_with_its_category() -> None:
    # build.retyped() reads a retyped event (a future AID coded AGREE) from its rule id
    ids = [t.id for t in triggers()]
    assert len(ids) == len(set(ids))
    assert all(t.id.upper().startswith(t.type) for t in triggers())
