"""Subject similarity for repeat-petition detection (重复信访).

Chinese has no spaces between words, so word overlap is useless; overlapping character
bigrams capture "派出所不作为" vs "派出所民警不作为" well without a segmenter.
"""

from __future__ import annotations

import unicodedata

# Tuned on short subjects (≤ 200 characters): rephrasings of one grievance score
# 0.5-0.9, different grievances of one person rarely above 0.3.
REPEAT_SUBJECT_THRESHOLD = 0.5


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lowercase, keep only letters and digits."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def bigrams(text: str) -> set[str]:
    """Character bigrams of the normalized text; a 1-character text is its own gram."""
    compact = normalize(text)
    if len(compact) < 2:
        return {compact} if compact else set()
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def dice(a: str, b: str) -> float:
    """Sørensen-Dice coefficient of the bigram sets, 0.0-1.0."""
    grams_a, grams_b = bigrams(a), bigrams(b)
    if not grams_a or not grams_b:
        return 0.0
    return 2 * len(grams_a & grams_b) / (len(grams_a) + len(grams_b))


def jaccard(a: str, b: str) -> float:
    """Jaccard index of the bigram sets, 0.0-1.0."""
    grams_a, grams_b = bigrams(a), bigrams(b)
    if not grams_a or not grams_b:
        return 0.0
    return len(grams_a & grams_b) / len(grams_a | grams_b)


def is_similar_subject(a: str, b: str, threshold: float = REPEAT_SUBJECT_THRESHOLD) -> bool:
    return dice(a, b) >= threshold
