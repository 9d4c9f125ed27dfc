"""Words for counts and labels in running text, the same everywhere."""

import re

_WORD = re.compile(r"\S+")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 MERLIN report', '2 MERLIN reports', '0 queries' (with plural_form='queries')."""
    if count == 1:
        return f"{count} {singular}"
    return f"{count} {plural_form or singular + 's'}"


def _lower_word(word: str) -> str:
    # An acronym (MASH, MERLIN, NHS, CIN) keeps its capitals; so does a word with capitals
    # after its first letter (McDonald); anything else is lower-cased.
    letters = [ch for ch in word if ch.isalpha()]
    if sum(ch.isupper() for ch in letters) > 1:
        return word
    return word.lower()


def lower_in_sentence(text: str) -> str:
    """A label lower-cased to sit mid-sentence: 'Everything with the MASH' -> 'everything with
    the MASH', never 'the mash'."""
    return _WORD.sub(lambda match: _lower_word(match.group(0)), str(text))
