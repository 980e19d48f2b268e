"""The one exception type the CLI shows to a person as a single clear line."""


class StoreOpsError(Exception):
    """A problem the user can fix (bad file, locked file, wrong argument).

    The message is shown as one line, Chinese first then English, with exit code 2.
    """

    exit_code = 2
