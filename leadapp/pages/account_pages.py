"""Pages before sign-in (G1): first-run setup, set a password, forgot password."""

from __future__ import annotations

import reflex as rx

from leadapp.components.auth_card import auth_field, brand_title, centered_card
from leadapp.components.forms import field_stack
from leadapp.components.sections import timezone_select
from leadapp.components.ui import muted, notice, stack_form, wide_submit
from leadapp.state.account_pages import (
    FORGOT_ANSWER,
    ForgotPasswordState,
    SetPasswordState,
    SetupState,
)


def setup_page() -> rx.Component:
    e = SetupState.errors
    return centered_card(
        brand_title("Set up leadapp"),
        muted(
            "Your brokerage and its first broker. This page is shown once, while leadapp has "
            "no users."
        ),
        stack_form(
            SetupState.submit,
            rx.heading("Brokerage", size="3"),
            auth_field("Brokerage name", "brokerage_name", e, required=True),
            field_stack(
                "Time zone",
                timezone_select(
                    SetupState.timezones,
                    SetupState.setup_timezone,
                    SetupState.set_setup_timezone,
                    testid="setup-timezone",
                ),
            ),
            auth_field(
                "Primary email (notices go here)", "primary_email", e, "email", required=True
            ),
            auth_field("Postal address (shown in marketing email footers)", "postal_address", e),
            rx.divider(),
            rx.heading("First broker", size="3"),
            auth_field("Your name", "name", e, required=True),
            auth_field("Your email (your sign-in)", "email", e, "email", required=True),
            auth_field(
                "Password (at least 10 characters)",
                "password",
                e,
                "password",
                auto_complete="new-password",
            ),
            wide_submit("Create brokerage", "setup"),
            reset_on_submit=False,
        ),
        max_width="520px",
    )


def set_password_page() -> rx.Component:
    e = SetPasswordState.errors
    return centered_card(
        brand_title("Choose your password"),
        rx.cond(
            SetPasswordState.link_error != "",
            rx.vstack(
                notice(SetPasswordState.link_error, "triangle_alert", "red", testid="link-error"),
                rx.link("Back to sign-in", href="/login"),
                width="100%",
            ),
            rx.cond(
                SetPasswordState.link_purpose != "",
                stack_form(
                    SetPasswordState.submit,
                    rx.text(
                        rx.cond(
                            SetPasswordState.link_purpose == "invite",
                            "Welcome, ",
                            "A new password for ",
                        ),
                        rx.text.strong(SetPasswordState.link_name),
                        " (",
                        SetPasswordState.link_email,
                        ")",
                        size="2",
                    ),
                    auth_field(
                        "New password (at least 10 characters)",
                        "password",
                        e,
                        "password",
                        auto_complete="new-password",
                    ),
                    auth_field("Repeat it", "repeat", e, "password", auto_complete="new-password"),
                    wide_submit("Set password", "set-password"),
                    reset_on_submit=False,
                ),
                rx.spinner(),
            ),
        ),
    )


def forgot_password_page() -> rx.Component:
    return centered_card(
        brand_title("Forgot your password?"),
        rx.cond(
            ForgotPasswordState.sent,
            rx.callout(FORGOT_ANSWER, icon="mail", data_testid="forgot-answer"),
            stack_form(
                ForgotPasswordState.submit,
                muted("Enter your sign-in email; we send you a link to choose a new password."),
                rx.input(
                    name="email",
                    type="email",
                    required=True,
                    size="3",
                    width="100%",
                    placeholder="you@brokerage.com",
                    data_testid="forgot-email",
                ),
                wide_submit("Email me a link", "forgot-send"),
            ),
        ),
        rx.link("Back to sign-in", href="/login", size="2"),
    )


def register(app: rx.App) -> None:
    app.add_page(setup_page, route="/setup", title="Set up · leadapp", on_load=SetupState.load)
    app.add_page(
        set_password_page,
        route="/set-password",
        title="Choose your password · leadapp",
        on_load=SetPasswordState.load,
    )
    app.add_page(
        forgot_password_page,
        route="/forgot-password",
        title="Forgot password · leadapp",
        on_load=ForgotPasswordState.reset_form,
    )
