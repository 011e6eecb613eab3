"""mkdocs hook: doctest's ``<BLANKLINE>`` marker is for the test runner; readers see a blank line."""


def on_page_markdown(markdown: str, **kwargs: object) -> str:
    return markdown.replace("<BLANKLINE>", "")
