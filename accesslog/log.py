"""Writing the access log. The access issue (issue 3) implements the table; the signature is fixed:

    log_access(request, action, subjects, purpose=...)

`subjects` is an iterable of (model label, pk, pseudonymous reference) for each data subject seen.
"""


def log_access(request, action, subjects, *, purpose="", result="success"):
    raise NotImplementedError("implemented by the access issue")
