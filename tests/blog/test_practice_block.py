"""The practice block: a Practice snippet shown as a call-out in an article."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from clients.models import THERAPISTS_GROUP, User
from homework.models import Practice
from practice_site.builders import PASSWORD

ASSIGN_LINK = "Assign to clients"


@pytest.fixture
def practice(db):
    return Practice.objects.create(
        title="Two minutes of noticing",
        instructions="<p>Each evening, note one moment you felt <b>safe</b>.</p>",
    )


@pytest.fixture
def article_with_practice(make_article, practice):
    return make_article(
        body=[
            {"type": "paragraph", "value": "<p>Before.</p>"},
            {"type": "practice", "value": practice.pk},
        ]
    )


@pytest.fixture
def assign_urls(settings):
    settings.ROOT_URLCONF = "tests.blog.urls_assign"


@pytest.fixture
def no_assign_urls(settings):
    settings.ROOT_URLCONF = "tests.blog.urls_no_assign"


def test_callout_shows_the_practice_title_and_instructions(client, article_with_practice):
    html = client.get(article_with_practice.url).content.decode()
    assert 'class="practice-callout"' in html
    assert "Two minutes of noticing" in html
    assert "note one moment you felt <b>safe</b>." in html


def test_readers_never_see_the_assign_link(client, article_with_practice, assign_urls):
    assert ASSIGN_LINK not in client.get(article_with_practice.url).content.decode()


def test_clients_never_see_the_assign_link(portal_client, article_with_practice, assign_urls):
    assert ASSIGN_LINK not in portal_client.get(article_with_practice.url).content.decode()


def test_therapist_gets_a_link_to_assign_the_practice(
    therapist_client, article_with_practice, practice, assign_urls
):
    html = therapist_client.get(article_with_practice.url).content.decode()
    assert f'href="/admin/homework/assign/?practice={practice.pk}">{ASSIGN_LINK}</a>' in html


def test_a_therapist_without_the_permission_to_assign_gets_no_assign_link(
    therapist_client, article_with_practice, practice, assign_urls
):
    from django.contrib.auth.models import Permission

    Group.objects.get(name=THERAPISTS_GROUP).permissions.remove(
        Permission.objects.get(content_type__app_label="homework", codename="add_assignment")
    )

    html = therapist_client.get(article_with_practice.url).content.decode()

    assert ASSIGN_LINK not in html


def test_therapist_added_in_settings_users_gets_the_assign_link(
    client, article_with_practice, practice
):
    owner = User.objects.create_superuser(email="owner@example.org", password=PASSWORD)
    client.force_login(owner)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "new.therapist@example.org",
            "first_name": "Noor",
            "last_name": "Haddad",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "groups": [Group.objects.get(name=THERAPISTS_GROUP).pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    added = User.objects.get(email="new.therapist@example.org")
    assert not added.is_staff  # the admin never sets it, so nothing may depend on it

    client.force_login(added)
    html = client.get(article_with_practice.url).content.decode()
    assert f'href="/admin/homework/assign/?practice={practice.pk}">{ASSIGN_LINK}</a>' in html


def test_assign_link_is_left_out_when_the_assignment_form_is_missing(
    therapist_client, article_with_practice, no_assign_urls
):
    response = therapist_client.get(article_with_practice.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Two minutes of noticing" in html
    assert ASSIGN_LINK not in html


def test_deleted_practice_leaves_the_article_readable(client, article_with_practice, practice):
    practice.delete()
    response = client.get(article_with_practice.url)
    assert response.status_code == 200
    assert "practice-callout" not in response.content.decode()
    assert "Before." in response.content.decode()


def test_practice_counts_towards_reading_time(make_article, practice):
    practice.instructions = "<p>" + "word " * 450 + "</p>"
    practice.save()
    article = make_article(body=[{"type": "practice", "value": practice.pk}])
    assert article.reading_minutes == 3
