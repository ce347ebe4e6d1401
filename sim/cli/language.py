"""The command line's language, known before its parser is built; argparse's own words in it.

``--lang`` is itself a flag, yet the help and the usage errors are written while the flags are
parsed: so the language is read from the arguments first (``--lang id``, ``--lang=id``, else
the locale's), and the parser is built and parses in it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sim.i18n import LANGUAGES, _, set_language

_LANG = "--lang"
_SHORTEST = len("--la")  # argparse takes an unambiguous prefix; "--l" could be --lever or --low


def speak_as_asked(argv: Sequence[str]) -> str:
    """Speak the language ``--lang`` asks for in ``argv`` (else the locale's); return it.

    The last ``--lang`` counts, as for argparse. A language umkm-sim does not speak is left for
    the parser to refuse, in the locale's language.
    """
    asked = None
    for i, arg in enumerate(argv):
        if arg == "--":  # what follows is not a flag
            break
        name, given, value = arg.partition("=")
        if len(name) >= _SHORTEST and _LANG.startswith(name):
            asked = value if given else (argv[i + 1] if i + 1 < len(argv) else None)
    return set_language(asked if asked in LANGUAGES else None)


def speak_argparse() -> None:
    """Have argparse say its own words (``usage:``, ``error:``, ...) in the current language.

    argparse writes them through ``argparse._`` (``from gettext import gettext as _``), a name
    it looks up each time it speaks. Pointing that name at ``_argparse_words`` sends exactly the
    phrases listed there through our catalogue; any other phrase, and every phrase in English,
    passes through unchanged, so English help stays as argparse wrote it and other users of
    argparse in the process are unaffected. The alternative, a compiled ``argparse`` catalogue
    installed as gettext's global domain, would change what every gettext caller says. A
    Python whose argparse words a phrase differently simply says that phrase in English.
    """
    argparse._ = _argparse_words  # type: ignore[attr-defined]


def _argparse_words(message: str | None) -> str | None:
    """Return argparse's ``message`` in the current language (``None`` for ``None``)."""
    if message is None:  # argparse translates an absent description too
        return None
    words = {
        "usage: ": _("usage: "),
        "%(prog)s: error: %(message)s\n": _("%(prog)s: error: %(message)s\n"),
        "argument %(argument_name)s: %(message)s": _("argument %(argument_name)s: %(message)s"),
        "positional arguments": _("positional arguments"),
        "options": _("options"),
        "show this help message and exit": _("show this help message and exit"),
        "the following arguments are required: %s": _("the following arguments are required: %s"),
        "one of the arguments %s is required": _("one of the arguments %s is required"),
        "unrecognized arguments: %s": _("unrecognized arguments: %s"),
        "not allowed with argument %s": _("not allowed with argument %s"),
        "ignored explicit argument %r": _("ignored explicit argument %r"),
        "expected one argument": _("expected one argument"),
        "expected at most one argument": _("expected at most one argument"),
        "expected at least one argument": _("expected at least one argument"),
        "ambiguous option: %(option)s could match %(matches)s": _(
            "ambiguous option: %(option)s could match %(matches)s"
        ),
        "unexpected option string: %s": _("unexpected option string: %s"),
        "invalid %(type)s value: %(value)r": _("invalid %(type)s value: %(value)r"),
        "invalid choice: %(value)r (choose from %(choices)s)": _(
            "invalid choice: %(value)r (choose from %(choices)s)"
        ),
        "unknown parser %(parser_name)r (choices: %(choices)s)": _(
            "unknown parser %(parser_name)r (choices: %(choices)s)"
        ),
    }
    return words.get(message, message)
