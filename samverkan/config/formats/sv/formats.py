"""Swedish input formats: ISO dates only.

Django's own `sv` module also accepts US forms (10/11/2024), which a Swedish reader takes as
10 November; only the unambiguous ISO form is accepted. Display formats come from Django.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
