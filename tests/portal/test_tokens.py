"""Personal API tokens on the profile page: shown once, named, revocable only by their owner."""

from portal.models import PersonalToken
from portal.services import token_create


def test_create_shows_the_key_once_and_stores_only_its_hash(client, cast):
    user = cast.users["member"]
    client.force_login(user)
    response = client.post("/accounts/tokens/", {"name": "nightly script"})
    assert response.status_code == 200
    key = response.context["new_key"]
    token = PersonalToken.objects.get(user=user)
    assert (
        key in response.content.decode() and token.key_hash != key and key.startswith(token.prefix)
    )
    assert key not in client.get("/accounts/profile/").content.decode()


def test_a_token_needs_a_name(client, cast):
    client.force_login(cast.users["member"])
    response = client.post("/accounts/tokens/", {"name": "   "}, follow=True)
    assert "Give the token a name" in response.content.decode()
    assert not PersonalToken.objects.exists()


def test_revoke_own_token_but_not_another_users(client, cast):
    mine, _key = token_create(user=cast.users["member"], name="mine")
    theirs, _key = token_create(user=cast.users["observer"], name="theirs")
    client.force_login(cast.users["member"])
    other = client.post(f"/accounts/tokens/{theirs.pk}/revoke/", follow=True)
    assert "There is no active token of yours" in other.content.decode()
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    own = client.post(f"/accounts/tokens/{mine.pk}/revoke/", follow=True)
    assert "The token was revoked" in own.content.decode()
    mine.refresh_from_db()
    assert mine.revoked_at is not None
