"""The glossary (``sim/locale/glossary.yaml``) is what the Indonesian catalogue says.

Every message is checked two ways: no rejected rendering anywhere (whole words, any case), and
where its English says a glossary term, its Indonesian says that term's Indonesian. The commands'
own Indonesian output is checked for rejected renderings in ``test_speaks_indonesian``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml
from test_i18n import catalogue

from sim.i18n import LOCALES

GLOSSARY = LOCALES / "glossary.yaml"
AS_WRITTEN = re.compile(
    r"'[^']*'"  # a quoted value
    r"|`[^`]*`"  # a command or a key, as typed
    r"|\{[^}]*\}"  # a placeholder, or a YAML flow mapping
    r"|--[\w-]+"  # a flag
    r"|[\w*/~]+(?:[./_:-][\w*/~]+)+"  # a key path, a file or a name with its separators
    r"|\b[A-Z]{3,}\w*"  # a placeholder of a command's help: SCENARIO, DIR, RECORDS
    # a scenario's section, or the command fit, as typed: "the sweep: section", "fit: give ..."
    r"|\b(?:kitchens|products|buyers|sweep|levers|uncertainties|policies|costs|fit)(?=:|\s+section)"
)


@cache
def terms() -> tuple[dict[str, Any], ...]:
    """Every entry of the glossary, its sections (domain, statistics) one after the other."""
    data = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    return tuple(entry for section in data.values() for entry in section)


def _words(phrase: str, *, pattern: bool = False) -> re.Pattern[str]:
    """``phrase`` as whole words, in any case (``SK`` is found in ``SK 95%``, not in ``SKALA``).

    With ``pattern``, ``phrase`` is a regular expression (an ``en_forms`` entry), else literal.
    """
    inner = phrase if pattern else re.escape(phrase)
    return re.compile(rf"(?<![\w-])(?:{inner})(?![\w-])", re.IGNORECASE)


def rejected_in(text: str) -> list[str]:
    """The rejected renderings that ``text`` uses, each as ``rendering (the term it renders)``."""
    return [
        f"{bad} ({entry['en']})"
        for entry in terms()
        for bad in entry.get("rejected", [])
        if _words(bad).search(text)
    ]


def unsaid(english: str, indonesian: str) -> list[str]:
    """The glossary terms ``english`` says whose Indonesian ``indonesian`` does not say.

    What the user writes (quoted values, flags, key paths, placeholders) is not a term. An
    Indonesian form matches as a part of a word too, so its inflections count (``setor`` in
    ``setoran`` and ``menyetor``).
    """
    prose = AS_WRITTEN.sub(" ", english)
    said = indonesian.lower()
    return [
        entry["en"]
        for entry in terms()
        if any(_words(form, pattern=True).search(prose) for form in entry.get("en_forms", []))
        and not any(form.lower() in said for form in entry["id_forms"])
    ]


def test_the_glossary_is_well_formed():
    """Each entry has its two terms and a reason; checked terms come with both their forms."""
    assert len(terms()) > 40
    for entry in terms():
        assert {"en", "id", "note"} <= set(entry), entry
        assert set(entry) <= {"en", "id", "en_forms", "id_forms", "rejected", "note"}, entry
        assert ("en_forms" in entry) == ("id_forms" in entry), entry["en"]
        assert not rejected_in(entry["id"]), entry["en"]  # it does not reject its own choice
    english = [form.lower() for entry in terms() for form in entry.get("en_forms", [])]
    assert sorted({f for f in english if english.count(f) > 1}) == []


def test_the_checks_can_fail():
    """A planted rejected rendering is found, whole words only; a planted wrong term too."""
    assert rejected_in("Tingkat gagal kuota 21% (SK 95% 19%-23%)") == [
        "SK (95% confidence interval (CI))"
    ]
    assert rejected_in("Geser PENGUNGKIT ini") == ["pengungkit (lever)"]
    assert rejected_in("21% baris pengiriman kurang dari kuota")
    assert not rejected_in("SKALA dan risiko; kisaran 95%: 19% sampai 23%")
    assert unsaid("Move each lever", "Geser setiap pengungkit") == ["lever"]
    assert unsaid("Move each lever", "Geser setiap tuas kebijakan") == []
    assert unsaid("--lever PATH: with 'lever'", "--lever PATH: dengan 'lever'") == []
    assert unsaid("the levers: section", "bagian levers:") == []
    assert unsaid("did you mean {key}?", "mungkin maksudnya {key}?") == []
    assert unsaid("mean output", "produksi") == ["mean"]
    planted = {**catalogue(), "95% CI": "SK 95%"}
    assert [english for english, said in planted.items() if rejected_in(said)] == ["95% CI"]


def test_no_message_uses_a_rejected_rendering():
    """Not "SK 95%" (a decree), not "pengungkit", "penyesalan", "baris pengiriman" ..."""
    found = {english: rejected_in(said) for english, said in catalogue().items()}
    assert {english: bad for english, bad in found.items() if bad} == {}


def test_every_message_says_the_glossarys_indonesian_for_its_terms():
    """A message that says "lever" says "tuas"; "shipment line", "pos kiriman"; and so on."""
    found = {english: unsaid(english, said) for english, said in catalogue().items()}
    assert {english: terms for english, terms in found.items() if terms} == {}
