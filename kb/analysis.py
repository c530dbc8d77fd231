"""Text analysis: French and English analyzers, and the splitting of what a student types.

tantivy does not store custom analyzers in the index, so `register_analyzers` must be called
on every `tantivy.Index` object a process opens. French analysis stems *before* folding
accents (the Snowball stemmer expects accented French); words typed without accents are
matched by restoring their accented forms from the vocabulary (see `kb.vocabulary`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import tantivy

FRENCH = "kb_fr"
ENGLISH = "kb_en"
TAG = "kb_tag"
ANALYZER_BY_LANGUAGE = {"fr": FRENCH, "en": ENGLISH}

# Longest token indexed; longer "words" are noise (URLs, pasted garbage).
MAX_TOKEN_CHARS = 40

# Same word boundaries as tantivy's simple tokenizer: runs of alphanumeric characters.
WORD = re.compile(r"[^\W_]+")

# Spellings that the tokenizer would split and students type joined (or the reverse).
_COMPOUNDS = re.compile(r"\b(?:(wi)[\s-]?fi|e[\s-]mails?|mails?)\b", re.IGNORECASE)


def _compound(match: re.Match[str]) -> str:
    return "wifi" if match.group(1) else "email"


# Words of a question that say nothing about the subject ("comment", "how do I"): dropped
# from queries (not from the index) so that AND does not require them.
_NOISE_WORDS = """
    a as ai est sont suis etre ete etait c ca cela ceci ce cet cette ces
    comment pourquoi quoi quand quel quelle quels quelles lequel laquelle ou
    faire fait faut peut peux puis pouvoir dois doit devoir veux veut voudrais vouloir
    besoin svp stp merci bonjour bonsoir aide aider tres si marche pas
    do does did how what why where when which who whom i im my me mine you your we our
    can could should would been have has its please want need
"""
QUERY_NOISE = frozenset(_NOISE_WORDS.split())

# What callers and students say beside what the documentation writes (query side only: a
# typed word also matches its synonyms). Keys are lowercase without accents.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "combien": ("prix", "tarif"),
    "coute": ("prix", "tarif"),
    "coutent": ("prix", "tarif"),
    "cout": ("prix", "tarif"),
    "prix": ("tarif",),
    "tarif": ("prix",),
    "portable": ("mobile",),
    "mobile": ("portable",),
    "tele": ("tv", "télévision"),
    "television": ("tv",),
    "tv": ("télévision",),
    "rdv": ("rendez",),
    "deces": ("décédé",),
    "decede": ("décès",),
    "mort": ("décès",),
    "enerve": ("mécontent", "agressif", "colère"),
    "crie": ("agressif", "colère"),
    "insulte": ("agressif", "insultes"),
    "routeur": ("box",),
    "modem": ("box",),
    "appli": ("application",),
    "tel": ("téléphone",),
    "courriel": ("email",),
    "payer": ("paiement",),
    "paye": ("paiement", "payé"),
    "coupe": ("coupure",),
    "vendre": ("vente",),
    "vente": ("vendre",),
    "router": ("box",),
    "invoice": ("bill",),
    "bill": ("invoice",),
    "broadband": ("internet",),
    "cellphone": ("mobile",),
}


def _builder(language: str | None, stem: bool) -> tantivy.TextAnalyzer:
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_CHARS))
        .filter(tantivy.Filter.lowercase())
    )
    if language:
        builder = builder.filter(tantivy.Filter.stopword(language))
        if stem:
            builder = builder.filter(tantivy.Filter.stemmer(language))
    return builder.filter(tantivy.Filter.ascii_fold()).build()


@lru_cache(maxsize=1)
def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    """The analyzers by name (built once; they are immutable)."""
    tag = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )
    return {FRENCH: _builder("french", True), ENGLISH: _builder("english", True), TAG: tag}


def register_analyzers(index: tantivy.Index) -> None:
    """Register the analyzers on an opened index (needed in every process, at every open)."""
    for name, analyzer in analyzers().items():
        index.register_tokenizer(name, analyzer)


def analyze(name: str, text: str) -> list[str]:
    """The index terms `text` produces with analyzer `name`."""
    return analyzers()[name].analyze(text)


def normalize(text: str) -> str:
    """Unicode NFC and joined spellings of split compounds; applied to content and queries."""
    text = unicodedata.normalize("NFC", text)
    lowered = text.lower()
    if "mail" in lowered or ("wi" in lowered and "fi" in lowered):  # skip the usual case
        return _COMPOUNDS.sub(_compound, text)
    return text


def fold(word: str) -> str:
    """Lowercase without accents ("Échéancier" -> "echeancier"), for vocabulary keys."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")


def words(text: str) -> list[str]:
    """The words of `text` (lowercase), split where the index tokenizer splits."""
    found = WORD.findall(text.lower())
    if max(map(len, found), default=0) > MAX_TOKEN_CHARS:
        return [w for w in found if len(w) <= MAX_TOKEN_CHARS]
    return found


def tag_key(tag: str) -> str:
    """The normalised form of a tag, as indexed and as filtered on."""
    terms = analyze(TAG, normalize(tag.strip()))
    return terms[0] if terms else ""
