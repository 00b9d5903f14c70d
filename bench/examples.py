"""The three reference requirements every end-to-end benchmark measures."""

EXAMPLES = {
    "bookstore": (
        "Build a REST API for a bookstore with books (title, author, price, published year) and "
        "authors (name, country). Users must log in with JWT to create, update or delete; anyone "
        "can read."
    ),
    "csv_tool": (
        "A command line tool that converts CSV files to JSON and back, with options to pick "
        "columns and to pretty-print."
    ),
    "isbn_library": (
        "A small Python library for parsing and validating ISBN-10 and ISBN-13 numbers, "
        "converting between them."
    ),
}
