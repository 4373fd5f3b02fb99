"""route_args: a dynamic page's arguments read from its matched route and the URL's path."""

from types import SimpleNamespace

from leadapp.state.url import route_args


def router(route_id: str, path: str):
    return SimpleNamespace(route_id=route_id, url=SimpleNamespace(path=path))


def test_reads_each_bracketed_segment():
    got = route_args(
        router("/leads/[lead_id]/listing/[mls]/sheet", "/leads/12/listing/A%2F7/sheet")
    )
    assert got == {"lead_id": "12", "mls": "A/7"}


def test_a_frontend_prefix_only_adds_leading_segments():
    assert route_args(router("/leads/[lead_id]", "/crm/leads/9")) == {"lead_id": "9"}


def test_a_path_that_does_not_fit_the_route_gives_nothing():
    assert route_args(router("/leads/[lead_id]", "/todo/9")) == {}
    assert route_args(router("/leads/[lead_id]", "/")) == {}
    assert route_args(router("", "/leads/9")) == {}
