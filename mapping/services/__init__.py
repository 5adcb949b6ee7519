"""Writes that span models, by purpose: reference data, survey edits, rating, figures.

The names callers use are gathered here (`services.assessment_verify(...)`).
"""

from mapping.services.facts import facts_changed
from mapping.services.penetapan import (
    PenetapanError, adoption_refusal, candidate_add, candidate_remove, candidate_score, participant_add,
    participant_remove, penetapan_adopt, penetapan_create, penetapan_measure_again, penetapan_reopen,
    penetapan_submit, submission_problems, thresholds_text,
)
from mapping.services.rating import (
    RatingError, assessment_return, assessment_save, assessment_start, assessment_verify, rubric_new_version,
    scored_criteria,
)
from mapping.services.reference import wilayah_load
from mapping.services.registry import (
    EditConflict, created_once, permit_record, quick_survey_save, survey_save, versioned_save,
)

__all__ = [
    "PenetapanError", "adoption_refusal", "candidate_add", "candidate_remove", "candidate_score",
    "participant_add", "participant_remove", "penetapan_adopt", "penetapan_create", "penetapan_measure_again",
    "penetapan_reopen", "penetapan_submit", "submission_problems", "thresholds_text",
    "EditConflict", "RatingError", "assessment_return", "assessment_save", "assessment_start", "assessment_verify",
    "created_once", "facts_changed", "permit_record", "quick_survey_save", "rubric_new_version", "scored_criteria", "survey_save",
    "versioned_save", "wilayah_load",
]
