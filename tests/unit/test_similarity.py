"""Character-bigram similarity of petition subjects (repeat detection)."""

from __future__ import annotations

import pytest
from onetrip.domain.similarity import bigrams, dice, is_similar_subject, jaccard, normalize


def test_normalize_folds_width_case_and_punctuation() -> None:
    assert normalize("ＡＢＣ，派出所 不作为！") == "abc派出所不作为"


def test_bigrams_of_chinese_text() -> None:
    assert bigrams("派出所") == {"派出", "出所"}
    assert bigrams("车") == {"车"}
    assert bigrams("，。") == set()


def test_identical_subjects_score_one() -> None:
    assert dice("交警乱罚款", "交警乱罚款") == 1.0
    assert jaccard("交警乱罚款", "交警乱罚款") == 1.0


def test_dice_and_jaccard_values() -> None:
    # {派出, 出所, 所不, 不作, 作为} vs {派出, 出所, 所民, 民警, 警不, 不作, 作为}: 4 shared
    a, b = "派出所不作为", "派出所民警不作为"
    assert dice(a, b) == pytest.approx(2 * 4 / (5 + 7))
    assert jaccard(a, b) == pytest.approx(4 / 8)


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("派出所不作为", "派出所民警不作为", True),
        ("反映小区噪音扰民问题", "再次反映小区噪音扰民", True),
        ("派出所不作为", "户口迁移办理太慢", False),
        ("", "派出所不作为", False),
    ],
)
def test_is_similar_subject(a: str, b: str, similar: bool) -> None:
    assert is_similar_subject(a, b) is similar
