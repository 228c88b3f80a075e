"""The one exception of the fallback renderer."""


class RenderError(Exception):
    """A problem in the document: reported to the user, the build fails."""
