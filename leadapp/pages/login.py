"""The sign-in page (G1)."""

from __future__ import annotations

import reflex as rx

from leadapp.state.login import LoginState


def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.hstack(
                        rx.box(
                            rx.icon("house", size=22, color="white"),
                            background=rx.color("accent", 9),
                            padding="8px",
                            border_radius="10px",
                        ),
                        rx.heading("Sign in to leadapp", size="6"),
                        align="center",
                        spacing="3",
                    ),
                    rx.text("Your leads, live.", color_scheme="gray", size="2"),
                    rx.vstack(
                        rx.text("Email", size="2", weight="medium", as_="label", html_for="email"),
                        rx.input(
                            id="email",
                            name="email",
                            type="email",
                            placeholder="you@brokerage.com",
                            required=True,
                            auto_focus=True,
                            size="3",
                            width="100%",
                            auto_complete="username",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.vstack(
                        rx.text(
                            "Password", size="2", weight="medium", as_="label", html_for="password"
                        ),
                        rx.input(
                            id="password",
                            name="password",
                            type="password",
                            required=True,
                            size="3",
                            width="100%",
                            auto_complete="current-password",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.cond(
                        (LoginState.login_notice != "") & (LoginState.error == ""),
                        rx.callout(
                            LoginState.login_notice,
                            icon="clock",
                            color_scheme="amber",
                            size="1",
                            width="100%",
                            data_testid="login-notice",
                        ),
                    ),
                    rx.cond(
                        LoginState.error != "",
                        rx.callout(
                            LoginState.error,
                            icon="triangle_alert",
                            color_scheme="red",
                            size="1",
                            width="100%",
                            data_testid="login-error",
                        ),
                    ),
                    rx.button(
                        "Sign in",
                        type="submit",
                        size="3",
                        width="100%",
                        loading=LoginState.busy,
                        data_testid="sign-in",
                    ),
                    rx.link(
                        "Forgot your password?",
                        href="/forgot-password",
                        size="2",
                        data_testid="forgot-link",
                    ),
                    spacing="4",
                    width="100%",
                ),
                on_submit=LoginState.sign_in,
                reset_on_submit=False,
            ),
            size="4",
            width="100%",
            max_width="400px",
        ),
        min_height="100vh",
        padding="16px",
        background=rx.color("gray", 2),
    )


def register(app: rx.App) -> None:
    app.add_page(
        login_page,
        route="/login",
        title="Sign in · leadapp",
        on_load=LoginState.redirect_if_signed_in,
    )
