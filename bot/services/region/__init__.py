"""The regional mentorship centre (issue #22): regions of organisations, their coordinators,
aggregated figures, the weekly digest, the regional workbook and nudges to curators.

Plain data in and out: nothing here imports aiogram, the translator or callback data."""
