"""W2 website accounts: a sign-up's password, the website login and its lockout."""

from __future__ import annotations


def test_website_login(client, engine):
    client.post(
        "/api/v1/events",
        json={"kind": "signup", "email": "w@example.com", "password": "hunter22!xy"},
    )
    ok = client.post(
        "/api/v1/accounts/login", json={"email": "W@example.com", "password": "hunter22!xy"}
    )
    assert ok.status_code == 200 and ok.json()["email"] == "w@example.com"
    assert (
        client.post(
            "/api/v1/accounts/login", json={"email": "w@example.com", "password": "wrong-one"}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/accounts/login", json={"email": "x@example.com", "password": "hunter22!xy"}
        ).status_code
        == 401
    )
    assert client.post("/api/v1/accounts/login", json={"email": "w@example.com"}).status_code == 422
    # a second sign-up cannot replace the password
    r = client.post(
        "/api/v1/events",
        json={"kind": "signup", "email": "w@example.com", "password": "other-pass"},
    )
    assert r.status_code == 422 and "password" in r.json()["errors"]


def test_failed_logins_are_limited_per_email(client):
    client.post(
        "/api/v1/events",
        json={"kind": "signup", "email": "v@example.com", "password": "hunter22!xy"},
    )
    codes = [
        client.post(
            "/api/v1/accounts/login", json={"email": "v@example.com", "password": "nope-nope"}
        ).status_code
        for _ in range(11)
    ]
    assert codes == [401] * 9 + [429, 429]  # the tenth refusal locks, like users' sign-in


def test_password_on_a_later_signup_of_the_same_batch(client, make_lead):
    make_lead(email="imported@example.com")  # a lead an agent added: no website account yet
    r = client.post(
        "/api/v1/events",
        json={
            "events": [
                {"kind": "signup", "email": "fresh@example.com"},
                {"kind": "signup", "email": "fresh@example.com", "password": "first-pass"},
                {"kind": "signup", "email": "fresh@example.com", "password": "second-pass"},
                {"kind": "signup", "email": "imported@example.com", "password": "imported-pass"},
                {"kind": "signup", "email": "imported@example.com", "password": "another-pass"},
            ]
        },
    )
    assert [sorted(x.get("errors", {})) for x in r.json()["results"]] == [
        [],
        [],
        ["password"],
        [],
        ["password"],
    ]

    def login(e, p):
        return client.post("/api/v1/accounts/login", json={"email": e, "password": p}).status_code

    assert (
        login("fresh@example.com", "first-pass") == 200
        and login("fresh@example.com", "second-pass") == 401
    )
    assert login("imported@example.com", "imported-pass") == 200
