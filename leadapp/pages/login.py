"""The sign-in page (G1)."""

from __future__ import annotations

import reflex as rx

from leadapp.components.auth_card import auth_field, brand_title, centered_card
from leadapp.components.ui import muted, notice, stack_form, wide_submit
from leadapp.state.login import LoginState


def login_page() -> rx.Component:
    return centered_card(
        stack_form(
            LoginState.sign_in,
            brand_title("Sign in to leadapp"),
            muted("Your leads, live."),
            auth_field(
                "Email",
                "email",
                type_="email",
                placeholder="you@brokerage.com",
                required=True,
                auto_focus=True,
                auto_complete="username",
            ),
            auth_field(
                "Password",
                "password",
                type_="password",
                required=True,
                auto_complete="current-password",
            ),
            rx.cond(
                (LoginState.login_notice != "") & (LoginState.error == ""),
                notice(
                    LoginState.login_notice,
                    "clock",
                    "amber",
                    testid="login-notice",
                    size="1",
                    width="100%",
                ),
            ),
            rx.cond(
                LoginState.error != "",
                notice(
                    LoginState.error,
                    "triangle_alert",
                    "red",
                    testid="login-error",
                    size="1",
                    width="100%",
                ),
            ),
            wide_submit("Sign in", "sign-in", loading=LoginState.busy),
            rx.link(
                "Forgot your password?",
                href="/forgot-password",
                size="2",
                data_testid="forgot-link",
            ),
            spacing="4",
            reset_on_submit=False,
        ),
        max_width="400px",
    )


def register(app: rx.App) -> None:
    app.add_page(
        login_page,
        route="/login",
        title="Sign in · leadapp",
        on_load=LoginState.redirect_if_signed_in,
    )
