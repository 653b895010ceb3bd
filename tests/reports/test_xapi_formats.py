"""GET Statements' formats: ids (also inside a SubStatement) and canonical (one language)."""

from __future__ import annotations

from typing import Any

from learnloop.reports.xapi_formats import accepted_languages, formatted

STATEMENT: dict[str, Any] = {
    "id": "2f6d0b14-5d7e-4a7e-9d0a-0f5d4c3b2a19",
    "actor": {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.com"},
    "verb": {"id": "http://example.com/v/said", "display": {"en-US": "said", "en-GB": "said (GB)"}},
    "object": {
        "objectType": "SubStatement",
        "actor": {"objectType": "Group", "name": "G", "mbox": "mailto:g@example.com",
                  "member": [{"mbox": "mailto:m@example.com"}]},
        "verb": {"id": "http://example.com/v/did", "display": {"fr-FR": "fit", "en-US": "did"}},
        "object": {"objectType": "Activity", "id": "http://example.com/a",
                   "definition": {"name": {"en-US": "A", "de": "Ah"},
                                  "extensions": {"http://x/e": {"name": {"en-US": "kept"}}},
                                  "choices": [{"id": "c", "description": {"en-US": "C", "en-GB": "Cg"}}]}},
    },
}  # fmt: skip


def test_ids_reduce_agents_verbs_and_activities_inside_a_substatement_too() -> None:
    out = formatted(STATEMENT, "ids")
    assert out["actor"] == {"objectType": "Agent", "mbox": "mailto:ann@example.com"}
    assert out["verb"] == {"id": "http://example.com/v/said"}
    sub = out["object"]
    assert sub["objectType"] == "SubStatement"
    assert sub["actor"] == {"objectType": "Group", "mbox": "mailto:g@example.com"}
    assert sub["object"] == {"id": "http://example.com/a"}
    assert sub["verb"] == {"id": "http://example.com/v/did"}
    assert formatted(STATEMENT, "exact") is STATEMENT


def test_canonical_keeps_the_preferred_language_of_every_map_and_nothing_else() -> None:
    out = formatted(STATEMENT, "canonical", accepted_languages("fr;q=0.5, en-GB, de;q=0.1"))
    assert out["verb"]["display"] == {"en-GB": "said (GB)"}
    sub = out["object"]
    assert sub["verb"]["display"] == {"en-US": "did"}  # no exact tag: the same language
    definition = sub["object"]["definition"]
    assert definition["name"] == {"de": "Ah"}  # an exact tag, even a less wanted one, first
    assert definition["choices"][0]["description"] == {"en-GB": "Cg"}
    assert definition["extensions"] == {"http://x/e": {"name": {"en-US": "kept"}}}
    assert out["actor"]["name"] == "Ann"
    assert STATEMENT["verb"]["display"]["en-US"] == "said"  # the stored statement is untouched
    french = formatted(STATEMENT, "canonical", accepted_languages("fr;q=0.5, de;q=0.1"))
    assert french["object"]["verb"]["display"] == {"fr-FR": "fit"}  # by its language
    assert french["object"]["object"]["definition"]["name"] == {"de": "Ah"}
    assert formatted(STATEMENT, "canonical")["verb"]["display"] == {"en-US": "said"}  # first one


def test_accept_language_is_read_by_preference() -> None:
    assert accepted_languages("da, en-gb;q=0.8, en;q=0.7, *;q=0.1") == ["da", "en-gb", "en"]
    assert accepted_languages("en;q=0") == []
    assert accepted_languages(None) == []
