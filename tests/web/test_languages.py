"""The pages in the reader's language: chosen by the reader, else by their browser, else by the
instance; English wherever a catalog has no translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from learnloop.config import Settings
from learnloop.services.learning import record_attempt
from learnloop.web.app import create_app
from learnloop.web.i18n import LANGUAGE_COOKIE
from tests.conftest import World
from tests.web.conftest import csrf_of, login

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def test_the_browser_language_chooses_the_pages_language(client: TestClient) -> None:
    french = client.get("/login", headers=FRENCH)
    assert french.status_code == 200
    assert '<html lang="fr">' in french.text
    assert "Se connecter" in french.text
    assert "Nom d’utilisateur" in french.text
    assert french.headers["Content-Language"] == "fr"
    assert "Accept-Language" in french.headers["Vary"]
    # a language learnloop has no catalog for: the instance's default, English
    german = client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="en">' in german.text
    assert "Log in" in german.text
    assert "Se connecter" not in german.text
    # the most wanted language that has a catalog wins
    ranked = client.get("/login", headers={"Accept-Language": "de, en;q=0.8, fr;q=0.9"})
    assert '<html lang="fr">' in ranked.text


def test_the_readers_choice_beats_the_browser_and_is_kept(client: TestClient) -> None:
    token = csrf_of(client)
    chosen = client.post(
        "/language", data={"csrf_token": token, "lang": "fr", "next": "/register?x=1"}
    )
    assert chosen.status_code == 303
    assert chosen.headers["location"] == "/register?x=1"
    cookie = chosen.headers["set-cookie"]
    assert f"{LANGUAGE_COOKIE}=fr" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    page = client.get("/register", headers={"Accept-Language": "en"})
    assert '<html lang="fr">' in page.text
    assert "Créer un compte d’apprenant" in page.text
    # and back to English
    client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/login"})
    assert '<html lang="en">' in client.get("/login", headers=FRENCH).text


def test_choosing_a_language_is_checked(client: TestClient) -> None:
    token = csrf_of(client)
    for data in ({"lang": "fr"}, {"lang": "fr", "csrf_token": "forged.0000"}):
        refused = client.post("/language", data=data)
        assert refused.status_code == 403
        assert LANGUAGE_COOKIE not in refused.headers.get("set-cookie", "")
    unknown = client.post("/language", data={"csrf_token": token, "lang": "xx"})
    assert unknown.status_code == 400
    assert "lang" in unknown.text
    assert LANGUAGE_COOKIE not in unknown.headers.get("set-cookie", "")
    # never a redirect to another site
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        away = client.post("/language", data={"csrf_token": token, "lang": "fr", "next": target})
        assert away.status_code == 303
        assert away.headers["location"] == "/"


def test_a_learners_pages_speak_french_sentences_included(
    client: TestClient, sqlite_world: World
) -> None:
    login(client, sqlite_world.learner.username)
    client.cookies.set(LANGUAGE_COOKIE, "fr")
    home = client.get("/learn")
    assert home.status_code == 200, home.text
    text = home.text
    assert '<html lang="fr">' in text
    assert "Prochaines étapes recommandées" in text
    assert ">Accueil<" in text
    assert ">Mes progrès<" in text
    # the recommendation policy's reasons, written by reports.reasons in French
    reasons = [line for line in text.splitlines() if 'class="reason"' in line]
    assert reasons
    for line in reasons:
        assert any(
            start in line
            for start in (
                "Vers votre objectif", "Continuez", "Prêt", "Révision", "Rafraîchir",
                "Essayez autrement", "Un bon point de départ",
            )
        ), line  # fmt: skip
    for path, words in [
        ("/learn/progress", "Mes progrès"),
        ("/learn/reviews", "Révisions"),
        ("/learn/activities/parts-practice", "Vérifier"),
        ("/account/password", "Mot de passe actuel"),
    ]:
        page = client.get(path)
        assert page.status_code == 200, (path, page.status_code)
        assert words in page.text, path
        assert "Skip to content" not in page.text
        assert "Aller au contenu" in page.text


def test_the_instance_default_language(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    settings = Settings(
        database_url="sqlite://", instance_dir=tmp_path, secret_key="test-secret",
        default_language="fr",
    )  # fmt: skip
    app = create_app(settings, database=sqlite_world.db, hasher=hasher)
    with TestClient(app, follow_redirects=False) as c:
        assert '<html lang="fr">' in c.get("/login").text
        # a browser that asks for English still gets it
        assert '<html lang="en">' in c.get("/login", headers={"Accept-Language": "en"}).text
    # a default learnloop has no catalog for stops the start, naming it
    unknown = Settings(
        database_url="sqlite://", instance_dir=tmp_path, secret_key="test-secret",
        default_language="xx",
    )  # fmt: skip
    with pytest.raises(ValueError, match="default language 'xx' has no catalog"):
        create_app(unknown, database=sqlite_world.db, hasher=hasher)


def test_an_educators_pages_speak_french_reports_and_charts_included(
    client: TestClient, sqlite_world: World
) -> None:
    world = sqlite_world
    # two learners working on the same objective make a suggested group with its reason
    for learner in (world.learner, world.other_learner):
        record_attempt(
            world.db, learner, activity_key="parts-practice", item_key="pw-5", response="b"
        )
    login(client, world.educator.username)
    client.cookies.set(LANGUAGE_COOKIE, "fr")
    base = f"/teach/classes/{world.class_id}"
    overview = client.get(base).text
    assert "Qui est bloqué" in overview
    assert "Carte de maîtrise" in overview
    assert "Maîtrise de 7B" in overview  # the heatmap's SVG title
    assert "apprenants sur" in overview  # its description
    groups = client.get(f"{base}/groups").text
    assert "Groupes suggérés" in groups
    assert "apprenants travaillent sur" in groups  # support_groups' reason, in French
    assert "learners working on" not in groups
    items = client.get(f"{base}/items").text
    assert "Questions et idées fausses" in items
    curves = client.get(f"{base}/curves").text
    assert "Courbes d’apprentissage" in curves
    learner = client.get(f"{base}/learners/{world.learner.user_id}").text
    assert "Maîtrise et historique" in learner
    assert f"Progrès de {world.learner.display_name}" in learner  # the progress map's title
    for page in (overview, groups, items, curves, learner):
        assert '<html lang="fr">' in page


def test_an_admins_pages_speak_french(client: TestClient, sqlite_world: World) -> None:
    login(client, sqlite_world.admin.username)
    client.cookies.set(LANGUAGE_COOKIE, "fr")
    admin = client.get("/admin").text
    assert "Comptes" in admin
    assert "Supprimer un compte" in admin
    members = client.get(f"/admin/classes/{sqlite_world.class_id}").text
    assert "Ajouter des personnes" in members
    assert ">apprenant<" in members  # a member's role, in words


def test_errors_speak_the_readers_language_and_the_api_stays_english(
    client: TestClient, sqlite_world: World
) -> None:
    client.cookies.set(LANGUAGE_COOKIE, "fr")
    token = csrf_of(client)
    short = client.post(
        "/register",
        data={"csrf_token": token, "display_name": "Zoé", "username": "zoe",
              "password": "court", "password_again": "court"},
    )  # fmt: skip
    assert short.status_code == 400
    assert "utilisez au moins 8 caractères" in short.text  # the service's message, with its value
    assert "use at least" not in short.text
    wrong = client.post(
        "/login", data={"csrf_token": token, "username": "zoe", "password": "nope nope"}
    )
    assert wrong.status_code == 401
    assert "nom d’utilisateur ou mot de passe incorrect" in wrong.text
    login(client, sqlite_world.learner.username)
    missing = client.get("/learn/activities/no-such-activity")
    assert missing.status_code == 404
    assert "Introuvable" in missing.text
    assert "l’activité &#39;no-such-activity&#39; n’existe pas" in missing.text
    # the JSON API answers programs: its messages stay English whatever the browser asks
    api = client.get("/api/v1/me", headers=FRENCH)
    assert api.status_code == 401
    assert "Bearer" in api.json()["detail"]


def test_course_text_on_a_page_in_another_language_says_its_own(
    client: TestClient, sqlite_world: World
) -> None:
    """WCAG 2.1, 3.1.2: the demo course is written in English; on a French page its text carries
    lang="en", so that a screen reader reads it in English; on an English page nothing is added."""
    login(client, sqlite_world.learner.username)
    english = client.get("/learn/activities/parts-practice").text
    assert '<article class="card content">' in english
    assert '<div class="prompt">' in english
    client.cookies.set(LANGUAGE_COOKIE, "fr")
    french = client.get("/learn/activities/parts-practice").text
    assert '<article class="card content" lang="en">' in french
    assert '<div class="prompt" lang="en">' in french
    assert '<h1 lang="en">' in french
    progress = client.get("/learn/progress").text
    assert '<p lang="en">' in progress  # an objective's statement


def test_the_apis_sentences_follow_accept_language_and_its_codes_do_not(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    world = sqlite_world
    for learner in (world.learner, world.other_learner):
        record_attempt(
            world.db, learner, activity_key="parts-practice", item_key="pw-5", response="b"
        )
    learner = {"Authorization": f"Bearer {tokens['learner']}"}
    english = client.get("/api/v1/me/next-steps", headers=learner)
    french = client.get("/api/v1/me/next-steps", headers=learner | FRENCH)
    assert (english.headers["content-language"], french.headers["content-language"]) == ("en", "fr")
    assert french.headers["vary"] == "Accept-Language"
    first_en, first_fr = english.json()[0], french.json()[0]
    assert first_en["reason"] == first_fr["reason"]  # a code, for programs
    assert first_en["reason_text"] != first_fr["reason_text"]
    assert first_fr["reason_text"].startswith("Vers votre objectif")
    educator = {"Authorization": f"Bearer {tokens['educator']}"}
    groups = client.get(f"/api/v1/classes/{world.class_id}/groups", headers=educator | FRENCH)
    reasons = [g["reason"] for g in groups.json()["groups"]]
    assert any("apprenants travaillent sur" in r for r in reasons)
    curves = client.get(f"/api/v1/classes/{world.class_id}/learning-curves", headers=FRENCH)
    assert curves.status_code == 401  # the language changes no rule: no token, no answer
