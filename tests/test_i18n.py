import string
from collections.abc import Iterator

import pytest

from stockbot.i18n import (
    CATALOG,
    LANGS,
    detect_language,
    help_text,
    normalize_lang,
    register,
    t,
    tm,
    to_traditional,
)


@pytest.fixture
def scratch_keys() -> Iterator[None]:
    """Keys registered by a test are removed afterwards, so the catalog checks stay true."""
    before = set(CATALOG)
    yield
    for key in set(CATALOG) - before:
        del CATALOG[key]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_a_message_is_returned_in_english_and_simplified_chinese() -> None:
    assert (
        t("qty.not_positive", "en", token="0") == "The quantity must be more than zero (got “0”)."
    )
    assert t("qty.not_positive", "zh-Hans", token="0") == "数量必须大于零（收到“0”）。"


def test_traditional_chinese_is_derived_from_simplified_with_taiwan_phrasing() -> None:
    assert t("qty.not_positive", "zh-Hant", token="0") == "數量必須大於零（收到“0”）。"
    assert t("parse.too_long", "zh-Hant", length=1, max=2) == "訊息太長（1 個字元，上限 2）。"


def test_an_explicit_traditional_text_wins_over_the_conversion() -> None:
    assert t("lang.zh-Hant", "zh-Hant") == "繁體中文"


def test_parameters_are_inserted_after_conversion_so_user_text_is_not_converted() -> None:
    assert "“查库存”" in t("parse.unknown_command", "zh-Hant", command="查库存")


def test_an_unknown_key_comes_back_as_the_key_itself() -> None:
    assert t("no.such.key", "zh-Hant", x=1) == "no.such.key"


@pytest.mark.parametrize("lang", [None, "", "fr", "klingon"])
def test_an_unknown_language_falls_back_to_english(lang: str | None) -> None:
    assert t("qty.missing", lang) == "The quantity is missing."


def test_platform_language_codes_are_understood() -> None:
    assert t("qty.missing", "zh_CN") == "缺少数量。"
    assert t("qty.missing", "zh-TW") == "缺少數量。"


def test_a_missing_parameter_stays_visible_instead_of_raising() -> None:
    assert t("qty.not_positive", "en") == "The quantity must be more than zero (got “{token}”)."


def test_the_language_may_be_passed_by_keyword() -> None:
    assert t("qty.missing", lang="zh-Hant") == "缺少數量。"
    assert "“fr”" in t("parse.unknown_lang", lang="en", value="fr")


def test_no_message_uses_the_reserved_lang_placeholder() -> None:
    assert not any("lang" in placeholders(texts["en"]) for texts in CATALOG.values())


def test_braces_in_user_text_are_not_formatted_again() -> None:
    assert "“{0} {token}”" in t("qty.invalid", "en", token="{0} {token}")


def test_a_broken_template_does_not_raise(scratch_keys: None) -> None:
    register({"test.broken": {"en": "oops {", "zh-Hans": "坏了 {x"}})
    assert t("test.broken", "en", x=1) == "oops {"
    assert t("test.broken", "zh-Hant", x=1) == "壞了 {x"


def test_tm_escapes_parameters_for_text_markup() -> None:
    assert tm("qty.invalid", "en", token="*x*").startswith("“\\*x\\*”")


def test_register_adds_keys_but_refuses_to_silently_redefine_one(scratch_keys: None) -> None:
    register({"test.hello": {"en": "Hello {name}", "zh-Hans": "你好，{name}"}})
    assert t("test.hello", "zh-Hant", name="阿明") == "你好，阿明"
    with pytest.raises(ValueError, match=r"test\.hello"):
        register({"test.hello": {"en": "Hi"}})
    register({"test.hello": {"en": "Hi"}}, replace=True)
    assert t("test.hello", "zh-Hans") == "Hi"


def test_every_catalog_entry_has_english_and_simplified_chinese() -> None:
    for key, texts in CATALOG.items():
        assert texts.get("en"), key
        assert texts.get("zh-Hans"), key
        assert set(texts) <= set(LANGS), key


def test_every_translation_uses_the_same_placeholders_as_the_english_text() -> None:
    for key, texts in CATALOG.items():
        expected = placeholders(texts["en"])
        for lang, text in texts.items():
            assert placeholders(text) == expected, (key, lang)


def test_the_derived_traditional_text_keeps_every_placeholder() -> None:
    for key, texts in CATALOG.items():
        assert placeholders(to_traditional(texts["zh-Hans"])) == placeholders(texts["en"]), key


@pytest.mark.parametrize("lang", LANGS)
def test_help_has_an_overview_and_a_page_per_command_in_every_language(lang: str) -> None:
    overview = help_text(None, lang)
    assert overview != "help.overview"
    page = help_text("request", lang)
    assert "help.request" not in page
    assert "usage.request" not in page


def test_traditional_help_uses_traditional_aliases() -> None:
    assert "領料" in help_text(None, "zh-Hant")
    assert "领料" not in help_text(None, "zh-Hant")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("查库存 M8", "zh-Hans"),
        ("查庫存 M8", "zh-Hant"),
        ("領料 M8螺栓 20個", "zh-Hant"),
        ("领料 M8螺栓 20个", "zh-Hans"),
        ("物料", "zh-Hans"),
        ("stock m8", "en"),
        ("Café", "en"),
        ("123 456", None),
        ("", None),
        (None, None),
        ("!!! ???", None),
    ],
)
def test_the_language_is_detected_from_the_script(text: str | None, lang: str | None) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("value", "lang"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("zh", "zh-Hans"),
        ("zh-hans", "zh-Hans"),
        ("zh_CN", "zh-Hans"),
        ("简体", "zh-Hans"),
        ("zh-Hant", "zh-Hant"),
        ("zh-TW", "zh-Hant"),
        ("zh-hk", "zh-Hant"),
        ("繁體", "zh-Hant"),
        ("fr", None),
        (None, None),
    ],
)
def test_language_names_and_codes_are_normalised(value: str | None, lang: str | None) -> None:
    assert normalize_lang(value) == lang


def test_format_specs_and_positional_fields_behave_as_before(scratch_keys: None) -> None:
    register(
        {
            "test.spec": {"en": "[{x:>4}] {y!r} {{kept}} {z}", "zh-Hans": "[{x:>4}]"},
            "test.positional": {"en": "a {0} b {x}", "zh-Hans": "a {0}"},
            "test.bad_spec": {"en": "n={x:d}", "zh-Hans": "n={x:d}"},
        }
    )
    assert t("test.spec", "en", x="ab", y="q") == "[  ab] 'q' {kept} {z}"
    assert t("test.positional", "en", x=1) == "a {0} b {x}"  # no positional values: as is
    assert t("test.bad_spec", "en", x="ab") == "n={x:d}"  # a spec the value refuses: as is
    assert t("test.bad_spec", "en", x=7) == "n=7"
