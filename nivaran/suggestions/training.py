"""The category suggester's classifier (B3): what it reads, how it is fitted, how it is judged.

Nothing here touches the database: `services.py` feeds it the platform's grievances and
complaint types, `evaluation.py` a profile's demo texts, through the same functions.

Features: a TF-IDF over character n-grams (2 to 4 letters, within words) of the text's
script-neutral spelling (`duplicates.normalise.phonetic` of each word, so "पानी", "paani"
and "pani" share their n-grams), plus a TF-IDF over the text's terms
(`duplicates.normalise.text_terms`: phonetic words, mapped to the grievance lexicon's
concepts across Hindi, English and Hinglish). The model is a multinomial logistic
regression, whose probabilities are the scores shown.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import joblib  # type: ignore[import-untyped]
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedGroupKFold  # type: ignore[import-untyped]
from sklearn.pipeline import FeatureUnion, Pipeline  # type: ignore[import-untyped]

from nivaran.duplicates.normalise import phonetic, text_terms, tokens

# A grievance whose type an officer corrected (M1) counts this many times.
VERIFIED_WEIGHT = 3.0
# A complaint type's own name, as a training text, counts this many times.
NAME_WEIGHT = 3.0


def phonetic_text(text: str) -> str:
    """The text as one script-neutral string of phonetic words (the n-grams' input)."""
    return " ".join(w for w in (phonetic(t) for t in tokens(text)) if w)


def term_list(text: str) -> list[str]:
    """The text's lexicon terms, sorted (a TF-IDF analyzer must return a sequence)."""
    return sorted(text_terms(text))


def group_key(text: str) -> str:
    """Texts that are the same text: case, Unicode form and spacing do not count."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True)
class TypeText:
    """A complaint type as training text: its names (and its parent's), in both languages."""

    label: Hashable
    name: str
    name_hi: str = ""
    parent_name: str = ""
    parent_name_hi: str = ""

    def texts(self) -> list[str]:
        return [
            t
            for t in (
                f"{self.name} {self.parent_name}".strip(),
                f"{self.name_hi} {self.parent_name_hi}".strip(),
            )
            if t
        ]


@dataclass(frozen=True)
class Sample:
    text: str
    label: Hashable
    weight: float = 1.0


def samples(rows: Iterable[tuple[str, Hashable, bool]], types: Iterable[TypeText]) -> list[Sample]:
    """Training samples from (text, label, verified) rows and the types' names.

    Rows of the same text and label become one sample whose weight is their count (the
    generator and copy-paste repeat texts), a verified row counting `VERIFIED_WEIGHT`.
    """
    weights: dict[tuple[str, Hashable], float] = {}
    first: dict[tuple[str, Hashable], str] = {}
    for text, label, verified in rows:
        if not text or not text.strip():
            continue
        key = (group_key(text), label)
        weights[key] = weights.get(key, 0.0) + (VERIFIED_WEIGHT if verified else 1.0)
        first.setdefault(key, text)
    out = [Sample(first[key], key[1], w) for key, w in weights.items()]
    for t in types:
        out.extend(Sample(text, t.label, NAME_WEIGHT) for text in t.texts())
    return out


def pipeline(*, large: bool = False) -> Pipeline:
    """The untrained model. `large`: a corpus big enough to drop n-grams seen only once."""
    min_df = 2 if large else 1
    features = FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    preprocessor=phonetic_text,
                    analyzer="char_wb",
                    ngram_range=(2, 4),
                    sublinear_tf=True,
                    min_df=min_df,
                    max_features=200_000,
                    dtype=np.float32,
                ),
            ),
            (
                "terms",
                TfidfVectorizer(
                    analyzer=term_list,
                    sublinear_tf=True,
                    min_df=min_df,
                    max_features=100_000,
                    dtype=np.float32,
                ),
            ),
        ]
    )
    return Pipeline([("features", features), ("model", LogisticRegression(C=10.0, max_iter=2000))])


def fit(training: Sequence[Sample]) -> Pipeline:
    labels = {s.label for s in training}
    if len(labels) < 2:
        raise ValueError("at least two complaint types are needed to train")
    model = pipeline(large=len(training) > 20_000)
    model.fit(
        [s.text for s in training],
        [s.label for s in training],
        model__sample_weight=[s.weight for s in training],
    )
    return model


def ranked(model: Pipeline, text: str) -> list[tuple[Any, float]]:
    """Every label the model knows with its probability for the text, best first."""
    probabilities = model.predict_proba([text])[0]
    order = np.argsort(-probabilities, kind="stable")
    classes = model.classes_
    return [(classes[i].item(), float(probabilities[i])) for i in order]


def dumps(model: Pipeline) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    return buffer.getvalue()


def loads(blob: bytes) -> Pipeline:
    """Only for bytes whose signature was checked (`models.SuggestionModel.load`)."""
    model: Pipeline = joblib.load(io.BytesIO(blob))
    return model


@dataclass(frozen=True)
class Figures:
    texts: int  # held-out texts judged
    top1: float
    top3: float
    folds: int
    department_top1: float | None = None  # the best type is of the right department


def held_out(
    rows: Sequence[tuple[str, Hashable]],
    types: Sequence[TypeText],
    *,
    folds: int = 3,
    seed: int = 0,
    department_of: dict[Hashable, str] | None = None,
) -> Figures:
    """Top-1 and top-3 accuracy on texts the model never saw: the rows are split by their
    text (`group_key`), never by row, so a text repeated in many rows is wholly on one side.
    Each fold trains on the other folds' texts plus every type's names."""
    keys = [group_key(text) for text, _label in rows]
    labels = [label for _text, label in rows]
    index = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    groups = [index[k] for k in keys]
    # A type needs as many texts as folds to be stratified; rarer types still split by text.
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    y = [str(label) for label in labels]
    hits1 = hits3 = same_department = judged = 0
    for train_idx, test_idx in splitter.split(keys, y, groups):
        model = fit(samples(((rows[i][0], labels[i], False) for i in train_idx), types))
        tested = {keys[i]: i for i in test_idx}  # each held-out text once
        for i in tested.values():
            top = [label for label, _p in ranked(model, rows[i][0])[:3]]
            judged += 1
            hits1 += top[:1] == [labels[i]]
            hits3 += labels[i] in top
            if department_of is not None:
                same_department += department_of.get(top[0]) == department_of.get(labels[i])
    if not judged:
        return Figures(0, 0.0, 0.0, folds)
    department = same_department / judged if department_of is not None else None
    return Figures(judged, hits1 / judged, hits3 / judged, folds, department)
