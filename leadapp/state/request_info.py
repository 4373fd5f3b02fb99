"""What a state handler knows about the client asking: address, browser, the site's URL."""

from __future__ import annotations

from leadapp.settings import public_url


def client_address(state) -> str:
    try:
        return str(state.router.session.client_ip or "")[:64]
    except AttributeError:
        return ""


def user_agent(state) -> str:
    try:
        return str(state.router.headers.user_agent or "")[:300]
    except AttributeError:
        return ""


def base_url(state) -> str:
    """The origin the user's browser uses (links in emails point there)."""
    try:
        origin = str(state.router.url.origin or "")
    except AttributeError:
        origin = ""
    return origin if origin.startswith(("http://", "https://")) else public_url()
