"""settings() follows the environment: a changed REFLEX_* variable is seen at once, and an
unchanged environment reuses the settings already built."""

from leadapp import settings as settings_mod


def test_settings_follow_a_changed_variable(monkeypatch):
    monkeypatch.setenv("REFLEX_LEADAPP_SESSION_HOURS", "7")
    first = settings_mod.settings()
    assert first.leadapp_session_hours == 7
    assert settings_mod.settings() is first  # nothing changed: not built again
    monkeypatch.setenv("REFLEX_LEADAPP_SESSION_HOURS", "9")
    assert settings_mod.settings().leadapp_session_hours == 9
    monkeypatch.delenv("REFLEX_SMTP_HOST", raising=False)
    monkeypatch.setenv("reflex_smtp_host", "mail.test")  # any case, as pydantic reads them
    assert settings_mod.settings().smtp_host == "mail.test"
    monkeypatch.delenv("reflex_smtp_host")
    monkeypatch.delenv("REFLEX_LEADAPP_SESSION_HOURS")
    assert settings_mod.settings().leadapp_session_hours == 12
