"""nbgrader export with one column per exercise, for the course that ``make student`` writes.

The course's ``nbgrader_config.py`` names :class:`PerExerciseExport`, so ``nbgrader export``
writes ``grades.csv`` with nbgrader's usual columns and then one per graded cell:
``check-<exercise id>`` (autograded) and ``written-<label>`` or ``answer-<label>`` (graded by
hand). A cell's score is the manual score where the instructor gave one, else the autograder's.
This module needs nbgrader, which only the instructor installs; ``import lettools`` never loads it.
"""

from __future__ import annotations

import csv

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

__all__ = ["PerExerciseExport"]

_COLUMNS = ["assignment", "student_id", "last_name", "first_name", "email", "timestamp", "raw_score",
            "late_submission_penalty", "score", "max_score"]


class PerExerciseExport(ExportPlugin):
    """``grades.csv`` (or ``--to``): one row per assignment and student, one column per graded cell."""

    def export(self, gradebook: Gradebook) -> None:
        destination = self.to or "grades.csv"
        assignments = [a for a in gradebook.assignments if not self.assignment or a.name in self.assignment]
        students = [s for s in gradebook.students if not self.student or s.id in map(str, self.student)]
        cells = sorted({cell.name for assignment in assignments for notebook in assignment.notebooks
                        for cell in notebook.grade_cells})
        with open(destination, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=_COLUMNS + cells)
            writer.writeheader()
            for assignment in assignments:
                for student in students:
                    writer.writerow(self._row(gradebook, assignment, student))
        self.log.info("Exported grades with %d per-exercise columns to %s", len(cells), destination)

    @staticmethod
    def _row(gradebook: Gradebook, assignment, student) -> dict[str, object]:
        row: dict[str, object] = {"assignment": assignment.name, "student_id": student.id,
                                  "last_name": student.last_name or "", "first_name": student.first_name or "",
                                  "email": student.email or "", "max_score": assignment.max_score}
        try:
            submission = gradebook.find_submission(assignment.name, student.id)
        except MissingEntry:  # nothing submitted: zero, and blank exercise columns
            return {**row, "timestamp": "", "raw_score": 0.0, "late_submission_penalty": 0.0, "score": 0.0}
        penalty = submission.late_submission_penalty or 0.0
        row.update(timestamp=submission.timestamp or "", raw_score=submission.score,
                   late_submission_penalty=penalty, score=max(0.0, submission.score - penalty))
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                row[grade.name] = grade.score
        return row
