"""The dashboard's API, one router per concern: ``meta`` (health, the form's names, the country outlines),
``jobs`` (assessments submitted, their progress and their files), ``atlas`` and ``designs``. Each endpoint calls
one library function; the state is the application's (``request.app.state``)."""
