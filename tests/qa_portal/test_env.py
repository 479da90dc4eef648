from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from qa_portal.env import env_bool, env_date, env_int, env_list, env_secret


def test_env_bool_reads_true_and_false_words(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", default=True) is False


def test_env_bool_refuses_a_typo_instead_of_meaning_off(monkeypatch):
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        env_bool("FLAG")


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", default=True) is True


def test_env_int_refuses_words(monkeypatch):
    monkeypatch.setenv("COUNT", "five")
    with pytest.raises(ImproperlyConfigured, match="COUNT must be a whole number"):
        env_int("COUNT", 1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example.org, ,b.example.org ")
    assert env_list("HOSTS") == ["a.example.org", "b.example.org"]


def test_env_secret_reads_a_file_named_by_the_file_variable(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("TOKEN_FILE", str(secret))
    monkeypatch.setenv("TOKEN", "from-the-environment")
    assert env_secret("TOKEN") == "from-a-file"


def test_env_secret_fails_loudly_when_the_file_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("TOKEN_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_secret("TOKEN")


def test_env_date_reads_an_iso_date_and_treats_blank_as_unset(monkeypatch):
    monkeypatch.setenv("SINCE", " 2026-04-01 ")
    assert env_date("SINCE") == date(2026, 4, 1)
    monkeypatch.setenv("SINCE", "")
    assert env_date("SINCE") is None


def test_env_date_refuses_a_date_in_another_form(monkeypatch):
    monkeypatch.setenv("SINCE", "01/04/2026")
    with pytest.raises(ImproperlyConfigured, match="SINCE must be a date written YYYY-MM-DD"):
        env_date("SINCE")
