from datensorgfalt import i18n


def test_every_german_text_has_an_english_one_and_back() -> None:
    assert i18n.keys("de") == i18n.keys("en")


def test_placeholders_match_between_languages() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key in i18n.keys("de"):
        assert fields(i18n.t(key, lang="de")) == fields(i18n.t(key, lang="en")), key
