"""Script-neutral forms of names and complaint texts (B2).

Devanagari and Latin meet in one phonetic Latin spelling: Devanagari is transliterated
with indic-transliteration (ITRANS) after Hindi's final schwa is dropped ("राम" is "ram",
not "rama"), then both scripts pass the same folding (long vowels, aspirates, doubled
letters, the short "a" between consonants that Hindi speakers drop or write at will).

Tokens are runs of letters *with their combining marks*: Python's `re` `\\w` does not
match the vowel signs (matras) and the virama, so `re.findall(r"\\w+", "सुनीता")` gives
["स", "न", "त"]; `TOKEN` below keeps a Devanagari word whole.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from indic_transliteration import sanscript  # type: ignore[import-untyped]

from nivaran.duplicates.lexicon import GROUPS, STOPWORD_FORMS

# Letters, digits and the whole Devanagari block but its dandas (U+0964, U+0965);
# ZWJ/ZWNJ too, which some keyboards put inside conjuncts.
TOKEN = re.compile(r"(?:[^\W_]|[\u0900-\u0963\u0966-\u097F\u200c\u200d])+")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_CONSONANT = re.compile(r"[\u0915-\u0939\u0958-\u095F]$")
VIRAMA = "\u094d"
HONORIFICS = frozenset(
    {"shri", "sri", "shrimati", "smt", "mr", "mrs", "ms", "km", "kumari", "sushri", "dr", "late"}
)
# ITRANS spellings that lower-casing would not fold (before lower-casing).
_ITRANS = (
    (".N", "n"),  # chandrabindu
    (".n", "n"),
    ("Mh", "ngh"),  # "siMha": Singh
    ("M", "n"),  # anusvara: "sureMdra" is Surendra
    ("H", ""),  # visarga
    (".h", ""),
    ("RRi", "ri"),
    ("~N", "n"),
    ("~n", "n"),
    (".D", "d"),  # nukta letters: ड़ is often written "r" or "d"
    (".Dh", "d"),
)
# Folding of Latin spellings, in order: the many ways Hinglish writes one sound.
_FOLDS = tuple(
    (re.compile(pattern), new)
    for pattern, new in (
        ("ph", "f"),
        ("sh", "s"),
        ("c(?!h)", "k"),  # the "k" of "Kaushik"/"Causik"; "ch" stays "c" below
        ("x", "ks"),
        ("q", "k"),
        ("z", "j"),
        ("w", "v"),
        ("ee|ii", "i"),
        ("oo|uu|ou", "u"),
        ("y", "i"),
    )
)
_ASPIRATE = re.compile(r"([bcdgjkpt])h")
_DOUBLE = re.compile(r"(.)\1+")
_SCHWA = re.compile(r"(?<=[^aeiou])a(?=[^aeiou])")
_NON_LETTER = re.compile(r"[^a-z0-9]")


def tokens(text: str) -> list[str]:
    """The words of a text in either script, Devanagari words whole."""
    return TOKEN.findall(unicodedata.normalize("NFC", text))


def _devanagari_to_latin(word: str) -> str:
    if _CONSONANT.search(word) and not word[:-1].endswith(VIRAMA):
        word += VIRAMA  # Hindi drops the final inherent vowel, not after a conjunct
    latin: str = sanscript.transliterate(word, sanscript.DEVANAGARI, sanscript.ITRANS)
    for old, new in _ITRANS:
        latin = latin.replace(old, new)
    return latin


@functools.lru_cache(maxsize=65536)
def phonetic(word: str) -> str:
    """One word's script-neutral spelling: "सुनीता" and "Suneeta" are both "sunita"."""
    word = word.replace("\u200c", "").replace("\u200d", "")
    if DEVANAGARI.search(word):
        word = _devanagari_to_latin(word)
    word = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(ch for ch in word if not unicodedata.combining(ch))
    word = _NON_LETTER.sub("", word)
    for pattern, new in _FOLDS:
        word = pattern.sub(new, word)
    word = _ASPIRATE.sub(r"\1", _ASPIRATE.sub(r"\1", word))
    word = _DOUBLE.sub(r"\1", word)
    if len(word) > 3:
        word = word[0] + _SCHWA.sub("", word[1:])
    return word


def _concepts() -> dict[str, str]:
    """Each surface form's phonetic spelling -> its concept (the group's first word)."""
    concepts: dict[str, str] = {}
    for group in GROUPS:
        forms = group.split()
        for form in forms:  # "old_age": the two words "old age", or "oldage"
            concepts.setdefault(phonetic(form.replace("_", "")), forms[0])
    return concepts


CONCEPTS = _concepts()
CONCEPT_NAMES = frozenset(CONCEPTS.values())
STOPWORDS = frozenset(phonetic(w) for w in STOPWORD_FORMS.split())


@functools.lru_cache(maxsize=65536)
def name_form(name: str) -> str:
    """A person's name as compared: phonetic words, honorifics left out. Memoised: bulk
    registration indexes the same few thousand names hundreds of thousands of times."""
    words = [phonetic(t) for t in tokens(name)]
    return " ".join(w for w in words if w and w not in HONORIFICS)


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The blocking key of a name: each word's first letter and its consonants, the words
    sorted, so that vowel slips ("Dvi" for "Devi") and word order do not matter."""
    words = []
    for word in name_form(name).split():
        skeleton = word[0] + re.sub(r"[aeiou]", "", word[1:])
        words.append(skeleton)
    return " ".join(sorted(words))


def text_terms(text: str) -> frozenset[str]:
    """A complaint's meaning as a set of terms: each word's phonetic form, mapped to its
    concept where the lexicon knows it ("पानी", "paani" and "water" are all `water`),
    without the words every complaint uses."""
    terms = set()
    words = [phonetic(token) for token in tokens(text)]
    skip = False
    for word, after in zip(words, [*words[1:], ""], strict=True):
        if skip:  # the second word of a pair the lexicon knows ("street light")
            skip = False
            continue
        if after and (concept := _concept(word + after)):
            terms.add(concept)
            skip = True
            continue
        if term := _term(word):
            terms.add(term)
    return frozenset(terms)


@functools.lru_cache(maxsize=65536)
def _concept(word: str) -> str | None:
    """The concept a word (or a pair written as one) names, if the lexicon knows it.
    Memoised, as `_term`: bulk registration asks about the same words millions of times."""
    return CONCEPTS.get(word) or CONCEPTS.get(_stem(word))


@functools.lru_cache(maxsize=65536)
def _term(word: str) -> str | None:
    """A word's term in `text_terms`, or None for a word that carries no meaning."""
    if len(word) < 2 or word.isdigit() or word in STOPWORDS:
        return None
    return _concept(word) or word


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)]
    return word
