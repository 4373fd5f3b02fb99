"""Settings → Email (C5): how the brokerage's email looks and who it is from."""

from __future__ import annotations

import reflex as rx

from leadapp.components.forms import labelled
from leadapp.components.ui import form_card, muted
from leadapp.state.mail_settings import MailSettingsState as S


def _field(label: str, control: rx.Component, key: str, hint: str = "") -> rx.Component:
    return labelled(label, control, S.errors, key, hint=hint)


def _input(key: str, placeholder: str = "", **kw) -> rx.Component:
    return rx.input(
        name=key,
        default_value=S.values.get(key, ""),
        key=S.values.get(key, "") + key,
        placeholder=placeholder,
        width="100%",
        data_testid=f"mail-{key}",
        **kw,
    )


def _choice(key: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", data_testid=f"mail-{key}"),
        rx.select.content(
            rx.select.item("The lead's agent", value="agent"),
            rx.select.item("The brokerage", value="brokerage"),
        ),
        name=key,
        default_value=S.values.get(key, "agent"),
        key=S.values.get(key, "agent") + key,
    )


def mail_settings_section() -> rx.Component:
    return form_card(
        "Email",
        S.save,
        "Save email settings",
        "save-mail-settings",
        muted(
            "Every email leadapp sends (messages, campaigns, alerts, reports, greetings) "
            "uses these settings."
        ),
        rx.grid(
            _field(
                "Sending address",
                _input("sending_address", "mail@your-brokerage.com"),
                "sending_address",
                "Empty: the server's default sender.",
            ),
            _field("From name", _choice("from_name"), "from_name"),
            _field("Replies go to", _choice("reply_to"), "reply_to"),
            _field(
                "Brand colour",
                _input("brand_color", "#1f4e79"),
                "brand_color",
                "The header and buttons of every email.",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        _field(
            "Logo",
            _input("logo_url", "https://your-brokerage.com/logo.png"),
            "logo_url",
            "An https:// image address, shown 40 px high.",
        ),
        _field(
            "Postal address",
            _input("postal_address", "1 Harbor Way, Bayside, CA 94000"),
            "postal_address",
            "Shown in every email's footer (marketing email must carry one).",
        ),
        rx.divider(),
        rx.heading("DKIM signing (optional)", size="3"),
        rx.grid(
            _field("Domain", _input("dkim_domain", "your-brokerage.com"), "dkim_domain"),
            _field("Selector", _input("dkim_selector", "leadapp"), "dkim_selector"),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        _field(
            "Private key",
            rx.text_area(
                name="dkim_private_key",
                placeholder=rx.cond(
                    S.key_set,
                    "A key is set. Paste a new PEM key to replace it.",
                    "-----BEGIN RSA PRIVATE KEY----- ...",
                ),
                rows="3",
                width="100%",
                data_testid="mail-dkim_private_key",
            ),
            "dkim_private_key",
            "Publish the public key as a TXT record at <selector>._domainkey.<domain>.",
        ),
        rx.cond(
            S.key_set,
            rx.hstack(
                rx.checkbox(name="dkim_clear", data_testid="mail-dkim-clear"),
                rx.text("Remove the key (stop signing)", size="2"),
                align="center",
            ),
        ),
        reset_on_submit=False,
        testid="mail-settings",
    )
